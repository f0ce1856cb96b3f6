//! The reader of `aws iam get-account-authorization-details` output (and the documents inside).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = smce_guard::observe::gaad::parse(text);
    }
});
