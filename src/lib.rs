//! smce-guard: declared IAM state for NASA SMCE accounts, checked against what the account holds.
//!
//! Data flows one way: policy files go through [`policy`] (load, schema, meaning, routes to lines),
//! account state goes through [`observe`] (one model, fed by recorded fixtures), both meet in the pure
//! [`engine`], and [`report`] renders the resulting [`diag::Diagnostic`]s. [`cli`] only wires them.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod atomic;
pub mod check;
pub mod cli;
pub mod codes;
pub mod diag;
pub mod engine;
pub mod expiries;
pub mod observe;
pub mod policy;
pub mod report;
pub mod select;
pub mod snapshot;
pub mod source;
