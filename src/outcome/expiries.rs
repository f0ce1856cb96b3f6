//! Credentials and when they run out: what `expiries` (a view of the judged accounts'
//! credentials) produces and its reporters (table, JSON, markdown, calendar, mermaid) read.

use jiff::Timestamp;
use std::sync::Arc;

/// Where a credential stands against its maximum age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Fresh,
    Expiring,
    Expired,
}

/// What kind of credential expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AccessKey,
    Password,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::AccessKey => "access-key",
            Kind::Password => "password",
        }
    }
}

/// Someone to tell: an account's contact from its policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: String,
}

/// One credential and when it runs out.
#[derive(Debug, Clone)]
pub struct Credential {
    pub account_id: String,
    pub account_name: String,
    pub user: String,
    pub is_deployer: bool,
    pub kind: Kind,
    /// The key id (or report slot); `None` for passwords.
    pub key_id: Option<String>,
    pub created: Timestamp,
    pub warn_at: Timestamp,
    pub expires_at: Timestamp,
    /// Whole days until expiry, toward zero (negative once expired); see
    /// [`crate::base::clock::whole_days`].
    pub days_left: i64,
    pub standing: Standing,
    /// What sets `expires_at`: `max_age_days`, or the account's `password_next_rotation`.
    pub expires_by: &'static str,
    /// When the credential was last used; `None` when never, or not recorded.
    pub last_used: Option<Timestamp>,
    /// The instant this credential was judged at (its account's clock).
    pub judged_at: Timestamp,
    /// Who must act: the member's or deployer's `owner` in the policy, if given.
    pub owner: Option<String>,
    /// The account's contacts, who must act when no owner is named: shared by every credential
    /// of the account, never copied per credential.
    pub contacts: Arc<[Contact]>,
}

impl Credential {
    /// Who must act on this credential: its owner, else the account's contacts.
    pub fn actors(&self) -> String {
        if let Some(owner) = &self.owner {
            return owner.clone();
        }
        self.contacts
            .iter()
            .map(|k| match &k.name {
                Some(name) => format!("{name} <{}>", k.email),
                None => k.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A recording too old (or undated) to trust, judged offline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stale {
    pub account: String,
    pub captured_at: Option<Timestamp>,
    /// What `fixture.stale` says, and how to record it again.
    pub message: String,
    pub help: String,
}

/// Another warning about an account's recording (today `fixture.partial`: some of its keys were
/// listed from the credential report, the key listing having left their users out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingWarning {
    pub account: String,
    pub code: crate::base::codes::Code,
    pub message: String,
    pub help: String,
}

/// An account whose credentials could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub account: String,
    pub reason: String,
    /// The recording exists but is broken (exit 2), rather than missing or unreachable (exit 3).
    pub invalid: bool,
}

/// The credentials, the instant they were judged at, and accounts that could not be read.
pub struct Expiries {
    /// The run's instant (`--now`, or when it started).
    pub now: Timestamp,
    /// Whether accounts were judged at different instants (`--as-recorded`): each credential
    /// then carries its own.
    pub per_account: bool,
    pub credentials: Vec<Credential>,
    pub failures: Vec<Failure>,
    pub stale: Vec<Stale>,
    /// Other warnings about recordings, by account.
    pub warnings: Vec<RecordingWarning>,
    pub policy_errors: usize,
}

impl Expiries {
    /// Invalid for a policy error or a broken recording, unobserved for any account that could
    /// not be read; listing credentials is never drift.
    pub fn verdict(&self) -> super::Verdict {
        super::Verdict {
            invalid: self.policy_errors > 0 || self.failures.iter().any(|f| f.invalid),
            unobserved: !self.failures.is_empty(),
            drift: false,
            uncertain: false,
        }
    }
}
