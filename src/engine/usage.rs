//! Unused credentials: an active access key or an enabled console password of a user other than
//! the deployer that has not been used for `credentials.unused_days`, or has never been used and is
//! that old. The peers an AWS engineer compares with (Prowler, AWS Config, Cloud Custodian) all
//! flag these; for the deployer, unused keys mean something else (see `rotation`).

use super::Judging;
use super::rules::Subject;
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;
use jiff::{SignedDuration, Timestamp};

/// How a credential has gone unused as of `now`, if it has for at least `days`.
pub struct Idle {
    /// Its last use, or `None` when it was never used.
    pub last_used: Option<Timestamp>,
    /// Whole days since its last use (or since `since`, when never used).
    pub days: i64,
}

/// Whether a credential last used at `last_used` (never: `None`, counted from `since`, its
/// creation or last change) is idle for at least `days` days at `now`.
pub fn idle(
    last_used: Option<Timestamp>,
    since: Timestamp,
    days: u32,
    now: Timestamp,
) -> Option<Idle> {
    let from = last_used.unwrap_or(since);
    let limit = from
        .saturating_add(SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(Timestamp::MAX);
    (now >= limit).then(|| Idle {
        last_used,
        days: crate::base::clock::whole_days(from, now),
    })
}

fn unused_route() -> Route {
    Route::of(["credentials", "unused_days"])
}

fn when(idle: &Idle, since: Timestamp, what: &str) -> String {
    match idle.last_used {
        Some(at) => format!("was last used {} days ago ({at})", idle.days),
        None => format!(
            "has never been used since it was {what} {} days ago ({since})",
            idle.days
        ),
    }
}

/// `key.unused`: each active key of the subject that has gone unused.
pub fn key_unused(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let days = cx.policy.credentials.unused_days;
    for key in user.active_keys() {
        let Some(created) = key.created else { continue };
        let Some(idle) = idle(key.last_used, created, days, cx.now) else {
            continue;
        };
        let label = key.label();
        out.push(
            cx.finding(
                unused_route(),
                format!(
                    "access key {label} of `{}` {}",
                    user.name,
                    when(&idle, created, "created")
                ),
            )
            .for_principal(user.name.clone())
            .with_label(format!("credentials unused for {days} days are reported"))
            .with_detail("key_id", label.clone())
            .with_detail("created", created.to_string())
            .with_detail("last_used", idle.last_used.map(|t| t.to_string()))
            .with_detail("idle_days", idle.days)
            .with_help(format!(
                "deactivate it (`aws iam update-access-key {user} {key} --status Inactive`), then delete it once nothing breaks (`aws iam delete-access-key {user} {key}`)",
                user = option("--user-name", &user.name),
                key = option("--access-key-id", &label)
            )),
        );
    }
}

/// `password.unused`: the subject's console password, if it has gone unused.
pub fn password_unused(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let (true, Some(changed)) = (user.password_enabled, user.password_last_changed) else {
        return;
    };
    let days = cx.policy.credentials.unused_days;
    let Some(idle) = idle(user.password_last_used, changed, days, cx.now) else {
        return;
    };
    out.push(
        cx.finding(
            unused_route(),
            format!(
                "the console password of `{}` {}",
                user.name,
                when(&idle, changed, "set")
            ),
        )
        .for_principal(user.name.clone())
        .with_label(format!("credentials unused for {days} days are reported"))
        .with_detail("last_changed", changed.to_string())
        .with_detail("last_used", idle.last_used.map(|t| t.to_string()))
        .with_detail("idle_days", idle.days)
        .with_help(format!(
            "delete the login profile (`aws iam delete-login-profile {}`): engineers sign in through SSO; or have its user sign in",
            option("--user-name", &user.name)
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::idle;

    #[test]
    fn idle_is_exact_to_the_second() {
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        let created = at("2026-01-01T00:00:00Z");
        let used = Some(at("2026-02-01T00:00:00Z"));
        assert!(idle(used, created, 45, at("2026-03-17T23:59:59Z")).is_none());
        assert_eq!(
            idle(used, created, 45, at("2026-03-18T00:00:00Z"))
                .unwrap()
                .days,
            45
        );
        assert!(idle(None, created, 45, at("2026-02-14T23:59:59Z")).is_none());
        assert!(idle(None, created, 45, at("2026-02-15T00:00:00Z")).is_some());
    }
}
