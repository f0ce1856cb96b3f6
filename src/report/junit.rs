//! JUnit XML: for `check`, one test suite per account and one test case per check performed (rule ×
//! principal), failed by its findings; for `lint`, one suite with a test case per policy file.

use super::{Report, place_text};
use crate::codes::Code;
use crate::diag::Diagnostic;
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

/// A test case failed by `findings` (skipped when every one is waived, passed when there are none).
fn case(name: String, classname: &str, findings: &[&Diagnostic], report: &Report<'_>) -> TestCase {
    let open: Vec<&&Diagnostic> = findings.iter().filter(|d| d.waiver.is_none()).collect();
    let status = if !open.is_empty() {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(
            open.iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        );
        status.set_type(open[0].severity.as_str());
        let description: Vec<String> = open
            .iter()
            .map(|d| {
                let place = place_text(report, d).unwrap_or_default();
                let help = d.help.as_deref().unwrap_or_default();
                format!(
                    "{} [{}] {}\n  at {place}\n  fix: {help}",
                    d.severity.as_str(),
                    d.code,
                    d.message
                )
            })
            .collect();
        status.set_description(description.join("\n"));
        status
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
    case
}

fn case_name(code: Code, principal: Option<&str>) -> String {
    match principal {
        Some(p) => format!("{code} [{p}]"),
        None => code.to_string(),
    }
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
        let mut names: Vec<String> = (0..report.files.len())
            .map(|id| report.files.get(id).name.clone())
            .collect();
        names.extend(
            policy_problems
                .iter()
                .filter(|d| d.file.is_none())
                .map(|d| d.code.to_string()),
        );
        // Files and file-less codes may repeat anywhere in the list, not only next to each other.
        let mut seen = std::collections::HashSet::new();
        names.retain(|name| seen.insert(name.clone()));
        for name in names {
            let findings: Vec<&Diagnostic> = policy_problems
                .iter()
                .copied()
                .filter(|d| {
                    d.file.map_or(d.code.as_str() == name, |f| {
                        report.files.get(f).name == name
                    })
                })
                .collect();
            suite.add_test_case(case(format!("lint {name}"), "policies", &findings, report));
        }
        junit.add_test_suite(suite);
    }
    for account in report.accounts {
        let mut suite = TestSuite::new(account.name.clone());
        let findings: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.account.as_ref().is_some_and(|a| a.name == account.name))
            .collect();
        let mut keys: Vec<(Code, Option<String>)> = account.checks.clone();
        keys.extend(findings.iter().map(|d| (d.code, d.principal.clone())));
        let mut seen = std::collections::HashSet::new();
        keys.retain(|key| seen.insert(key.clone()));
        for (code, principal) in keys {
            let matching: Vec<&Diagnostic> = findings
                .iter()
                .copied()
                .filter(|d| d.code == code && d.principal == principal)
                .collect();
            suite.add_test_case(case(
                case_name(code, principal.as_deref()),
                &account.name,
                &matching,
                report,
            ));
        }
        junit.add_test_suite(suite);
    }
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- JUnit serialisation failed: {e} -->\n"))
}
