//! Account rules: the observed state belongs to the policy's account, and a recording's clock is
//! consistent with the credentials it holds.

use super::Judging;
use super::rules::Subject;
use crate::diag::Diagnostic;
use crate::observe::AccountState;
use crate::source::Route;
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
