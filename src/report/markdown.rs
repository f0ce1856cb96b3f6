//! Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: a table of accounts with their
//! status, then the findings grouped by account, each with its fix.

use super::escape::{markdown, markdown_code};
use super::{Report, place_text};
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use std::fmt::Write;

/// A message or help text: its backtick-quoted parts stay code spans, the rest is text; both
/// escaped, so a value holding a backtick, `|`, a line break or HTML cannot escape its place.
fn prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                markdown_code(part)
            } else {
                markdown(part)
            }
        })
        .collect()
}

fn icon(d: &Diagnostic) -> &'static str {
    match (d.waiver.is_some(), d.severity) {
        (true, _) => "💤",
        (false, Severity::Error) => "❌",
        (false, Severity::Warning) => "⚠️",
    }
}

fn item(out: &mut String, report: &Report<'_>, d: &Diagnostic) {
    let principal = d
        .principal
        .as_ref()
        .map_or_else(String::new, |p| format!(" {}", markdown_code(p)));
    let place = place_text(report, d).map_or_else(String::new, |p| format!(" ({})", markdown(&p)));
    let _ = writeln!(
        out,
        "- {} **{}**{principal}: {}{place}",
        icon(d),
        d.code,
        prose(&d.message)
    );
    if let Some(waiver) = &d.waiver {
        let _ = writeln!(out, "  - {}", markdown(&super::waived(waiver)));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  - fix: {}", prose(help));
    }
}

pub fn render(report: &Report<'_>) -> String {
    let tally = report.tally();
    let mut out = String::from(if report.check {
        "## smce-guard check\n\n"
    } else {
        "## smce-guard lint\n\n"
    });
    if report.check {
        let mut when = report.judged_at();
        when[..1].make_ascii_uppercase();
        let _ = writeln!(out, "{when}.\n");
    }
    // Each account's instant gets a column only when they differ.
    let per_account = report.now.is_none();
    if report.check && !report.accounts.is_empty() {
        out.push_str("| account | id | status | errors | warnings | waived |");
        out.push_str(if per_account { " judged at |\n" } else { "\n" });
        out.push_str("|---|---|---|---|---|---|");
        out.push_str(if per_account { "---|\n" } else { "\n" });
        for a in report.accounts {
            let status = match a.status.as_str() {
                "ok" => "✅ ok",
                // Only warnings: drift to act on soon, not a failure.
                "drift" if a.tally.errors == 0 => "⚠️ drift",
                "drift" => "❌ drift",
                "unobserved" => "❓ unobserved",
                _ => "🚫 invalid",
            };
            let _ = write!(
                out,
                "| {} | {} | {status} | {} | {} | {} |",
                markdown(&a.name),
                markdown(&a.id),
                a.tally.errors,
                a.tally.warnings,
                a.tally.waived
            );
            match (per_account, a.now) {
                (true, Some(at)) => {
                    let _ = writeln!(out, " {at} |");
                }
                (true, None) => out.push_str(" — |\n"),
                (false, _) => out.push('\n'),
            }
        }
        out.push('\n');
    }
    let unaccounted: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.account.is_none())
        .collect();
    if !unaccounted.is_empty() {
        out.push_str("### Policies\n\n");
        for d in unaccounted {
            item(&mut out, report, d);
        }
        out.push('\n');
    }
    for a in report.accounts {
        let findings: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.account.as_ref().is_some_and(|x| x.name == a.name))
            .collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} ({})\n", markdown(&a.name), markdown(&a.id));
        for d in findings {
            item(&mut out, report, d);
        }
        out.push('\n');
    }
    if report.show_passed {
        out.push_str("### Passed\n\n");
        for a in report.accounts {
            for check in report.passed(a) {
                let principal = (check.principal.as_deref())
                    .map_or_else(String::new, |p| format!(" {}", markdown_code(p)));
                let arn = (check.arn.as_deref())
                    .map_or_else(String::new, |arn| format!(": {}", markdown_code(arn)));
                let _ = writeln!(
                    out,
                    "- ✅ {} **{}**{principal}{arn}",
                    markdown(&a.name),
                    check.code
                );
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "**{} errors, {} warnings, {} waived.**",
        tally.errors, tally.warnings, tally.waived
    );
    out
}
