//! Rendering outcomes for people and machines. A check or lint report has one reporter per
//! format ([`human`], [`json`], [`sarif`], [`junit`], [`markdown`], [`github`]); the credential
//! list of `expiries` has its formats in [`expiries`] (its calendar writer in [`calendar`]), the
//! estate of `inventory` in [`inventory`], what `init` wrote for the estate in [`init`], `verify-key`'s answer in
//! [`verification`], and `explain` in [`explain`]. Escaping for every target is [`escape`]'s.
//!
//! A finding's route into its policy is resolved to a byte span by the pipeline that judged it
//! (`policy::locate`, while the policy's text is at hand); reporters are the only code that turns
//! spans into lines and columns, and the only code that formats text for output. They write into
//! a `String` (JSON and SARIF stream into a writer) and leave printing to the command line.

pub mod access;
pub mod calendar;
pub mod escape;
pub mod expiries;
pub mod explain;
pub mod github;
pub mod human;
pub mod init;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod verification;

use crate::base::codes::{Code, Severity};
use crate::base::diag::{Diagnostic, Tally};
use crate::base::source::Files;
use crate::outcome::{AccountSummary, Check};
use jiff::Timestamp;

/// The output formats every command offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with the policy excerpt underlined (miette).
    Human,
    /// The versioned JSON document described in README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML: a test suite per account, a test case per check performed.
    Junit,
    /// Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY.
    Markdown,
    /// GitHub workflow commands (`::error file=...,line=...::message`).
    Github,
}

/// Everything a reporter needs; `accounts` is empty for `lint`.
pub struct Report<'a> {
    pub files: &'a Files,
    pub diagnostics: &'a [Diagnostic],
    pub accounts: &'a [AccountSummary],
    /// The one instant every account was judged at; `None` when each was judged at its own
    /// (`--as-recorded`), or for `lint`.
    pub now: Option<Timestamp>,
    /// Whether this is a `check` report (with accounts) rather than a `lint` report.
    pub check: bool,
    /// Whether to list every check performed and passed (`--show-passed`).
    pub show_passed: bool,
    /// The lowest severity that fails the run (`--fail-on`): JUnit fails only test cases with
    /// findings at or above it.
    pub fail_on: Severity,
}

impl Report<'_> {
    pub fn tally(&self) -> Tally {
        Tally::of(self.diagnostics)
    }

    /// The checks performed on `account` that no finding failed (waived findings included:
    /// accepted drift is not a pass), in the order they were performed.
    pub fn passed<'a>(&self, account: &'a AccountSummary) -> Vec<&'a Check> {
        let failed: std::collections::HashSet<(Code, Option<&str>)> = (self.diagnostics.iter())
            .filter(|d| d.account.as_ref().is_some_and(|a| a.name == account.name))
            .map(|d| (d.code, d.principal.as_deref()))
            .collect();
        (account.checks.iter())
            .filter(|check| !failed.contains(&(check.code, check.principal.as_deref())))
            .collect()
    }

    /// When the report judged: `judged at <instant>` for one instant, or a note that each
    /// account was judged at its own (the accounts then say when).
    pub fn judged_at(&self) -> String {
        match self.now {
            Some(now) => format!("judged at {now}"),
            None => "each account judged at its recording's capture time".to_owned(),
        }
    }
}

/// Styling choices for the human format.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// Renders `report` in `format`.
pub fn render(report: &Report<'_>, format: Format, style: HumanStyle) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => streamed(report, json::write),
        Format::Sarif => streamed(report, sarif::write),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
        Format::Github => github::render(report),
    }
}

/// Writes `report` in `format` to `out`; JSON and SARIF stream, so a fleet's report is never held
/// whole.
pub fn write(
    report: &Report<'_>,
    format: Format,
    style: HumanStyle,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        other => out.write_all(render(report, other, style).as_bytes()),
    }
}

/// A finding's title as every text format shows it: `[principal] message`, and `account: ` before
/// it where the format names the account in the title. `message` is the diagnostic's message, or
/// it with a place prepended.
pub(crate) fn title(d: &Diagnostic, message: &str, with_account: bool) -> String {
    let mut title = match &d.principal {
        Some(principal) => format!("[{principal}] {message}"),
        None => message.to_owned(),
    };
    if let (true, Some(account)) = (with_account, &d.account) {
        title = format!("{}: {title}", account.name);
    }
    title
}

/// How every format names the waiver that accepted a finding.
pub(crate) fn waived(waiver: &crate::base::diag::WaiverNote) -> String {
    format!("waived until {}: {}", waiver.until, waiver.reason)
}

/// A streamed format rendered into a string.
fn streamed(
    report: &Report<'_>,
    write: fn(&Report<'_>, &mut dyn std::io::Write) -> std::io::Result<()>,
) -> String {
    let mut buffer = Vec::new();
    write(report, &mut buffer).expect("writing to memory cannot fail");
    String::from_utf8(buffer).expect("serde_json writes UTF-8")
}

/// Writes one pretty JSON document and a final newline through a buffer: the JSON and SARIF
/// reports serialise straight into it as they are produced, escaped for a CI log
/// ([`escape::json`]).
pub(crate) fn write_document(
    out: &mut dyn std::io::Write,
    document: &impl serde::Serialize,
) -> std::io::Result<()> {
    escape::json(out, document)
}

pub(crate) fn severity_word(severity: Severity, count: usize) -> String {
    let word = severity.as_str();
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// File, 1-based line and column of a diagnostic, as every machine format reports them.
pub(crate) fn place<'a>(
    report: &'a Report<'_>,
    d: &Diagnostic,
) -> (Option<&'a str>, Option<usize>, Option<usize>) {
    let file = d.file.map(|id| report.files.get(id).name.as_str());
    let (line, column) = d.line_col(report.files).unzip();
    (file, line, column)
}

/// `file:line` (or just the file) for text formats.
pub(crate) fn place_text(report: &Report<'_>, d: &Diagnostic) -> Option<String> {
    match place(report, d) {
        (Some(file), Some(line), _) => Some(format!("{file}:{line}")),
        (Some(file), None, _) => Some(file.to_owned()),
        _ => None,
    }
}
