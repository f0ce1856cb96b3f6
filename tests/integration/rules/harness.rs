//! The in-process harness: judges one account from a policy's text and its recorded texts through
//! the `smce_guard` library, the way `smce-guard check --format json` judges it, and hands back
//! what the rule tests compare (findings as `severity code principal @line`, exit code, status).
//!
//! This is the only file of the rule tests that touches the library: keeping the calls in
//! [`lint`], [`observe`], [`judge_by`] and [`render`] makes following a change of the library a
//! one-file edit. Accounts are judged by the library's one judging path
//! (`engine::judge::account`), as `check` judges them; what the binary adds around it (locating
//! findings, the exit code) is mirrored here, and `binary::harness_agrees_with_the_binary` holds
//! the mirror to the binary, on the refusal paths too.

use crate::common::RECORDED_AT;
use jiff::Timestamp;
use serde_json::{Value, json};
use smce_guard::base::clock::Clock;
use smce_guard::base::codes::Severity;
use smce_guard::base::diag::{Diagnostic, Location};
use smce_guard::base::source::{Files, SourceFile};
use smce_guard::engine::judge::{self, Settings};
use smce_guard::observe::{AccountState, Observation, ObserveError, recorded};
use smce_guard::outcome::{AccountSummary, Checked};
use smce_guard::pipelines::check;
use smce_guard::policy::{self, Policy};
use std::path::Path;

/// The recorded documents of one account, as text, by file name: what a `fixtures/<name>/`
/// folder holds. Any file of the reader's table (`recorded::FILES`) may be among them.
#[derive(Debug, Clone, Default)]
pub struct RecordingTexts(pub Vec<(&'static str, String)>);

impl RecordingTexts {
    /// Reads a fixture folder; its required files must be there (an unobserved account is the
    /// binary's business).
    pub fn read(dir: &Path) -> RecordingTexts {
        let mut recorded = RecordingTexts::default();
        for file in recorded::FILES {
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
        RecordingTexts::read(&root.join(fixture_dir)),
        now,
    )
}

/// Judges one account: `policy_text` (reported as `policy_file`) against `recorded` (reported as
/// files in `fixture_dir`), as of `now`, else the recording's `captured_at`. Both are explicit
/// clocks, as the binary runs in these tests (`SMCE_GUARD_NOW`).
pub fn judge(
    policy_file: &str,
    policy_text: &str,
    fixture_dir: &str,
    recorded: RecordingTexts,
    now: Option<&str>,
) -> Judged {
    let now = now.unwrap_or(RECORDED_AT);
    let now = now.parse::<Timestamp>().expect("an RFC 3339 instant");
    judge_by(
        policy_file,
        policy_text,
        fixture_dir,
        recorded,
        Clock::new(Some(now), false),
    )
}

/// [`judge`] with any clock: the binary's default (the current instant, not explicit) and
/// `--as-recorded` included, so the parity test can compare the refusal paths they take.
pub fn judge_by(
    policy_file: &str,
    policy_text: &str,
    fixture_dir: &str,
    recorded: RecordingTexts,
    clock: Clock,
) -> Judged {
    let (policy, lint) = lint(policy_file, policy_text);
    // As in `check`: a policy with a lint error is not judged; its diagnostics stand alone.
    let Some(policy) = policy.filter(|_| !lint.iter().any(|d| d.severity == Severity::Error))
    else {
        return Judged {
            name: "-".to_owned(),
            code: exit_code(&lint, Vec::new()),
            status: None,
            now: None,
            findings: render(policy_file, policy_text, lint, None),
        };
    };
    // The library's one judging path, with `check`'s defaults (`--max-age 7`).
    let settings = Settings {
        clock,
        max_age_days: 7,
        list_checks: false,
    };
    let observation = Observation {
        state: observe(recorded, fixture_dir),
        texts: None,
        requests: None,
        place: fixture_dir.to_owned(),
        live: false,
    };
    let outcome = judge::account(&policy, POLICY_FILE_ID, observation, &settings, None).outcome;
    // Lint diagnostics first, then the account's findings in `check`'s order.
    let mut diagnostics = lint;
    let first_finding = diagnostics.len();
    diagnostics.extend(outcome.findings);
    let recording = outcome.refusal.map(|refusal| {
        diagnostics.push(refusal.finding.in_file(RECORDING_FILE_ID));
        refusal.source
    });
    diagnostics[first_finding..].sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    let summary = outcome.summary;
    Judged {
        name: summary.name.clone(),
        code: exit_code(&diagnostics, vec![summary.clone()]),
        status: Some(summary.status.as_str()),
        now: summary.now.map(|t| t.to_string()),
        findings: render(policy_file, policy_text, diagnostics, recording),
    }
}

/// What `access` answers for the deployer's `action` on `resource` in the account of
/// `policy_text` and `recorded`, at `now`: the library's evaluator (`engine::ask`), as the
/// binary's `access` asks it once the account is judged.
pub fn ask(
    policy_file: &str,
    policy_text: &str,
    fixture_dir: &str,
    recorded: RecordingTexts,
    action: &str,
    resource: &str,
    now: &str,
) -> smce_guard::outcome::access::Answer {
    let (policy, lint) = lint(policy_file, policy_text);
    let policy = policy
        .filter(|_| !lint.iter().any(|d| d.severity == Severity::Error))
        .unwrap_or_else(|| panic!("the policy lints clean: {lint:#?}"));
    let state = observe(recorded, fixture_dir).unwrap_or_else(|_| panic!("the recording reads"));
    let question = smce_guard::engine::ask::Question {
        user: None,
        action,
        resource,
        context: &[],
    };
    let now = now.parse::<Timestamp>().expect("an RFC 3339 instant");
    smce_guard::engine::ask::ask(&policy, &state, now, &question).expect("the deployer exists")
}

/// `check`'s order: account, code, principal, then message.
fn finding_order(d: &Diagnostic) -> (Option<&str>, &str, Option<&str>, &str) {
    check::finding_order(d)
}

/// Lints the policy text: `policy::lint_bytes` with no `today`, as `check` loads policies.
fn lint(policy_file: &str, text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    policy::lint_bytes(policy_file, text.as_bytes().to_vec(), None)
}

/// Parses the recorded texts into the model, as the recording reader does on disk.
fn observe(recorded: RecordingTexts, fixture_dir: &str) -> Result<AccountState, ObserveError> {
    let texts = (recorded.0.into_iter()).fold(recorded::Texts::default(), |texts, (name, text)| {
        texts.with(name, text)
    });
    recorded::parse(&texts, fixture_dir)
}

/// The exit code a run over these diagnostics and accounts ends with (`--fail-on error`): the
/// verdict `check` itself picks it from.
fn exit_code(diagnostics: &[Diagnostic], accounts: Vec<AccountSummary>) -> i32 {
    let checked = Checked {
        files: Files::default(),
        diagnostics: diagnostics.to_vec(),
        accounts,
        now: None,
    };
    i32::from(checked.verdict(Severity::Error).code())
}

/// The file id findings in the policy carry; a broken recording is the next file.
const POLICY_FILE_ID: usize = 0;
const RECORDING_FILE_ID: usize = 1;

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
