//! The pipelines, one per command: each takes plain options (built by [`crate::cli`]), wires the
//! layers below it (policy, observe, infrastructure, engine) and returns an outcome
//! ([`crate::outcome`]) for the reporters. None of them prints or picks an exit code.

pub mod access;
pub mod accounts;
pub mod check;
pub mod expiries;
pub mod init;
pub mod inventory;
pub mod judging;
pub mod lint;
pub mod select;
pub mod snapshot;
pub mod verify;
