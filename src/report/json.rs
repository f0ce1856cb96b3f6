//! The JSON format, version 1: a frozen contract (documented in README). Fields are only ever
//! added; a breaking change would bump `version`.

use super::{Report, place};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Serialize)]
struct LintDocument<'a> {
    version: u32,
    diagnostics: Vec<LintEntry<'a>>,
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
    findings: Vec<Finding<'a>>,
    summary: Summary,
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
    details: &'a Map<String, Value>,
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

pub fn render(report: &Report<'_>) -> String {
    let tally = report.tally();
    let summary = Summary {
        errors: tally.errors,
        warnings: tally.warnings,
        waived: tally.waived,
    };
    let mut text = if report.check {
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
            findings: report
                .diagnostics
                .iter()
                .map(|d| {
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
                })
                .collect(),
            summary,
        };
        serde_json::to_string_pretty(&document)
    } else {
        let document = LintDocument {
            version: 1,
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| {
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
                })
                .collect(),
            summary,
        };
        serde_json::to_string_pretty(&document)
    }
    .expect("report documents contain only strings, numbers and maps");
    text.push('\n');
    text
}
