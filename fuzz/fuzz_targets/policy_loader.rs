//! The whole policy lint of one file: bytes → UTF-8 → YAML events → schema → typed policy → meaning.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (_, diagnostics) = smce_guard::policy::lint_bytes("fuzz.yaml", data.to_vec(), None);
    // Every diagnostic must say something.
    assert!(diagnostics.iter().all(|d| !d.message.is_empty()));
});
