//! The `check` pipeline: lint the policies, observe each valid policy's account (in parallel),
//! evaluate the rules, and gather everything into one ordered outcome for the reporters.

use crate::clock::Clock;
use crate::codes::{Code, Severity};
use crate::diag::{AccountRef, Diagnostic, Location, Tally};
use crate::engine;
use crate::observe::{self, ObserveError, Source};
use crate::policy::{self, Declared};
use crate::report::{AccountSummary, Report, Status};
use crate::select::{Selection, UnknownAccounts};
use crate::source::{FileId, Files, Route, SourceFile};
use jiff::Timestamp;
use std::path::PathBuf;

/// What `check` is asked: plain domain options, built by the command line.
pub struct CheckOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    /// Recorded fixtures or the AWS API.
    pub source: Source,
    /// The instant accounts are judged at.
    pub clock: Clock,
    /// A recording captured more than this many days before the instant it is judged at is
    /// `fixture.stale`.
    pub max_age_days: u32,
    /// Whether to list every check performed (JUnit and `--show-passed` need them; other
    /// formats need not hold them).
    pub list_checks: bool,
    /// A checkout of the infrastructure repository to hold the policies to (`--infrastructure`).
    pub infrastructure: Option<PathBuf>,
}

/// Everything one `check` run found.
pub struct Checked {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub accounts: Vec<AccountSummary>,
    pub now: Option<Timestamp>,
}

impl Checked {
    pub fn report(&self) -> Report<'_> {
        Report {
            files: &self.files,
            diagnostics: &self.diagnostics,
            accounts: &self.accounts,
            now: self.now,
            check: true,
            show_passed: false,
            fail_on: Severity::Error,
        }
    }

    /// Whether some input was invalid: a policy or waiver error, or a recording that is broken
    /// or of another account.
    pub fn invalid(&self) -> bool {
        self.accounts.iter().any(|a| a.status == Status::Invalid)
            || self.diagnostics.iter().any(|d| {
                d.severity == Severity::Error
                    && (d.account.is_none()
                        || matches!(d.code, Code::FixtureInvalid | Code::WaiverExpired))
            })
    }

    /// Whether some account could not be observed.
    pub fn unobserved(&self) -> bool {
        self.accounts.iter().any(|a| a.status == Status::Unobserved)
    }

    /// Whether an unwaived finding is at or above `threshold`.
    pub fn drift(&self, threshold: Severity) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.waiver.is_none() && d.severity >= threshold)
    }
}

/// One account's result before its files are registered.
struct Judged {
    summary: AccountSummary,
    findings: Vec<Diagnostic>,
    invalid: Option<observe::InvalidInput>,
    /// The policy's text, kept only when a finding points into it.
    text: Option<(FileId, std::sync::Arc<str>)>,
}

