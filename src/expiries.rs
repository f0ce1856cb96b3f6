//! The `expiries` pipeline: every active access key and console password across the accounts, with
//! its exact expiry, from the same recorded state `check` reads.

use crate::clock::Clock;
use crate::engine::credentials::{Standing, expiry, password_expiry};
use crate::observe::{self, ObserveError, Source};
use crate::policy::model::Contact;
use crate::select::{Selection, UnknownAccounts};
use jiff::Timestamp;
use std::path::PathBuf;

/// What `expiries` is asked: plain domain options, built by the command line.
pub struct ExpiriesOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    /// Recorded fixtures or the AWS API.
    pub source: Source,
    /// The instant accounts are judged at.
    pub clock: Clock,
    /// A recording captured more than this many days before it is judged is stale.
    pub max_age_days: u32,
    /// Only credentials with at most this many days left (expired ones included).
    pub within: Option<i64>,
    /// A checkout of the infrastructure repository to hold the policies to (`--infrastructure`):
    /// a policy it contradicts is a policy error.
    pub infrastructure: Option<PathBuf>,
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
    /// The account's contacts, who must act when no owner is named.
    pub contacts: Vec<Contact>,
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
    pub policy_errors: usize,
}

/// An account whose credentials could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub account: String,
    pub reason: String,
    /// The recording exists but is broken (exit 2), rather than missing or unreachable (exit 3).
    pub invalid: bool,
}

/// One account's credentials and, if its recording is stale, that; or why it could not be read.
type AccountResult = Result<(Vec<Credential>, Option<Stale>), Failure>;

pub fn run(options: &ExpiriesOptions) -> Result<Expiries, UnknownAccounts> {
    let clock = options.clock;
    let today = crate::engine::utc_date(clock.now);
    let mut set = crate::policy::load(&options.paths, Some(today));
    if let Some(dir) = &options.infrastructure {
        crate::infrastructure::apply(&mut set, dir);
    }
    let selected = options.selection.apply(set)?;
    let policy_errors = selected.policy_errors();
    let policies: Vec<_> = selected.policies().collect();
    let live = matches!(options.source, Source::Live { .. });
    let source = &options.source;
    let accounts: Vec<&crate::policy::model::Account> =
        policies.iter().map(|d| &d.account).collect();
    let results: Vec<AccountResult> =
        observe::observe_each(&accounts, source, &|| {}, &|i, observation| {
            let policy = policies[i]
                .read()
                .map_err(|diagnostic| Failure {
                    account: accounts[i].name.clone(),
                    reason: diagnostic.message,
                    invalid: true,
                })?
                .policy;
            let policy = &policy;
            let state = observation.state.map_err(|e| match e {
                ObserveError::Unobserved(reason) => Failure {
                    account: policy.account.name.clone(),
                    reason,
                    invalid: false,
                },
                ObserveError::Invalid(input) => Failure {
                    account: policy.account.name.clone(),
                    reason: format!("{}: {}", input.file, input.message),
                    invalid: true,
                },
            })?;
            let captured = if live { None } else { state.captured_at };
            let now = clock.judge_at(captured, live);
            let impossible = captured
                .filter(|_| !clock.explicit)
                .and_then(|captured| crate::engine::impossible_capture(&state, captured));
            if let Some(reason) = impossible {
                return Err(Failure {
                    account: policy.account.name.clone(),
                    reason,
                    invalid: true,
                });
            }
            let limits = policy.credentials;
            let deployer = policy.deployer.as_ref().map(|d| d.user.as_str());
            let owner_of = |user: &str| -> Option<String> {
                match &policy.deployer {
                    Some(d) if d.user == user => d.owner.clone(),
                    _ => (policy.members.iter())
                        .find(|m| m.user == user)
                        .and_then(|m| m.owner.clone()),
                }
            };
            let mut out = Vec::new();
            for user in state.users.iter().filter(|u| !policy.is_ignored(&u.name)) {
                let keys = user.active_keys().filter_map(|k| {
                    let created = k.created?;
                    let e = expiry(created, limits.max_age_days, limits.warn_days, now);
                    Some((
                        Kind::AccessKey,
                        Some(k.label()),
                        created,
                        e,
                        k.last_used,
                        "max_age_days",
                    ))
                });
                let password = password_expiry(user, limits, now).map(|(changed, e, by)| {
                    (
                        Kind::Password,
                        None,
                        changed,
                        e,
                        user.password_last_used,
                        by,
                    )
                });
                for (kind, key_id, created, e, last_used, expires_by) in keys.chain(password) {
                    out.push(Credential {
                        account_id: policy.account.id.clone(),
                        account_name: policy.account.name.clone(),
                        user: user.name.clone(),
                        is_deployer: deployer == Some(user.name.as_str()),
                        kind,
                        key_id,
                        created,
                        warn_at: e.warn_at,
                        expires_at: e.expires_at,
                        days_left: e.days_left,
                        standing: e.standing,
                        expires_by,
                        last_used,
                        judged_at: now,
                        owner: owner_of(&user.name),
                        contacts: policy.account.contacts.clone(),
                    });
                }
            }
            let stale = (!live)
                .then(|| {
                    crate::engine::account::stale(policy, 0, captured, now, options.max_age_days)
                })
                .flatten()
                .map(|d| Stale {
                    account: policy.account.name.clone(),
                    captured_at: captured,
                    message: d.message,
                    help: d.help.map(|h| h.into_owned()).unwrap_or_default(),
                });
            Ok((out, stale))
        });
    let mut expiries = Expiries {
        now: clock.now,
        per_account: clock.shared().is_none(),
        credentials: Vec::new(),
        failures: Vec::new(),
        stale: Vec::new(),
        policy_errors,
    };
    for result in results {
        match result {
            Ok((credentials, stale)) => {
                expiries.credentials.extend(credentials);
                expiries.stale.extend(stale);
            }
            Err(failure) => expiries.failures.push(failure),
        }
    }
    if let Some(within) = options.within {
        expiries.credentials.retain(|c| c.days_left <= within);
    }
    expiries.credentials.sort_by(|a, b| {
        (a.expires_at, &a.account_name, &a.user, &a.key_id).cmp(&(
            b.expires_at,
            &b.account_name,
            &b.user,
            &b.key_id,
        ))
    });
    expiries.failures.sort();
    expiries.stale.sort();
    Ok(expiries)
}
