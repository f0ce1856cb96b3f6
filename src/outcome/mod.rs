//! Outcome types: what the pipelines produce and the reporters read. One account judged
//! ([`account`]), one request decided ([`access`]), credentials and their expiry
//! ([`expiries`]), the estate of an infrastructure checkout ([`inventory`]), the estate's policies
//! `init` wrote ([`init`]), a held key verified ([`verification`]), and the verdict every exit code is picked from ([`verdict`]). This layer
//! knows no pipeline, reporter, policy or observation: it holds plain results.

pub mod access;
pub mod account;
pub mod expiries;
pub mod init;
pub mod inventory;
pub mod verdict;
pub mod verification;

pub use account::{
    AccountOutcome, AccountSummary, Check, Checked, Coverage, Provenance, Refusal, Snapshotted,
    Status,
};
pub use verdict::Verdict;
