//! The one integration test binary: the modules below drive the real `smce-guard` binary on files
//! under `tests/data/` (or the repository's own `policies/` and `fixtures/`), except the rule
//! cases in `rules`, which judge accounts in-process through the library (`rules::harness`).

mod access;
mod architecture;
#[allow(dead_code)] // Each helper is used by some modules only.
mod common;
mod costs;
mod docs;
mod escaping;
mod faults;
mod formats;
mod hostile;
mod infrastructure;
mod init;
mod install;
mod inventory;
mod judged;
mod lint;
mod lint_corpus;
mod live;
mod mermaid;
mod moto;
mod packaging;
mod properties;
mod recipes;
mod rules;
mod select;
mod silent;
mod simulator;
mod verify;
