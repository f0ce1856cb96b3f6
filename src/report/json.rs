//! The JSON format, version 1: a frozen contract (documented in README). Fields are only ever
//! added; a breaking change would bump `version`.

use super::{Report, place};
use crate::base::diag::Diagnostic;
use serde::Serialize;

#[derive(Serialize)]
struct LintDocument<'a> {
    version: u32,
    diagnostics: Lazy<'a, LintEntry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct LintEntry<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct CheckDocument<'a> {
    version: u32,
    now: Option<String>,
    accounts: Vec<AccountEntry<'a>>,
    findings: Lazy<'a, Finding<'a>>,
    /// Every check performed and passed, with `--show-passed` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    passed: Option<Vec<Passed<'a>>>,
    summary: Summary,
}

/// One check performed and passed.
#[derive(Serialize)]
struct Passed<'a> {
    account_id: &'a str,
    account_name: &'a str,
    code: &'static str,
    principal: Option<&'a str>,
    /// A permission set's role ARN (what an EKS access entry names); absent for other checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
}

/// A sequence serialised straight from the diagnostics, without collecting entries first: a
/// fleet's report is written as it is produced.
struct Lazy<'a, T> {
    report: &'a Report<'a>,
    entry: fn(&'a Report<'a>, &'a Diagnostic) -> T,
}

impl<'a, T: Serialize> Serialize for Lazy<'a, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.report
                .diagnostics
                .iter()
                .map(|d| (self.entry)(self.report, d)),
        )
    }
}

#[derive(Serialize)]
struct AccountEntry<'a> {
    id: &'a str,
    name: &'a str,
    status: &'static str,
    now: Option<String>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    severity: &'static str,
    account_id: Option<&'a str>,
    account_name: Option<&'a str>,
    principal: Option<&'a str>,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
    details: &'a crate::base::diag::Details,
    waived: bool,
    waiver: Option<WaiverEntry<'a>>,
}

#[derive(Serialize)]
struct WaiverEntry<'a> {
    reason: &'a str,
    until: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    waived: usize,
}

fn finding<'a>(report: &'a Report<'a>, d: &'a Diagnostic) -> Finding<'a> {
    let (file, line, column) = place(report, d);
    Finding {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        account_id: d.account.as_ref().map(|a| a.id.as_str()),
        account_name: d.account.as_ref().map(|a| a.name.as_str()),
        principal: d.principal.as_deref(),
        message: &d.message,
        file,
        line,
        column,
        help: d.help.as_deref(),
        details: &d.details,
        waived: d.waiver.is_some(),
        waiver: d.waiver.as_ref().map(|w| WaiverEntry {
            reason: &w.reason,
            until: &w.until,
        }),
    }
}

fn lint_entry<'a>(report: &'a Report<'a>, d: &'a Diagnostic) -> LintEntry<'a> {
    let (file, line, column) = place(report, d);
    LintEntry {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: &d.message,
        file,
        line,
        column,
        help: d.help.as_deref(),
    }
}

/// Writes the JSON document for `report` to `out`.
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let tally = report.tally();
    let summary = Summary {
        errors: tally.errors,
        warnings: tally.warnings,
        waived: tally.waived,
    };
    if report.check {
        let document = CheckDocument {
            version: 1,
            now: report.now.map(|t| t.to_string()),
            accounts: report
                .accounts
                .iter()
                .map(|a| AccountEntry {
                    id: &a.id,
                    name: &a.name,
                    status: a.status.as_str(),
                    now: a.now.map(|t| t.to_string()),
                })
                .collect(),
            findings: Lazy {
                report,
                entry: finding,
            },
            passed: report.show_passed.then(|| {
                (report.accounts.iter())
                    .flat_map(|a| {
                        report.passed(a).into_iter().map(move |check| Passed {
                            account_id: &a.id,
                            account_name: &a.name,
                            code: check.code.as_str(),
                            principal: check.principal.as_deref(),
                            arn: check.arn.as_deref(),
                        })
                    })
                    .collect()
            }),
            summary,
        };
        super::write_document(out, &document)
    } else {
        let document = LintDocument {
            version: 1,
            diagnostics: Lazy {
                report,
                entry: lint_entry,
            },
            summary,
        };
        super::write_document(out, &document)
    }
}
