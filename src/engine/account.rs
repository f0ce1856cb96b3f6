//! Account rules: the observed state belongs to the policy's account; and three checks of a
//! recording: its clock is consistent with the credentials it holds, it is not stale, and its key
//! listing leaves out no user whose active key the credential report shows.

use super::Judging;
use super::rules::Subject;
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Route};
use crate::observe::AccountState;
use crate::policy::Policy;
use jiff::Timestamp;

/// `account.mismatch`: the state names another account id (the credentials reached the wrong
/// account, or the recording is of another account). No other rule runs then.
pub fn mismatch(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let expected = &cx.policy.account.id;
    let others: Vec<&str> = (cx.state.account_ids.iter())
        .map(String::as_str)
        .filter(|id| *id != expected)
        .collect();
    if others.is_empty() {
        return;
    }
    out.push(
        cx.finding(
            Route::of(["account", "id"]),
            format!(
                "the observed state belongs to account {}, not {expected}",
                others.join(", ")
            ),
        )
        .with_label("the policy's account")
        .with_help(
            "record the right account, or fix `account.id`; no other rule ran for this account",
        )
        .with_detail("observed_account_ids", others),
    );
}

/// `account.password-policy`: where the account's own password policy sets a `MaxPasswordAge`,
/// it is `credentials.max_age_days`, so the expiry dates smce-guard prints are the account's. An
/// account with no policy (or one that never expires passwords) sets no age to disagree with:
/// SMCE's own automation is what enforces `max_age_days` there.
pub fn password_policy(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    use crate::observe::PasswordPolicy;
    let declared = cx.policy.credentials.max_age_days;
    let PasswordPolicy::Some {
        max_password_age: Some(max),
    } = cx.state.password_policy
    else {
        return;
    };
    if max == declared {
        return;
    }
    out.push(
        cx.finding(
            Route::of(["credentials", "max_age_days"]),
            format!(
                "account {} expires passwords after {max} days (its password policy's MaxPasswordAge), not after {declared} days as `credentials.max_age_days` says: the password expiry dates reported may be wrong",
                cx.policy.account.id
            ),
        )
        .with_label("the lifetime smce-guard dates passwords by")
        .with_detail("max_password_age", max)
        .with_detail("max_age_days", declared)
        .with_help(format!(
            "set `credentials.max_age_days: {max}` if the account is right, or ask SMCE why its password policy differs"
        )),
    );
}

/// `fixture.stale`: a recording judged offline at `now` that was captured more than
/// `max_age_days` before, or that does not say when it was captured. Not a rule of the table: it
/// is about the recording, not the account, and cannot be waived.
pub fn stale(
    policy: &Policy,
    file: FileId,
    captured: Option<Timestamp>,
    now: Timestamp,
    max_age_days: u32,
) -> Option<Diagnostic> {
    let name = &policy.account.name;
    let message = match captured {
        None => format!(
            "the recording of `{name}` does not say when it was captured (no `captured_at` in snapshot.json), so its age is unknown: judged offline, it is stale by definition"
        ),
        Some(captured) => {
            let limit = i64::from(max_age_days);
            if captured.as_second() + limit * 24 * 60 * 60 >= now.as_second() {
                return None;
            }
            format!(
                "the recording of `{name}` was captured {} before the instant judged ({captured}, judged at {now}), more than --max-age {limit}: it may no longer be true",
                crate::base::clock::age_words(captured, now)
            )
        }
    };
    Some(
        Diagnostic::new(Code::FixtureStale, message)
            .at(file, Route::of(["account", "name"]))
            .for_account(super::account_ref(policy))
            .with_label("recorded state of this account")
            .with_detail("captured_at", captured.map(|c| c.to_string()))
            .with_detail("max_age_days", max_age_days)
            .with_help(format!(
                "record it again: `smce-guard snapshot {account}` (or read it live: `smce-guard check --live {account}`)",
                account = crate::base::shell::option("--account", name)
            )),
    )
}

/// `fixture.partial`: the recording's key listing leaves out users whose active keys the
/// credential report shows ([`AccountState::keys_unlisted`]); their keys were judged from the
/// report. Not a rule of the table: like `fixture.stale`, it is about the recording.
pub fn partial(policy: &Policy, file: FileId, state: &AccountState) -> Option<Diagnostic> {
    let users = &state.keys_unlisted;
    if users.is_empty() {
        return None;
    }
    let name = &policy.account.name;
    let listed: Vec<String> = users.iter().map(|u| format!("`{u}`")).collect();
    let (noun, pronoun) = if users.len() == 1 {
        ("user", "its")
    } else {
        ("users", "their")
    };
    Some(
        Diagnostic::new(
            Code::FixturePartial,
            format!(
                "the key listing (access-keys.json) of `{name}` leaves out {noun} {}, whose active keys the credential report shows: {pronoun} keys were judged from the report, without key ids (a listing made without `--user-name` holds only the caller's keys)",
                listed.join(", ")
            ),
        )
        .at(file, Route::of(["account", "name"]))
        .for_account(super::account_ref(policy))
        .with_label("recorded state of this account")
        .with_detail("users", users.clone())
        .with_help(format!(
            "record it again: `smce-guard snapshot {}`, or list each user's keys (`aws iam list-access-keys --user-name USER`) into one access-keys.json",
            crate::base::shell::option("--account", name)
        )),
    )
}

/// Why a recording's `captured_at` cannot be its clock, if it cannot: a credential in it was
/// created or changed more than a day later. Judged by such a clock, that credential would look
/// fresh for ever, so the recording is refused. (An explicit `--now` is the user's question and is
/// taken as asked.)
pub fn impossible_capture(state: &AccountState, captured: Timestamp) -> Option<String> {
    let slack = jiff::SignedDuration::from_hours(24);
    state
        .users
        .iter()
        .flat_map(|user| {
            let keys = user.keys.iter().filter_map(|k| k.created);
            keys.chain(user.password_last_changed)
                .map(move |at| (user.name.as_str(), at))
        })
        .filter(|(_, at)| at.duration_since(captured) > slack)
        .max_by_key(|(_, at)| *at)
        .map(|(user, at)| {
            format!("captured_at ({captured}) is before a credential of `{user}` was created or changed ({at}): the recording is inconsistent; record it again")
        })
}
