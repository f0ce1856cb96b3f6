//! Drift rules: each raised by a case and held back at its boundary.
//!
//! Every case starts from one clean account, `acme` ([`case::Case::base`]), changes one thing in
//! the test itself, and runs the binary on it ([`binary`]). Findings are compared as
//! `severity code principal @line` strings, so a test fails on any extra, missing or misplaced
//! finding.

mod binary;
mod case;
