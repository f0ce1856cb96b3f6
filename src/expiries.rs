//! The `expiries` pipeline: every active access key and console password across the accounts, with
//! its exact expiry, from the same recorded state `check` reads.

use crate::engine::credentials::{Standing, expiry};
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
    /// The instant to judge at; `None` judges each recording as of its capture time.
    pub now: Option<Timestamp>,
    /// Only credentials with at most this many days left (expired ones included).
    pub within: Option<i64>,
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
    pub contacts: Vec<Contact>,
}

/// The credentials, the instant they were judged at, and accounts that could not be read.
pub struct Expiries {
    pub now: Timestamp,
    pub credentials: Vec<Credential>,
    pub failures: Vec<Failure>,
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

/// One account's credentials and clock, or why it could not be read.
type AccountResult = Result<(Timestamp, Vec<Credential>), Failure>;

pub fn run(options: &ExpiriesOptions) -> Result<Expiries, UnknownAccounts> {
    let today = crate::engine::utc_date(options.now.unwrap_or_else(Timestamp::now));
    let selected = options
        .selection
        .apply(crate::policy::load(&options.paths, Some(today)))?;
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
            let now = options.now.or(captured).unwrap_or_else(Timestamp::now);
            let impossible = captured
                .filter(|_| options.now.is_none())
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
            let mut out = Vec::new();
            for user in state.users.iter().filter(|u| !policy.is_ignored(&u.name)) {
                let keys = user
                    .active_keys()
                    .filter_map(|k| Some((Kind::AccessKey, Some(k.label()), k.created?)));
                let password = user
                    .password_last_changed
                    .filter(|_| user.password_enabled)
                    .map(|c| (Kind::Password, None, c));
                for (kind, key_id, created) in keys.chain(password) {
                    let e = expiry(created, limits.max_age_days, limits.warn_days, now);
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
                        contacts: policy.account.contacts.clone(),
                    });
                }
            }
            Ok((now, out))
        });
    let mut expiries = Expiries {
        now: options.now.unwrap_or_else(Timestamp::now),
        credentials: Vec::new(),
        failures: Vec::new(),
        policy_errors,
    };
    let mut latest: Option<Timestamp> = None;
    for result in results {
        match result {
            Ok((now, credentials)) => {
                latest = latest.max(Some(now));
                expiries.credentials.extend(credentials);
            }
            Err(failure) => expiries.failures.push(failure),
        }
    }
    if let (None, Some(latest)) = (options.now, latest) {
        expiries.now = latest;
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
    Ok(expiries)
}
