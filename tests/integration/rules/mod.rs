//! Drift rules: each raised by a case and held back at its boundary.
//!
//! Every case starts from one clean account, `acme` ([`case::Case::base`]), and changes one thing
//! in the test itself. Rule cases are judged in-process by [`harness`] (one file per rule family);
//! what only the binary can show (files on disk, exit codes over several accounts, output formats,
//! the repository's snapshots) runs the binary in [`binary`]. Findings are compared as
//! `severity code principal @line` strings either way, so a test fails on any extra, missing or
//! misplaced finding.

mod account;
mod binary;
pub(crate) mod case;
mod credentials;
mod days;
mod decision;
mod denied;
mod deployer;
mod harness;
mod members;
mod permissions;
mod real_data;
mod sso;
mod usage;
mod users;
mod variables;
mod waivers;

/// Asserts the exit code a run of this account alone would end with and its exact findings.
#[track_caller]
fn expect(judged: &harness::Judged, code: i32, expected: &[&str]) {
    assert_eq!(judged.lines(), expected, "{judged:#?}");
    assert_eq!(judged.code, code, "{judged:#?}");
}
