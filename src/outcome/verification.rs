//! What `verify-key` found: whether the key CI holds is the deployer's newest active key.

use crate::base::clock;
use jiff::Timestamp;

/// What the key CI holds is, in the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The deployer's newest active key, not within its warning window.
    Current,
    /// The newest active key, but within its warning window.
    Expiring { expires_at: Timestamp },
    /// The newest active key, but past its maximum age: SMCE deletes it.
    Expired { expires_at: Timestamp },
    /// An active key, but not the newest: the rotation is not finished.
    Older { newer: String },
    /// A key the deployer holds, but inactive.
    Inactive,
    /// Not a key of the deployer: deleted (or another user's); deploys fail.
    Unknown,
    /// The recording is older than `--max-age` (or undated): it cannot prove which key is
    /// current today.
    Unproven { captured_at: Option<Timestamp> },
}

impl KeyState {
    /// The word the JSON answer's `verdict` field holds.
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyState::Current => "current",
            KeyState::Expiring { .. } => "expiring",
            KeyState::Expired { .. } => "expired",
            KeyState::Older { .. } => "older",
            KeyState::Inactive => "inactive",
            KeyState::Unknown => "unknown",
            KeyState::Unproven { .. } => "unproven",
        }
    }
}

/// One key of the deployer as the account holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployerKey {
    pub id: String,
    pub active: bool,
    pub created: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
}

/// The answer: the state of the key, and the facts it rests on.
#[derive(Debug, Clone)]
pub struct Verified {
    pub account: String,
    pub deployer: String,
    pub key_id: String,
    pub state: KeyState,
    /// The deployer's keys as the account holds them.
    pub keys: Vec<DeployerKey>,
    /// When the held key expires, if it is an active key of the deployer.
    pub expires_at: Option<Timestamp>,
    pub judged_at: Timestamp,
    /// When the recording judged was captured (`None` for live reads and undated recordings).
    pub captured_at: Option<Timestamp>,
}

impl Verified {
    /// Whether CI holds what it should: the newest active key, not expiring, proven by a
    /// recording young enough.
    pub fn ok(&self) -> bool {
        self.state == KeyState::Current
    }

    /// Whole days until the held key expires (negative once expired), when it is the newest.
    pub fn days_left(&self) -> Option<i64> {
        match self.state {
            KeyState::Expiring { expires_at } | KeyState::Expired { expires_at } => {
                Some(clock::whole_days(self.judged_at, expires_at))
            }
            _ => None,
        }
    }
}
