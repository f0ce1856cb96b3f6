//! smce-guard: declared IAM state for NASA SMCE accounts, checked against what the accounts hold.
//!
//! The layers, top to bottom; each imports only layers below it (held by the integration test
//! `architecture`):
//!
//! - [`cli`], the only module that knows clap: arguments become a pipeline's options before any
//!   work, the outcome is printed or written, and its verdict is the exit code.
//! - [`pipelines`], one per command: load policies, select accounts, observe and judge them
//!   (one walk, [`pipelines::judging`]), and return an outcome.
//! - [`policy`] (load once, schema, meaning, routes to lines), [`observe`] (reads targets, not
//!   policies: recordings and the AWS API, one model) and [`infrastructure`] (cluster files).
//! - [`engine`]: one function judges an account ([`engine::judge::account`]) through one table
//!   of rules; pure, it never reads files, talks to AWS or prints.
//! - [`outcome`]: what pipelines produce and reporters read, with the verdict every exit code is
//!   picked from.
//! - [`report`]: one reporter per format, escaping in one layer.
//! - [`base`]: codes, the one diagnostic type, source files and routes, the clock, ARNs, files.

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
