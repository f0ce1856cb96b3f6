//! The in-process harness: judges one account from a policy's text and its recorded texts through
//! the `smce_guard` library, the way `smce-guard check --format json` judges it, and hands back
//! what the rule tests compare (findings as `severity code principal @line`, exit code, status).
//!
//! This is the only file of the rule tests that touches the library: keeping the calls in
//! [`lint`], [`observe`], [`rules`] and [`render`] makes following a change of the library a
//! one-file edit. What the binary adds around the engine (`check.rs`: `judge`, `judge_by`, and
//! the exit code `cli` picks) is mirrored here, and `binary::harness_agrees_with_the_binary` holds
//! the mirror to the binary.

use crate::common::RECORDED_AT;
use jiff::Timestamp;
use serde_json::{Value, json};
use smce_guard::codes::{Code, Severity};
use smce_guard::diag::{AccountRef, Diagnostic, Location};
use smce_guard::engine;
use smce_guard::observe::{AccountState, InvalidInput, ObserveError, fixture};
use smce_guard::policy::{self, Policy};
use smce_guard::source::SourceFile;
use std::path::Path;

/// The recorded documents of one account, as text, by file name: what a `fixtures/<name>/`
/// folder holds. Any file of the reader's table (`fixture::FILES`) may be among them.
#[derive(Debug, Clone, Default)]
pub struct Recorded(pub Vec<(&'static str, String)>);

impl Recorded {
    /// Reads a fixture folder; its required files must be there (an unobserved account is the
    /// binary's business).
    pub fn read(dir: &Path) -> Recorded {
        let mut recorded = Recorded::default();
        for file in fixture::FILES {
            match std::fs::read_to_string(dir.join(file.name)) {
                Ok(text) => recorded.0.push((file.name, text)),
                Err(_) if !file.required => {}
                Err(error) => panic!("{} has no {}: {error}", dir.display(), file.name),
            }
        }
        recorded
    }
}

/// One account judged, shaped like that account's part of a JSON `check` report.
#[derive(Debug)]
pub struct Judged {
    /// The account's name, or `-` when the policy did not lint clean.
    pub name: String,
    /// The exit code a run over this account alone ends with (`--fail-on error`).
    pub code: i32,
    /// `ok`, `drift` or `invalid`; `None` when the policy was not judged (it did not lint clean).
    pub status: Option<&'static str>,
    /// The instant the account was judged at (`--now`, else the recording's `captured_at`).
    pub now: Option<String>,
    /// Each finding as the JSON report's finding object, in report order.
    pub findings: Vec<Value>,
}

/// One JSON finding as `severity code principal @line` (`-` for an absent principal or line), for
/// the harness and the binary runs alike.
pub fn finding_line(finding: &Value) -> String {
    let text = |v: &Value| v.as_str().map_or("-".to_owned(), str::to_owned);
    let line = finding["line"]
        .as_u64()
        .map_or("-".to_owned(), |l| l.to_string());
    format!(
        "{} {} {} @{line}",
        text(&finding["severity"]),
        text(&finding["code"]),
        text(&finding["principal"])
    )
}

impl Judged {
    /// Each finding as `severity code principal @line` (`-` for an absent principal or line):
    /// the strings the binary-based tests compare.
    pub fn lines(&self) -> Vec<String> {
        self.findings.iter().map(finding_line).collect()
    }

    /// The single finding with `code`.
    #[track_caller]
    pub fn only(&self, code: &str) -> Value {
        let hits: Vec<&Value> = self.findings.iter().filter(|f| f["code"] == code).collect();
        assert_eq!(hits.len(), 1, "expected one {code}:\n{self:#?}");
        hits[0].clone()
    }

    /// The account as `name status`, as the binary-based tests list accounts.
    pub fn statuses(&self) -> Vec<String> {
        self.status
            .map(|status| format!("{} {status}", self.name))
            .into_iter()
            .collect()
    }

    /// `(errors, warnings)` of unwaived findings, as the JSON summary counts them.
    pub fn summary(&self) -> (u64, u64) {
        let count = |severity: &str| {
            self.findings
                .iter()
                .filter(|f| f["severity"] == severity && f["waived"] == false)
                .count() as u64
        };
        (count("error"), count("warning"))
    }
}

/// Judges a policy file and a fixture folder under `root`, named as given (relative to `root`, as
/// a run from `root` names them).
pub fn judge_files(root: &Path, policy_file: &str, fixture_dir: &str, now: Option<&str>) -> Judged {
    let text =
        std::fs::read_to_string(root.join(policy_file)).expect("the policy is readable UTF-8");
    judge(
        policy_file,
        &text,
        fixture_dir,
        Recorded::read(&root.join(fixture_dir)),
        now,
    )
}

/// Judges one account: `policy_text` (reported as `policy_file`) against `recorded` (reported as
/// files in `fixture_dir`), as of `now`, else the recording's `captured_at`.
pub fn judge(
    policy_file: &str,
    policy_text: &str,
    fixture_dir: &str,
    recorded: Recorded,
    now: Option<&str>,
) -> Judged {
    let now = now.map(|now| now.parse::<Timestamp>().expect("an RFC 3339 instant"));
    let (policy, lint) = lint(policy_file, policy_text);
    // As in `check.rs`: a policy with a lint error is not judged; its diagnostics stand alone.
    let Some(policy) = policy.filter(|_| !lint.iter().any(|d| d.severity == Severity::Error))
    else {
        return Judged {
            name: "-".to_owned(),
            code: exit_code(&lint),
            status: None,
            now: None,
            findings: render(policy_file, policy_text, lint, None),
        };
    };
    let account = AccountRef {
        id: policy.account.id.clone(),
        name: policy.account.name.clone(),
    };
    let observed = observe(recorded, fixture_dir);
    // Lint diagnostics first, then the account's findings in `check.rs`'s `finding_order`.
    let mut diagnostics = lint;
    let first_finding = diagnostics.len();
    let mut recording = None;
    let mut refuse = |input: InvalidInput, diagnostics: &mut Vec<Diagnostic>| {
        let (diagnostic, source) = fixture_invalid(input, &account);
        diagnostics.push(diagnostic);
        recording = Some(source);
        "invalid"
    };
    let (status, at) = match observed {
        Err(input) => (refuse(input, &mut diagnostics), now),
        Ok(state) => match rules(&policy, &state, now) {
            (at, Ok(findings)) => {
                // A stale recording is a warning about the recording, not drift of the account.
                let drift =
                    (findings.iter()).any(|f| f.waiver.is_none() && f.code != Code::FixtureStale);
                // Offline, a recording of another account is broken, not drift.
                let other = findings.iter().any(|f| f.code == Code::AccountMismatch);
                diagnostics.extend(findings);
                let status = match (other, drift) {
                    (true, _) => "invalid",
                    (false, true) => "drift",
                    (false, false) => "ok",
                };
                (status, Some(at))
            }
            (at, Err(message)) => {
                let file = format!("{fixture_dir}/{}", fixture::SNAPSHOT);
                let status = refuse(InvalidInput::new(file, message), &mut diagnostics);
                (status, Some(at))
            }
        },
    };
    diagnostics[first_finding..].sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    Judged {
        name: account.name.clone(),
        code: exit_code(&diagnostics),
        status: Some(status),
        now: at.map(|t| t.to_string()),
        findings: render(policy_file, policy_text, diagnostics, recording),
    }
}

/// `check.rs`'s order within one account: code, principal, then message.
fn finding_order(d: &Diagnostic) -> (&str, Option<&str>, &str) {
    (d.code.as_str(), d.principal.as_deref(), &d.message)
}

/// Lints the policy text: `policy::lint_bytes` with no `today`, as `check` loads policies.
fn lint(policy_file: &str, text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    policy::lint_bytes(policy_file, text.as_bytes().to_vec(), None)
}

/// Parses the recorded texts into the model; a broken one is an invalid input, as on disk.
fn observe(recorded: Recorded, fixture_dir: &str) -> Result<AccountState, InvalidInput> {
    let texts = (recorded.0.into_iter()).fold(fixture::Texts::default(), |texts, (name, text)| {
        texts.with(name, text)
    });
    fixture::parse(&texts, fixture_dir).map_err(|error| match error {
        ObserveError::Invalid(input) => input,
        // Texts are always there; only a missing folder or file is unobserved.
        ObserveError::Unobserved(reason) => panic!("recorded texts read as unobserved: {reason}"),
    })
}

/// Runs the rules as `check.rs`'s `judge_by` does: the clock is `now`, else `captured_at`, and a
/// recording whose `captured_at` predates its own credentials is refused (the message) when it
/// is the clock. Returns the instant judged at and the findings, their routes unresolved.
fn rules(
    policy: &Policy,
    state: &AccountState,
    now: Option<Timestamp>,
) -> (Timestamp, Result<Vec<Diagnostic>, String>) {
    let captured = state.captured_at;
    // The binary runs with `--now` (the tests set `SMCE_GUARD_NOW`): an explicit clock, so a
    // capture time is taken as it is, and a recording older than `--max-age` is stale.
    let at = now.unwrap_or_else(|| RECORDED_AT.parse().unwrap());
    let mut findings = engine::evaluate(policy, POLICY_FILE_ID, state, at);
    if findings.iter().any(|f| f.code == Code::AccountMismatch) {
        return (at, Ok(findings));
    }
    findings.extend(engine::account::stale(
        policy,
        POLICY_FILE_ID,
        captured,
        at,
        7,
    ));
    (at, Ok(findings))
}

/// `check`'s exit code for one observed account (`--fail-on error`), by `Outcome::exit_code`'s
/// rule: 2 for invalid input, then 1 for an unwaived error, else 0.
fn exit_code(diagnostics: &[Diagnostic]) -> i32 {
    let invalid = diagnostics.iter().any(|d| {
        d.severity == Severity::Error
            && (d.account.is_none()
                || matches!(
                    d.code,
                    Code::FixtureInvalid | Code::WaiverExpired | Code::AccountMismatch
                ))
    });
    if invalid {
        2
    } else if diagnostics
        .iter()
        .any(|d| d.waiver.is_none() && d.severity >= Severity::Error)
    {
        1
    } else {
        0
    }
}

/// The file id findings in the policy carry; a broken recording is the next file.
const POLICY_FILE_ID: usize = 0;
const RECORDING_FILE_ID: usize = 1;

/// The `fixture.invalid` finding `check.rs` makes of a recorded file that does not parse, and
/// that file (its text, for the line).
fn fixture_invalid(input: InvalidInput, account: &AccountRef) -> (Diagnostic, SourceFile) {
    let source = SourceFile::new(input.file, input.text.unwrap_or_default());
    let mut diagnostic = Diagnostic::new(Code::FixtureInvalid, input.message)
        .in_file(RECORDING_FILE_ID)
        .for_account(account.clone());
    if let Some(span) = input.span {
        diagnostic.location = Location::Span(span);
    }
    (diagnostic, source)
}

/// Writes each diagnostic as the JSON report writes a finding: policy routes resolved to a line
/// and column in `text`, a broken recording's span in the recording's own text.
fn render(
    policy_file: &str,
    text: &str,
    mut diagnostics: Vec<Diagnostic>,
    recording: Option<SourceFile>,
) -> Vec<Value> {
    // The policy's route index, as the re-read for judging builds it.
    let mut index = policy::yaml::parse(0, text).index;
    index.finish();
    policy::locate(&index, &mut diagnostics);
    let mut files = vec![SourceFile::new(policy_file, text)];
    files.extend(recording);
    diagnostics
        .iter()
        .map(|d| {
            let source = d.file.map(|id| &files[id]);
            let place = match (&d.location, source) {
                (Location::Span(span), Some(source)) => Some(source.line_col(span.start)),
                _ => None,
            };
            let account = d.account.as_deref();
            json!({
                "code": d.code.as_str(),
                "severity": d.severity.as_str(),
                "account_id": account.map(|a| &a.id),
                "account_name": account.map(|a| &a.name),
                "principal": d.principal,
                "message": d.message,
                "file": source.map(|s| &s.name),
                "line": place.map(|p| p.0),
                "column": place.map(|p| p.1),
                "details": serde_json::to_value(&d.details).expect("details are JSON"),
                "waived": d.waiver.is_some(),
            })
        })
        .collect()
}
