//! Credential age rules: active access keys and console passwords against SMCE's maximum age, with
//! a warning window before it. Expiry is exact: `created + max_age_days × 24 h`.

use super::Judging;
use super::rules::Subject;
use crate::base::clock::{expiry_words, whole_days};
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;
use jiff::{SignedDuration, Timestamp};

pub use crate::outcome::expiries::Standing;
use crate::outcome::expiries::{Contact, Credential, Kind};
use std::sync::Arc;

/// A credential's expiry as of `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// When the warning window opens.
    pub warn_at: Timestamp,
    pub expires_at: Timestamp,
    /// Whole days until expiry, toward zero (negative once expired): [`whole_days`].
    pub days_left: i64,
    pub standing: Standing,
}

const DAY: i64 = 24 * 60 * 60;

/// Judges a credential created at `created`, given the policy's ages in days.
pub fn expiry(created: Timestamp, max_age_days: u32, warn_days: u32, now: Timestamp) -> Expiry {
    let expires_at = created
        .saturating_add(SignedDuration::from_secs(i64::from(max_age_days) * DAY))
        .unwrap_or(Timestamp::MAX);
    exact(expires_at, warn_days, now)
}

/// A credential that expires at exactly `expires_at`, with a window of `warn_days` before it.
fn exact(expires_at: Timestamp, warn_days: u32, now: Timestamp) -> Expiry {
    let warn_at = expires_at
        .saturating_sub(SignedDuration::from_secs(i64::from(warn_days) * DAY))
        .unwrap_or(Timestamp::MIN);
    let standing = if now >= expires_at {
        Standing::Expired
    } else if now >= warn_at {
        Standing::Expiring
    } else {
        Standing::Fresh
    };
    Expiry {
        warn_at,
        expires_at,
        days_left: whole_days(now, expires_at),
        standing,
    }
}

/// An enabled console password's last change and expiry as of `now`, and what sets the expiry:
/// `max_age_days` after the change, or the account's own `password_next_rotation` (from the
/// credential report) when that comes first.
pub fn password_expiry(
    user: &crate::observe::User,
    credentials: crate::policy::model::Credentials,
    now: Timestamp,
) -> Option<(Timestamp, Expiry, &'static str)> {
    let (true, Some(changed)) = (user.password_enabled, user.password_last_changed) else {
        return None;
    };
    let by_age = expiry(
        changed,
        credentials.max_age_days,
        credentials.warn_days,
        now,
    );
    Some(match user.password_next_rotation {
        Some(next) if next < by_age.expires_at => (
            changed,
            exact(next, credentials.warn_days, now),
            "password_next_rotation",
        ),
        _ => (changed, by_age, "max_age_days"),
    })
}

/// Every active access key and enabled console password of the account's users (ignored users
/// aside), with its expiry as of `now` and who must act on it: what `expiries` lists.
pub fn listed(
    policy: &crate::policy::Policy,
    state: &crate::observe::AccountState,
    now: Timestamp,
) -> Vec<Credential> {
    let limits = policy.credentials;
    let deployer = policy.deployer.as_ref();
    let contacts: Arc<[Contact]> = (policy.account.contacts.iter())
        .map(|c| Contact {
            name: c.name.clone(),
            email: c.email.clone(),
        })
        .collect();
    let owner_of = |user: &str| -> Option<String> {
        match deployer {
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
                is_deployer: deployer.is_some_and(|d| d.user == user.name),
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
                contacts: contacts.clone(),
            });
        }
    }
    out
}

/// `key.expiring`: no active key of the subject is within the warning window.
pub fn key_expiring(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    keys(cx, subject, Standing::Expiring, out);
}

/// `key.expired`: no active key of the subject is at or past its maximum age.
pub fn key_expired(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    keys(cx, subject, Standing::Expired, out);
}

/// `password.expiring`: the subject's console password is not within the warning window.
pub fn password_expiring(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    password(cx, subject, Standing::Expiring, out);
}

/// `password.expired`: the subject's console password is not at or past its maximum age.
pub fn password_expired(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    password(cx, subject, Standing::Expired, out);
}

/// What the underlined setting says: the warning window for an expiring credential (the line
/// underlined is `warn_days`), the lifetime for an expired one (`max_age_days`).
fn underline(
    what: &str,
    standing: Standing,
    credentials: crate::policy::model::Credentials,
) -> String {
    match standing {
        Standing::Expired => format!("{what} live {} days", credentials.max_age_days),
        _ => format!(
            "warned {} days before they expire at {} days",
            credentials.warn_days, credentials.max_age_days
        ),
    }
}

