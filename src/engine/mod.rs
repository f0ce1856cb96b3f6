//! The engine: pure, synchronous rules that compare one policy with one account's observed state
//! and return findings. It never reads files, talks to AWS or prints; it does not know whether the
//! state was recorded or read live.
//!
//! Each rule family lives in its own file: [`members`], [`users`], [`deployer`] (with the
//! permission matcher in [`permissions`]) and [`credentials`].

pub mod credentials;
pub mod deployer;
pub mod members;
pub mod permissions;
pub mod users;
pub mod waivers;

use crate::codes::Code;
use crate::diag::{AccountRef, Diagnostic};
use crate::observe::AccountState;
use crate::policy::Policy;
use crate::source::{FileId, Route};
use jiff::Timestamp;

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

/// What every rule sees: the policy, where it lives, the observed state and the clock.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub file: FileId,
    pub state: &'a AccountState,
    pub now: Timestamp,
    /// The account every finding names, shared between them.
    pub account: std::sync::Arc<AccountRef>,
}

impl Context<'_> {
    /// A finding of `code` located at `route` in this policy, tagged with the account.
    pub fn finding(&self, code: Code, route: Route, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, message)
            .at(self.file, route)
            .for_account(self.account.clone())
    }
}

pub fn account_ref(policy: &Policy) -> AccountRef {
    AccountRef {
        id: policy.account.id.clone(),
        name: policy.account.name.clone(),
    }
}

/// Evaluates every rule for one account, as of `now`.
pub fn evaluate(
    policy: &Policy,
    file: FileId,
    state: &AccountState,
    now: Timestamp,
) -> Vec<Diagnostic> {
    let account = std::sync::Arc::new(account_ref(policy));
    let cx = Context {
        policy,
        file,
        state,
        now,
        account,
    };
    let expected = &policy.account.id;
    let others: Vec<&str> = state
        .account_ids
        .iter()
        .map(String::as_str)
        .filter(|id| *id != expected)
        .collect();
    if !others.is_empty() {
        let finding = cx
            .finding(
                Code::AccountMismatch,
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
            .with_detail("observed_account_ids", others.clone());
        return vec![finding];
    }
    let mut out = Vec::new();
    members::check(&cx, &mut out);
    users::check(&cx, &mut out);
    deployer::check(&cx, &mut out);
    credentials::check(&cx, &mut out);
    let unused = waivers::apply(&cx, &mut out);
    out.extend(unused);
    out
}

/// The UTC calendar day of an instant: the day waivers are judged on.
pub fn utc_date(now: Timestamp) -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}

/// Every (rule, principal) pair the engine judges for this policy and state, whether or not it
/// found drift: the test cases of a JUnit report.
pub fn checks_performed(policy: &Policy, state: &AccountState) -> Vec<(Code, Option<String>)> {
    let mut checks = vec![(Code::AccountMismatch, None)];
    let mut add = |code: Code, principal: &str| checks.push((code, Some(principal.to_owned())));
    for member in &policy.members {
        add(Code::MemberMissing, &member.user);
        if state.user(&member.user).is_some() {
            for code in [
                Code::MemberNotAdmin,
                Code::MemberMfaMissing,
                Code::MemberDisabled,
            ] {
                add(code, &member.user);
            }
        }
    }
    if policy.unmanaged_users != crate::policy::model::Level::Ignore {
        for user in &state.users {
            add(Code::UserUnmanaged, &user.name);
        }
    }
    if let Some(deployer) = &policy.deployer {
        add(Code::DeployerMissing, &deployer.user);
        if state.user(&deployer.user).is_some() {
            for code in [
                Code::DeployerRestricted,
                Code::DeployerDisabled,
                Code::DeployerConsoleAccess,
                Code::DeployerExcessPermission,
                Code::DeployerMissingPermission,
                Code::DeployerKeyCount,
            ] {
                add(code, &deployer.user);
            }
        }
    }
    for user in state.users.iter().filter(|u| !policy.is_ignored(&u.name)) {
        if user.active_keys().next().is_some() {
            add(Code::KeyExpiring, &user.name);
            add(Code::KeyExpired, &user.name);
        }
        if user.password_enabled {
            add(Code::PasswordExpiring, &user.name);
            add(Code::PasswordExpired, &user.name);
        }
    }
    checks
}
