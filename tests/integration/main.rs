//! The one integration test binary: every module below drives the real `smce-guard` binary on
//! files under `tests/data/` (or the repository's own `policies/` and `fixtures/`).

#[allow(dead_code)] // Each helper is used by some modules only.
mod common;
mod faults;
mod formats;
mod hostile;
mod lint;
mod lint_corpus;
mod live;
mod moto;
mod properties;
mod rules;
mod select;
