//! The one integration test binary: every module below drives the real `smce-guard` binary on
//! files under `tests/data/` (or the repository's own `policies/` and `fixtures/`).

mod common;
mod lint;
mod lint_corpus;
mod rules;
