//! The credential report CSV reader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = smce_guard::observe::credential_report::parse(text);
    }
});
