//! GitHub workflow commands: one `::error`/`::warning` line per diagnostic, which the Actions runner
//! turns into annotations on the policy file. Waived findings become `::notice`.

use super::{Report, place};
use crate::base::codes::Severity;
use std::fmt::Write;

use super::escape::{workflow_data as data, workflow_property as property};

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
        let command = match (d.waiver.is_some(), d.severity) {
            (true, _) => "notice",
            (false, Severity::Error) => "error",
            (false, Severity::Warning) => "warning",
        };
        let (file, line, column) = place(report, d);
        let mut properties = Vec::new();
        if let Some(file) = file {
            properties.push(format!("file={}", property(file)));
        }
        if let Some(line) = line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = column {
            properties.push(format!("col={column}"));
        }
        let account = d
            .account
            .as_ref()
            .map_or_else(String::new, |a| format!(" ({})", a.name));
        properties.push(format!(
            "title={}",
            property(&format!("{}{account}", d.code))
        ));
        let mut message = super::title(d, &d.message, false);
        if let Some(waiver) = &d.waiver {
            message.push_str(&format!(" ({})", super::waived(waiver)));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nFix: {help}"));
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            data(&message)
        );
    }
    // Passed checks are plain log lines, not annotations: nothing to mark on a policy line.
    if report.show_passed {
        for account in report.accounts {
            for check in report.passed(account) {
                let line = format!(
                    "passed: {} {} ✓{}{}",
                    account.name,
                    check.code,
                    (check.principal.as_deref()).map_or_else(String::new, |p| format!(" {p}")),
                    (check.arn.as_deref()).map_or_else(String::new, |arn| format!(": {arn}"))
                );
                let _ = writeln!(out, "{}", super::escape::terminal(&line));
            }
        }
    }
    out
}
