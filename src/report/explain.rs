//! `smce-guard explain`: the code table, and one code's full explanation, from the single source
//! in [`crate::base::codes`]. README's code table is this module's markdown output (a test keeps them
//! equal).

use super::escape::markdown_cell;
use crate::base::codes::Code;
use std::fmt::Write;

/// Every code with its severity and what it checks, as plain text.
pub fn list() -> String {
    let mut out = String::new();
    for code in Code::ALL {
        let _ = writeln!(
            out,
            "{:<30} {:<8} {}",
            code.as_str(),
            code.default_severity().as_str(),
            first_sentence(code.title())
        );
    }
    out.push_str("\nRun `smce-guard explain CODE` for what a code checks, why it matters and how to fix it.\n");
    out
}

/// One code in full.
pub fn one(code: Code) -> String {
    let e = code.explanation();
    let severity = match code {
        Code::UserUnmanaged => "set by `unmanaged_users` (error by default)".to_owned(),
        Code::DeployerKeyCount => "error with no active key, warning otherwise".to_owned(),
        _ => code.default_severity().as_str().to_owned(),
    };
    format!(
        "{code} ({severity})\n\nChecks: {}\n\nWhy: {}\n\nFix: {}\n",
        e.checks, e.why, e.fix
    )
}

/// The README table: code, severity, what it checks, how to fix it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | severity | checks | fix |\n|---|---|---|---|\n");
    for code in Code::ALL {
        let e = code.explanation();
        let _ = writeln!(
            out,
            "| `{code}` | {} | {} | {} |",
            code.default_severity().as_str(),
            markdown_cell(e.checks),
            markdown_cell(e.fix)
        );
    }
    out
}

fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |i| &text[..=i])
}