fn route(standing: Standing) -> Route {
    match standing {
        Standing::Expired => Route::of(["credentials", "max_age_days"]),
        _ => Route::of(["credentials", "warn_days"]),
    }
}

fn when(expiry: &Expiry, now: Timestamp) -> String {
    format!(
        "{} ({})",
        expiry_words(now, expiry.expires_at),
        expiry.expires_at
    )
}

/// Findings for the subject's active keys that stand at `standing`.
fn keys(cx: &Judging<'_>, subject: &Subject<'_>, standing: Standing, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let credentials = cx.policy.credentials;
    let name = user.name.as_str();
    let is_deployer = cx.policy.deployer.as_ref().is_some_and(|d| d.user == name);
    for key in user.active_keys() {
        let Some(created) = key.created else { continue };
        let expiry = expiry(
            created,
            credentials.max_age_days,
            credentials.warn_days,
            cx.now,
        );
        if expiry.standing != standing {
            continue;
        }
        let label = key.label();
        let help = if is_deployer {
            format!(
                "rotate: `terraform apply -replace=aws_iam_access_key.continuous_deployer`, re-encrypt the new credentials for CI, then check that `aws iam list-access-keys {}` no longer lists {label}",
                option("--user-name", name)
            )
        } else {
            format!(
                "rotate: `aws iam create-access-key {user}`, switch its users to the new key, then `aws iam delete-access-key {user} {}`",
                option("--access-key-id", &label),
                user = option("--user-name", name)
            )
        };
        let mut finding = cx
            .finding(
                route(expiry.standing),
                format!("access key {label} of `{name}` {}", when(&expiry, cx.now)),
            )
            .for_principal(name)
            .with_label(underline("keys", expiry.standing, credentials))
            .with_detail("key_id", label)
            .with_detail("created", created.to_string())
            .with_detail("expires_at", expiry.expires_at.to_string())
            .with_detail("days_left", expiry.days_left)
            .with_help(help);
        if let Some(slot) = key.slot {
            finding = finding.with_detail("report_slot", slot);
        }
        out.push(finding);
    }
}

/// A finding for the subject's console password if it stands at `standing`.
fn password(
    cx: &Judging<'_>,
    subject: &Subject<'_>,
    standing: Standing,
    out: &mut Vec<Diagnostic>,
) {
    let Some(user) = subject.user else { return };
    let credentials = cx.policy.credentials;
    let name = user.name.as_str();
    let Some((changed, expiry, limit)) = password_expiry(user, credentials, cx.now) else {
        return;
    };
    if expiry.standing != standing {
        return;
    }
    out.push(
        cx.finding(route(expiry.standing), format!("the console password of `{name}` {}", when(&expiry, cx.now)))
            .for_principal(name)
            .with_label(underline("passwords", expiry.standing, credentials))
            .with_detail("last_changed", changed.to_string())
            .with_detail("expires_at", expiry.expires_at.to_string())
            .with_detail("expires_by", limit)
            .with_detail("days_left", expiry.days_left)
            .with_help(format!(
                "change it now (console: Security credentials), or reset it: `aws iam update-login-profile {} --password-reset-required`; if SMCE acted, also remove the user from `{}`",
                option("--user-name", name),
                cx.policy.groups.disabled
            )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn expiry_boundaries_are_exact() {
        let created = at("2026-01-01T00:00:00Z");
        let expires = at("2026-03-02T00:00:00Z");
        assert_eq!(
            expiry(created, 60, 15, at("2026-03-01T23:59:59Z")).standing,
            Standing::Expiring
        );
        assert_eq!(expiry(created, 60, 15, expires).standing, Standing::Expired);
        assert_eq!(expiry(created, 60, 15, expires).days_left, 0);
        let warn = at("2026-02-15T00:00:00Z");
        assert_eq!(expiry(created, 60, 15, warn).standing, Standing::Expiring);
        assert_eq!(expiry(created, 60, 15, warn).days_left, 15);
        assert_eq!(
            expiry(created, 60, 15, at("2026-02-14T23:59:59Z")).standing,
            Standing::Fresh
        );
        // Days count toward zero: a second past expiry is day 0, a day and a second is -1.
        assert_eq!(
            expiry(created, 60, 15, at("2026-03-02T00:00:01Z")).days_left,
            0
        );
        assert_eq!(
            expiry(created, 60, 15, at("2026-03-03T00:00:01Z")).days_left,
            -1
        );
        assert_eq!(
            expiry(created, 60, 15, at("2026-03-01T12:00:00Z")).days_left,
            0
        );
    }
}
