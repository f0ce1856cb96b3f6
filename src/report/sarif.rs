//! SARIF 2.1.0 for GitHub code scanning: one rule per code with its explanation as help, and each
//! result located at the policy line it concerns. Waived findings carry an accepted suppression.

use super::Report;
use crate::codes::{Code, Severity};
use serde_json::{Value, json};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule(code: Code) -> Value {
    let e = code.explanation();
    json!({
        "id": code.as_str(),
        "name": code.as_str().replace(['.', '-'], "_"),
        "shortDescription": { "text": e.checks },
        "fullDescription": { "text": format!("{} {}", e.checks, e.why) },
        "help": {
            "text": format!("{}\n\nWhy: {}\n\nFix: {}", e.checks, e.why, e.fix),
            "markdown": format!("{}\n\n**Why:** {}\n\n**Fix:** {}", e.checks, e.why, e.fix),
        },
        "defaultConfiguration": { "level": level(code.default_severity()) },
    })
}

pub fn render(report: &Report<'_>) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&c| rule(c)).collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut message = super::title(d, &d.message, true);
            if let Some(help) = &d.help {
                message = format!("{message}\nFix: {help}");
            }
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": message },
                "properties": {
                    "account_id": d.account.as_ref().map(|a| a.id.as_str()),
                    "account_name": d.account.as_ref().map(|a| a.name.as_str()),
                    "principal": d.principal,
                    "details": d.details,
                },
            });
            if let Some(file) = d.file {
                let mut physical = json!({ "artifactLocation": { "uri": report.files.get(file).name.replace('\\', "/") } });
                if let Some(span) = d.span(report.files) {
                    let source = report.files.get(file);
                    let (start_line, start_column) = source.line_col(span.start);
                    let (end_line, end_column) = source.line_col(span.end);
                    physical["region"] = json!({
                        "startLine": start_line,
                        "startColumn": start_column,
                        "endLine": end_line,
                        "endColumn": end_column.max(if end_line == start_line { start_column + 1 } else { 1 }),
                    });
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            if let Some(waiver) = &d.waiver {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": super::waived(waiver),
                }]);
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "smce-guard",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/2i2c-org/smce-guard",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).expect("SARIF is plain JSON");
    text.push('\n');
    text
}
