//! One account judged: its status, its findings and what the judging rested on (the instant, the
//! recording's identity, its staleness), as [`crate::engine::judge`] produces it; and the
//! results of the commands built from such accounts ([`Checked`], [`Coverage`]).

use super::verdict::Verdict;
use crate::base::codes::{Code, Severity};
use crate::base::diag::{Diagnostic, Tally};
use crate::base::source::{Files, SourceFile};
use jiff::Timestamp;

/// What an account's evaluation came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Drift,
    Unobserved,
    /// Its policy or recorded state could not be read; nothing was judged.
    Invalid,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Drift => "drift",
            Status::Unobserved => "unobserved",
            Status::Invalid => "invalid",
        }
    }
}

/// One account's line in a check report.
#[derive(Clone, Debug)]
pub struct AccountSummary {
    pub id: String,
    pub name: String,
    pub status: Status,
    /// The instant the account was judged at.
    pub now: Option<Timestamp>,
    pub tally: Tally,
    /// Every (rule, principal) judged: the test cases of a JUnit report, and `--show-passed`.
    pub checks: Vec<Check>,
    /// AWS requests sent for this account (live runs).
    pub requests: Option<u32>,
}

/// One check performed: the rule's code, whom it judged and, for a permission set, the ARN of
/// the role that provisions it (what an EKS access entry must name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Check {
    pub code: Code,
    pub principal: Option<String>,
    pub arn: Option<String>,
}

/// Where the judged state came from and what it says of itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// A recording's folder, or `aws://<account.name>` for a live read.
    pub place: String,
    /// Whether the state was read live (judged now, never stale).
    pub live: bool,
    /// When the recording says it was captured (`snapshot.json`); `None` for live reads and
    /// undated recordings.
    pub captured_at: Option<Timestamp>,
    /// The account ids the state names (its ARNs and `snapshot.json`).
    pub account_ids: Vec<String>,
}

/// A recording refused whole: the `fixture.invalid` finding and the file it points into. The
/// finding's `file` is set when the pipeline registers `source` with the run's files.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub source: SourceFile,
    pub finding: Diagnostic,
}

/// One account judged.
#[derive(Clone, Debug)]
pub struct AccountOutcome {
    pub summary: AccountSummary,
    /// The findings, their routes not yet resolved to spans (the pipeline resolves them while
    /// the policy's text is at hand).
    pub findings: Vec<Diagnostic>,
    /// Why the recording was refused, if it was.
    pub refusal: Option<Refusal>,
    pub provenance: Provenance,
    /// Whether the recording is older than the age allowed (`fixture.stale` is among the
    /// findings), or undated.
    pub stale: bool,
    /// Why the account was not judged, if it was not (see [`AccountOutcome::failure`]).
    pub failure: Option<String>,
}

impl AccountOutcome {
    /// The instant the account was judged at.
    pub fn judged_at(&self) -> Option<Timestamp> {
        self.summary.now
    }

    /// Why nothing could be judged, in one sentence: the reason the account was unobserved, the
    /// refused recording, the account the state belongs to, or the policy that could not be read
    /// again. `None` when the account was judged.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}

/// Everything one `check` run found.
pub struct Checked {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub accounts: Vec<AccountSummary>,
    /// The one instant every account was judged at (`None` under `--as-recorded`).
    pub now: Option<Timestamp>,
}

impl Checked {
    /// The run's verdict: invalid input (a policy or waiver error, or a recording that is broken
    /// or of another account), an unobserved account, or an unwaived finding at or above
    /// `fail_on`.
    pub fn verdict(&self, fail_on: Severity) -> Verdict {
        Verdict {
            invalid: self.accounts.iter().any(|a| a.status == Status::Invalid)
                || self.diagnostics.iter().any(|d| {
                    d.severity == Severity::Error
                        && (d.account.is_none()
                            || matches!(d.code, Code::FixtureInvalid | Code::WaiverExpired))
                }),
            unobserved: self.accounts.iter().any(|a| a.status == Status::Unobserved),
            drift: (self.diagnostics.iter()).any(|d| d.waiver.is_none() && d.severity >= fail_on),
            uncertain: false,
        }
    }
}

/// The organization against the policies (`accounts`).
pub struct Coverage {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub accounts: Vec<AccountSummary>,
    /// Why the organization could not be listed, if it could not.
    pub failure: Option<String>,
    pub requests: u32,
}

impl Coverage {
    /// Unobserved when the organization could not be listed; invalid for a policy error; drift
    /// for any account finding. A policy's warning (a policy naming no contacts, say) is shown
    /// but is no finding about the organization's accounts.
    pub fn verdict(&self) -> Verdict {
        if self.failure.is_some() {
            return Verdict::UNOBSERVED;
        }
        Verdict {
            invalid: (self.diagnostics.iter())
                .any(|d| d.account.is_none() && d.severity == Severity::Error),
            unobserved: false,
            drift: self.diagnostics.iter().any(|d| d.account.is_some()),
            uncertain: false,
        }
    }
}

/// What a `snapshot` run did: the recordings written (text for stdout) and the accounts that
/// could not be read (each keeps its previous recording).
pub struct Snapshotted {
    pub written: String,
    pub failures: Vec<String>,
    pub policy_errors: usize,
}

impl Snapshotted {
    pub fn verdict(&self) -> Verdict {
        Verdict {
            invalid: self.policy_errors > 0,
            unobserved: !self.failures.is_empty(),
            drift: false,
            uncertain: false,
        }
    }
}
