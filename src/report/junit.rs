//! JUnit XML: for `check`, one test suite per account and one test case per check performed (rule ×
//! principal), failed by its findings; for `lint`, one suite with a test case per policy file.
//! Findings are grouped by account and by case once, so the report is linear in its findings.

use super::{Report, place_text};
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::collections::{HashMap, HashSet};

/// One finding as a failure description or a `system-out` line.
fn describe(d: &Diagnostic, report: &Report<'_>) -> String {
    let place = place_text(report, d).unwrap_or_default();
    let help = d.help.as_deref().unwrap_or_default();
    format!(
        "{} [{}] {}\n  at {place}\n  fix: {help}",
        d.severity.as_str(),
        d.code,
        d.message
    )
}

/// A test case failed by its findings at or above `--fail-on` (skipped when every finding is
/// waived, passed when there are none); findings below `--fail-on` pass it and are told in
/// `system-out`, so JUnit fails exactly what the exit code fails.
fn case(name: String, classname: &str, findings: &[&Diagnostic], report: &Report<'_>) -> TestCase {
    let (open, below): (Vec<&&Diagnostic>, Vec<&&Diagnostic>) = findings
        .iter()
        .filter(|d| d.waiver.is_none())
        .partition(|d| d.severity >= report.fail_on);
    let status = if !open.is_empty() {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(
            open.iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        );
        status.set_type(open[0].severity.as_str());
        let description: Vec<String> = open.iter().map(|d| describe(d, report)).collect();
        status.set_description(description.join("\n"));
        status
    } else if !below.is_empty() {
        TestCaseStatus::success()
    } else if let Some(waived) = findings.first() {
        let mut status = TestCaseStatus::skipped();
        let waiver = waived.waiver.as_ref().expect("only waived findings remain");
        status.set_message(super::waived(waiver));
        status
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname.to_owned());
    if !below.is_empty() {
        let lines: Vec<String> = below.iter().map(|d| describe(d, report)).collect();
        case.set_system_out(lines.join("\n"));
    }
    case
}

fn case_name(code: Code, principal: Option<&str>) -> String {
    match principal {
        Some(p) => format!("{code} [{p}]"),
        None => code.to_string(),
    }
}

/// `items` grouped by `key`, each group in the order of `items`: one pass, so that building every
/// test case costs what its own findings cost, not a scan of the whole report.
fn group<'a, K: std::hash::Hash + Eq>(
    items: impl IntoIterator<Item = &'a Diagnostic>,
    key: impl Fn(&'a Diagnostic) -> K,
) -> HashMap<K, Vec<&'a Diagnostic>> {
    let mut groups: HashMap<K, Vec<&'a Diagnostic>> = HashMap::new();
    for d in items {
        groups.entry(key(d)).or_default().push(d);
    }
    groups
}

pub fn render(report: &Report<'_>) -> String {
    let mut junit = quick_junit::Report::new("smce-guard");
    let policy_problems: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.account.is_none())
        .collect();
    if !report.check || !policy_problems.is_empty() {
        let mut suite = TestSuite::new("policies");
        // A problem belongs to the case of its file, or of its code when it has no file.
        let by_name = group(policy_problems.iter().copied(), |d| {
            d.file
                .map_or(d.code.as_str(), |f| report.files.get(f).name.as_str())
        });
        let mut names: Vec<&str> = (0..report.files.len())
            .map(|id| report.files.get(id).name.as_str())
            .collect();
        names.extend(
            policy_problems
                .iter()
                .filter(|d| d.file.is_none())
                .map(|d| d.code.as_str()),
        );
        // Files and file-less codes may repeat anywhere in the list, not only next to each other.
        let mut seen = HashSet::new();
        names.retain(|name| seen.insert(*name));
        for name in names {
            let findings = by_name.get(name).map_or(&[][..], Vec::as_slice);
            suite.add_test_case(case(format!("lint {name}"), "policies", findings, report));
        }
        junit.add_test_suite(suite);
    }
    let by_account = group(report.diagnostics.iter(), |d| {
        d.account.as_ref().map(|a| a.name.as_str())
    });
    for account in report.accounts {
        let mut suite = TestSuite::new(account.name.clone());
        // When this account was judged, to the second.
        if let Some(at) = account.now {
            suite.add_property(("judged_at", at.to_string().as_str()));
        }
        let findings = by_account
            .get(&Some(account.name.as_str()))
            .map_or(&[][..], Vec::as_slice);
        let by_case = group(findings.iter().copied(), |d| {
            (d.code, d.principal.as_deref())
        });
        let mut keys: Vec<(Code, Option<&str>)> = account
            .checks
            .iter()
            .map(|check| (check.code, check.principal.as_deref()))
            .collect();
        keys.extend(findings.iter().map(|d| (d.code, d.principal.as_deref())));
        let mut seen = HashSet::new();
        keys.retain(|key| seen.insert(*key));
        for key in keys {
            let matching = by_case.get(&key).map_or(&[][..], Vec::as_slice);
            suite.add_test_case(case(
                case_name(key.0, key.1),
                &account.name,
                matching,
                report,
            ));
        }
        junit.add_test_suite(suite);
    }
    // Escaped as a whole: quick-junit escapes for XML, not for the CI log it is printed to.
    match junit.to_string() {
        Ok(xml) => super::escape::xml(&xml),
        Err(e) => format!(
            "<!-- JUnit serialisation failed: {} -->\n",
            super::escape::terminal(&e.to_string())
        ),
    }
}