/// Runs `check`; `progress` is called once per account observed.
pub fn run(
    options: &CheckOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Checked, UnknownAccounts> {
    // Waivers are judged per account, at the instant the account is judged.
    let mut set = policy::load(&options.paths, None);
    let stamps = match &options.infrastructure {
        Some(dir) => crate::infrastructure::apply(&mut set, dir),
        None => Default::default(),
    };
    let selected = options.selection.apply(set)?;
    let live = matches!(options.source, Source::Live { .. });
    let chosen: Vec<&Declared> = selected.policies().collect();
    let to_observe: Vec<&crate::policy::model::Account> =
        chosen.iter().map(|d| &d.account).collect();
    let judged: Vec<Judged> =
        observe::observe_each(&to_observe, &options.source, progress, &|i, observation| {
            judge(
                chosen[i],
                observation,
                options,
                live,
                stamps.get(&chosen[i].account.name),
            )
        });
    drop(chosen);
    let policy::PolicySet {
        files,
        diagnostics: lint,
        ..
    } = selected.set;

    let mut files = files;
    let mut diagnostics = lint;
    let first_finding = diagnostics.len();
    // Room for every finding at once: a growing vector would briefly hold a fleet's findings twice.
    diagnostics.reserve_exact(
        judged
            .iter()
            .map(|j| j.findings.len() + usize::from(j.invalid.is_some()))
            .sum(),
    );
    let mut accounts = Vec::with_capacity(judged.len());
    for judged in judged {
        if let Some((file, text)) = judged.text {
            files.attach(file, text, None);
        }
        let mut account_findings = judged.findings;
        if let Some(input) = judged.invalid {
            let file = files.add(
                SourceFile::new(input.file, input.text.unwrap_or_default()),
                None,
            );
            let diagnostic = Diagnostic::new(Code::FixtureInvalid, input.message)
                .in_file(file)
                .for_account(AccountRef {
                    id: judged.summary.id.clone(),
                    name: judged.summary.name.clone(),
                })
                .with_help(Code::FixtureInvalid.explanation().fix);
            account_findings.push(match input.span {
                Some(span) => Diagnostic {
                    location: Location::Span(span),
                    ..diagnostic
                },
                None => diagnostic,
            });
        }
        let mut summary = judged.summary;
        summary.tally = Tally::of(&account_findings);
        accounts.push(summary);
        diagnostics.extend(account_findings);
    }
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    diagnostics[first_finding..].sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    Ok(Checked {
        files,
        diagnostics,
        accounts,
        now: options.clock.shared(),
    })
}

/// Findings are listed by account, code, principal, then message. Borrowed, not cloned: a fleet
/// sorts tens of thousands of them.
fn finding_order(d: &Diagnostic) -> (Option<&str>, &str, Option<&str>, &str) {
    (
        d.account.as_ref().map(|a| a.name.as_str()),
        d.code.as_str(),
        d.principal.as_deref(),
        &d.message,
    )
}

/// Reads an account's policy again and judges the account by it; the policy is dropped
/// afterwards, and its text too unless a finding points into it.
fn judge(
    declared: &Declared,
    observation: observe::Observation,
    options: &CheckOptions,
    live: bool,
    credentials: Option<&engine::SopsStamp>,
) -> Judged {
    let mut summary = AccountSummary {
        id: declared.account.id.clone(),
        name: declared.account.name.clone(),
        status: Status::Ok,
        now: options.clock.shared(),
        tally: Tally::default(),
        checks: Vec::new(),
        requests: observation.requests,
    };
    let reread = match declared.read() {
        Ok(reread) => reread,
        Err(diagnostic) => {
            summary.status = Status::Invalid;
            return Judged {
                summary,
                findings: vec![*diagnostic],
                invalid: None,
                text: None,
            };
        }
    };
    let mut judged = judge_by(
        &reread.policy,
        declared.file,
        summary,
        observation,
        options,
        live,
        credentials,
    );
    policy::locate(&reread.index, &mut judged.findings);
    // Sorted here, on every core, so that the fleet's sort in `run` meets runs already in order.
    judged
        .findings
        .sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    if judged
        .findings
        .iter()
        .any(|f| f.file == Some(declared.file))
    {
        judged.text = Some((declared.file, reread.text));
    }
    judged
}

/// Evaluates one observed account at the instant its clock gives (see [`Clock`]).
fn judge_by(
    policy: &crate::policy::Policy,
    file: FileId,
    mut summary: AccountSummary,
    observation: observe::Observation,
    options: &CheckOptions,
    live: bool,
    credentials: Option<&engine::SopsStamp>,
) -> Judged {
    let place = observation.place;
    let clock = options.clock;
    match observation.state {
        Ok(state) => {
            // A live read is judged now, not at the instant its snapshot text records.
            let captured = if live { None } else { state.captured_at };
            let now = clock.judge_at(captured, live);
            summary.now = Some(now);
            // An explicit `--now` is the user's question and is taken as asked; otherwise a
            // recording whose clock contradicts its own credentials is refused.
            let impossible = captured
                .filter(|_| !clock.explicit)
                .and_then(|captured| engine::impossible_capture(&state, captured));
            if let Some(message) = impossible {
                summary.status = Status::Invalid;
                let file = format!("{place}/{}", observe::fixture::SNAPSHOT);
                return Judged {
                    summary,
                    findings: Vec::new(),
                    invalid: Some(observe::InvalidInput::new(file, message)),
                    text: None,
                };
            }
            let mut findings = engine::evaluate_with(policy, file, &state, now, credentials);
            if options.list_checks {
                summary.checks = engine::checks_performed(policy, &state, credentials);
            }
            if findings.iter().any(|f| f.waiver.is_none()) {
                summary.status = Status::Drift;
            }
            // State of another account is not drift: live, the credentials reached the wrong
            // account (a credential problem); offline, the recording is broken.
            if findings.iter().any(|f| f.code == Code::AccountMismatch) {
                summary.status = if live {
                    Status::Unobserved
                } else {
                    Status::Invalid
                };
            }
            // A recording of another account is refused whole; its age is beside the point.
            if !live && summary.status != Status::Invalid {
                findings.extend(engine::account::stale(
                    policy,
                    file,
                    captured,
                    now,
                    options.max_age_days,
                ));
            }
            Judged {
                summary,
                findings,
                invalid: None,
                text: None,
            }
        }
        Err(ObserveError::Unobserved(reason)) => {
            summary.status = Status::Unobserved;
            let finding = Diagnostic::new(
                Code::AccountUnobserved,
                format!(
                    "account `{}` could not be observed: {reason}",
                    policy.account.name
                ),
            )
            .at(file, Route::of(["account", "name"]))
            .for_account(engine::account_ref(policy))
            .with_label("no state for this account")
            .with_help(if live {
                "fix access to the account (the message says how), or check it offline from fixtures".to_owned()
            } else {
                format!("record it into {place} (README: Recorded state), or pass --fixtures")
            });
            Judged {
                summary,
                findings: vec![finding],
                invalid: None,
                text: None,
            }
        }
        Err(ObserveError::Invalid(input)) => {
            summary.status = Status::Invalid;
            Judged {
                summary,
                findings: Vec::new(),
                invalid: Some(input),
                text: None,
            }
        }
    }
}
