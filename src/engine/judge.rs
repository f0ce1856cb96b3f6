//! The one judging path: one account's policy and observation (or the reason there is none),
//! the run's clock and the deployer credentials' sops instant in; the account's outcome out —
//! its status, findings, checks performed, the instant judged, the recording's identity and
//! staleness. `check`, `expiries`, `verify-key` and the rule tests all judge through
//! [`account`]; none of them matches accounts, refuses impossible captures, dates staleness or
//! reads the clock on its own.

use super::SopsStamp;
use crate::base::clock::Clock;
use crate::base::codes::Code;
use crate::base::diag::{Diagnostic, Location, Tally};
use crate::base::source::{FileId, Route, SourceFile};
use crate::observe::{AccountState, InvalidInput, Observation, ObserveError, recorded};
use crate::outcome::{AccountOutcome, AccountSummary, Provenance, Refusal, Status};
use crate::policy::Policy;

/// How accounts are judged in one run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub clock: Clock,
    /// A recording captured more than this many days before the instant it is judged at is
    /// `fixture.stale`.
    pub max_age_days: u32,
    /// Whether to list every check performed (JUnit and `--show-passed`).
    pub list_checks: bool,
}

/// One account judged, and the state it was judged from (for views such as `expiries` and
/// `verify-key`, which read the credentials it holds).
pub struct Judged {
    pub outcome: AccountOutcome,
    /// The observed state, when the account was judged (not refused or unobserved).
    pub state: Option<AccountState>,
}

/// Judges one account: `policy` (from `file`) against what `observation` holds, at the instant
/// `settings.clock` gives for it.
pub fn account(
    policy: &Policy,
    file: FileId,
    observation: Observation,
    settings: &Settings,
    credentials: Option<&SopsStamp>,
) -> Judged {
    let clock = settings.clock;
    let live = observation.live;
    let mut provenance = Provenance {
        place: observation.place,
        live,
        captured_at: None,
        account_ids: Vec::new(),
    };
    let mut summary = AccountSummary {
        id: policy.account.id.clone(),
        name: policy.account.name.clone(),
        status: Status::Ok,
        now: clock.shared(),
        tally: Tally::default(),
        checks: Vec::new(),
        requests: observation.requests,
    };
    let outcome = |summary: AccountSummary,
                   findings: Vec<Diagnostic>,
                   refusal: Option<Refusal>,
                   provenance: Provenance,
                   stale: bool,
                   failure: Option<String>| {
        let mut summary = summary;
        summary.tally = Tally::of(findings.iter().chain(refusal.as_ref().map(|r| &r.finding)));
        let failure = failure.or_else(|| {
            // The file, and where in it when the finding knows (a parse error's position), as
            // `check` shows it: the one sentence `expiries`, `verify-key` and `access` print.
            (refusal.as_ref()).map(|r| match &r.finding.location {
                crate::base::diag::Location::Span(span) => {
                    let (line, column) = r.source.line_col(span.start);
                    format!("{}:{line}:{column}: {}", r.source.name, r.finding.message)
                }
                _ => format!("{}: {}", r.source.name, r.finding.message),
            })
        });
        AccountOutcome {
            summary,
            findings,
            refusal,
            provenance,
            stale,
            failure,
        }
    };
    let state = match observation.state {
        Ok(state) => state,
        Err(ObserveError::Unobserved(reason)) => {
            summary.status = Status::Unobserved;
            let place = &provenance.place;
            let finding = Diagnostic::new(
                Code::AccountUnobserved,
                format!(
                    "account `{}` could not be observed: {reason}",
                    policy.account.name
                ),
            )
            .at(file, Route::of(["account", "name"]))
            .for_account(super::account_ref(policy))
            .with_label("no state for this account")
            .with_help(if live {
                "fix access to the account (the message says how), or check it offline from recordings".to_owned()
            } else {
                format!("record it into {place} (docs: Recordings), or pass --fixtures")
            });
            return Judged {
                outcome: outcome(
                    summary,
                    vec![finding],
                    None,
                    provenance,
                    false,
                    Some(reason),
                ),
                state: None,
            };
        }
        Err(ObserveError::Invalid(input)) => {
            summary.status = Status::Invalid;
            let refusal = refuse(policy, input);
            return Judged {
                outcome: outcome(summary, Vec::new(), Some(refusal), provenance, false, None),
                state: None,
            };
        }
    };
    // A live read is judged now, not at the instant its text records.
    let captured = if live { None } else { state.captured_at };
    provenance.captured_at = captured;
    provenance.account_ids = state.account_ids.iter().cloned().collect();
    let now = clock.judge_at(captured, live);
    summary.now = Some(now);
    // An explicit `--now` is the user's question and is taken as asked; otherwise a recording
    // whose clock contradicts its own credentials is refused.
    let impossible = captured
        .filter(|_| !clock.explicit)
        .and_then(|captured| super::impossible_capture(&state, captured));
    if let Some(message) = impossible {
        summary.status = Status::Invalid;
        let file = format!("{}/{}", provenance.place, recorded::SNAPSHOT);
        let refusal = refuse(policy, InvalidInput::new(file, message));
        return Judged {
            outcome: outcome(summary, Vec::new(), Some(refusal), provenance, false, None),
            state: None,
        };
    }
    let mut findings = super::evaluate_with(policy, file, &state, now, credentials);
    if settings.list_checks {
        summary.checks = super::checks_performed(policy, &state, credentials);
    }
    if findings.iter().any(|f| f.waiver.is_none()) {
        summary.status = Status::Drift;
    }
    // State of another account is not drift: live, the credentials reached the wrong account (a
    // credential problem); offline, the recording is broken. Nothing else is judged of it.
    if findings.iter().any(|f| f.code == Code::AccountMismatch) {
        summary.status = if live {
            Status::Unobserved
        } else {
            Status::Invalid
        };
        let mismatch = (findings.iter())
            .find(|f| f.code == Code::AccountMismatch)
            .map(|f| f.message.clone());
        return Judged {
            outcome: outcome(summary, findings, None, provenance, false, mismatch),
            state: None,
        };
    }
    // A stale recording is a warning about the recording, not drift of the account.
    let stale = (!live)
        .then(|| super::account::stale(policy, file, captured, now, settings.max_age_days))
        .flatten();
    let is_stale = stale.is_some();
    findings.extend(stale);
    // So is a key listing that leaves users out: their keys are judged, from the report.
    findings.extend(super::account::partial(policy, file, &state));
    Judged {
        outcome: outcome(summary, findings, None, provenance, is_stale, None),
        state: Some(state),
    }
}

/// The `fixture.invalid` finding for a recorded file that cannot be read, with the file it
/// points into; the pipeline gives the finding its file id when it registers the file.
fn refuse(policy: &Policy, input: InvalidInput) -> Refusal {
    let mut finding = Diagnostic::new(Code::FixtureInvalid, input.message)
        .for_account(super::account_ref(policy))
        .with_help(Code::FixtureInvalid.explanation().fix);
    if let Some(span) = input.span {
        finding.location = Location::Span(span);
    }
    Refusal {
        source: SourceFile::new(input.file, input.text.unwrap_or_default()),
        finding,
    }
}
