//! The `check` pipeline: lint the policies, observe each valid policy's account (in parallel),
//! evaluate the rules, and gather everything into one ordered outcome for the reporters.

use crate::cli::{CheckArgs, exit};
use crate::codes::{Code, Severity};
use crate::diag::{AccountRef, Diagnostic, Location, Tally};
use crate::engine;
use crate::observe::{self, ObserveError};
use crate::policy::{self, Declared};
use crate::report::{AccountSummary, Report, Status};
use crate::source::{FileId, Files, Route, SourceFile};
use jiff::Timestamp;

/// Everything one `check` run found.
pub struct Outcome {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub accounts: Vec<AccountSummary>,
    pub now: Option<Timestamp>,
}

impl Outcome {
    pub fn report(&self) -> Report<'_> {
        Report {
            files: &self.files,
            diagnostics: &self.diagnostics,
            accounts: &self.accounts,
            now: self.now,
            check: true,
        }
    }

    /// 2 for invalid input, then 3 for an unobserved account, then 1 for drift at or above
    /// `threshold`, else 0.
    pub fn exit_code(&self, threshold: Severity) -> u8 {
        let invalid = self.diagnostics.iter().any(|d| {
            d.severity == Severity::Error
                && (d.account.is_none()
                    || matches!(d.code, Code::FixtureInvalid | Code::WaiverExpired))
        });
        if invalid {
            exit::INVALID
        } else if self.accounts.iter().any(|a| a.status == Status::Unobserved) {
            exit::UNOBSERVED
        } else if self
            .diagnostics
            .iter()
            .any(|d| d.waiver.is_none() && d.severity >= threshold)
        {
            exit::DRIFT
        } else {
            exit::OK
        }
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
pub fn run(args: &CheckArgs, progress: &(dyn Fn() + Sync)) -> Result<Outcome, String> {
    // Waivers are judged per account, at the instant the account is judged.
    let set = policy::load(&args.paths, None);
    let valid: std::collections::HashSet<FileId> = set.valid().map(|l| l.file).collect();
    let policy::PolicySet {
        files,
        policies,
        diagnostics: mut lint,
    } = set;
    if let Some(name) = &args.account {
        let Some(chosen) = policies.iter().find(|d| &d.account.name == name) else {
            let known: Vec<&str> = policies.iter().map(|d| d.account.name.as_str()).collect();
            return Err(format!(
                "no policy declares account `{name}` (known: {})",
                known.join(", ")
            ));
        };
        let chosen = chosen.file;
        lint.retain(|d| d.file.is_none_or(|f| f == chosen));
    }
    let mut selected: Vec<Declared> = policies
        .into_iter()
        .filter(|d| valid.contains(&d.file))
        .filter(|d| {
            args.account
                .as_ref()
                .is_none_or(|name| &d.account.name == name)
        })
        .collect();
    if let Some(shard) = args.shard {
        selected.retain(|d| shard.contains(&d.account.id));
    }
    let source = args.aws.source_or_fixtures(args.live, &args.fixtures);
    let to_observe: Vec<&crate::policy::model::Account> =
        selected.iter().map(|d| &d.account).collect();
    // Only JUnit lists every check performed; other formats need not hold them all.
    let junit = args.output.format == crate::report::Format::Junit;
    let judged: Vec<Judged> =
        observe::observe_each(&to_observe, &source, progress, &|i, observation| {
            judge(&selected[i], observation, args.now, args.live, junit)
        });

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
    Ok(Outcome {
        files,
        diagnostics,
        accounts,
        now: args.now,
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
    now: Option<Timestamp>,
    live: bool,
    junit: bool,
) -> Judged {
    let mut summary = AccountSummary {
        id: declared.account.id.clone(),
        name: declared.account.name.clone(),
        status: Status::Ok,
        now,
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
        now,
        live,
        junit,
    );
    policy::locate(&reread.index, &mut judged.findings);
    if judged
        .findings
        .iter()
        .any(|f| f.file == Some(declared.file))
    {
        judged.text = Some((declared.file, reread.text));
    }
    judged
}

/// Evaluates one observed account. The clock is `--now`, else the recording's capture time, else
/// the system time: a recording is judged as of the moment it was taken.
fn judge_by(
    policy: &crate::policy::Policy,
    file: FileId,
    mut summary: AccountSummary,
    observation: observe::Observation,
    now: Option<Timestamp>,
    live: bool,
    junit: bool,
) -> Judged {
    let place = observation.place;
    match observation.state {
        Ok(state) => {
            // A live read is judged now, not at the instant its snapshot text records.
            let captured = if live { None } else { state.captured_at };
            let now_given = now;
            let now = now.or(captured).unwrap_or_else(Timestamp::now);
            summary.now = Some(now);
            let impossible = captured
                .filter(|_| now_given.is_none())
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
            let findings = engine::evaluate(policy, file, &state, now);
            if junit {
                summary.checks = engine::checks_performed(policy, &state);
            }
            if findings.iter().any(|f| f.waiver.is_none()) {
                summary.status = Status::Drift;
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
                format!("record it into {place} (README: Recording state), or pass --fixtures")
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
