//! smce-guard: declared IAM state for NASA SMCE accounts, checked against what the account holds.
//!
//! Data flows one way: policy files go through [`policy`] (load, schema, meaning, routes to lines),
//! account state goes through [`observe`] (one model, fed by recorded fixtures or by the AWS API,
//! whose answers are written in the fixtures' shapes and parsed by the same reader), both meet in
//! the pure [`engine`] (one table of rules), and [`report`] renders the resulting
//! [`diag::Diagnostic`]s, one file per format.
//!
//! The pipelines [`check`], [`expiries`], [`snapshot`], [`accounts`] and [`init`] wire those layers for each
//! command: they take plain options (with one [`select::Selection`] of accounts) and return an
//! outcome; [`infrastructure`] holds policies to an infrastructure checkout. [`cli`] alone knows clap: it turns arguments into those options before any work,
//! prints, writes files through [`atomic`], and picks the exit code.

#![forbid(unsafe_code)]

pub mod base;
pub mod cli;
pub mod engine;
pub mod infrastructure;
pub mod observe;
pub mod outcome;
pub mod pipelines;
pub mod policy;
pub mod report;
