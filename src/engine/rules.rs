//! The one table of rules. Each drift rule is registered here once: its code, whom it judges
//! (the subjects and when the rule applies to one), and the function that judges it. Evaluation
//! and the JUnit list of checks performed both walk this table, so they cannot disagree.
//!
//! Adding a rule means: its code in `codes.rs`, its function in its family's file, its row here,
//! and its tests.

use super::{
    Context, Judging, account, credentials, deny, deployer, groups, members, root, rotation, usage,
    users,
};
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::observe::User;
use crate::policy::model::Level;

/// Whom a rule judges: the candidates, each of which the rule's `applies` may still pass over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subjects {
    /// The account as a whole, once.
    Account,
    /// Each declared member, whether or not it has an IAM user.
    Members,
    /// Each IAM user the account holds.
    Users,
    /// The declared deployer, when the policy declares one.
    Deployer,
}

/// One principal (or the account) as a rule sees it.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The principal; `None` for the account.
    pub name: Option<&'a str>,
    /// Its IAM user, when it has one.
    pub user: Option<&'a User>,
    /// Its index in `members`, for member rules (findings point at that entry).
    pub member: Option<usize>,
}

/// Judges one subject, pushing findings of the rule's code.
pub type Judge = fn(&Judging<'_>, &Subject<'_>, &mut Vec<Diagnostic>);

/// One registered rule.
pub struct Rule {
    pub code: Code,
    pub subjects: Subjects,
    /// Whether the rule judges this subject: its precondition, and so whether JUnit lists it as a
    /// check performed.
    pub applies: fn(&Context<'_>, &Subject<'_>) -> bool,
    pub judge: Judge,
    /// When this rule finds anything, no other rule runs (the state is not the account's).
    pub gate: bool,
}

const fn rule(
    code: Code,
    subjects: Subjects,
    applies: fn(&Context<'_>, &Subject<'_>) -> bool,
    judge: Judge,
) -> Rule {
    Rule {
        code,
        subjects,
        applies,
        judge,
        gate: false,
    }
}

/// Every drift rule, in the order JUnit lists its checks (rules with the same subjects next to
/// each other are listed subject by subject).
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    Rule { gate: true, ..rule(Code::AccountMismatch, Subjects::Account, always, account::mismatch) },
    rule(Code::MemberMissing, Subjects::Members, always, members::missing),
    rule(Code::MemberNotAdmin, Subjects::Members, present, members::not_admin),
    rule(Code::MemberMfaMissing, Subjects::Members, present, members::mfa_missing),
    rule(Code::MemberDisabled, Subjects::Members, present, members::disabled),
    rule(Code::UserUnmanaged, Subjects::Users, unmanaged_reported, users::unmanaged),
    rule(Code::DeployerMissing, Subjects::Deployer, always, deployer::missing),
    rule(Code::DeployerRestricted, Subjects::Deployer, present, deployer::restricted),
    rule(Code::DeployerDisabled, Subjects::Deployer, present, deployer::disabled),
    rule(Code::DeployerConsoleAccess, Subjects::Deployer, present, deployer::console_access),
    rule(Code::DeployerExcessPermission, Subjects::Deployer, present, deployer::excess_permission),
    rule(Code::DeployerMissingPermission, Subjects::Deployer, present, deployer::missing_permission),
    rule(Code::DeployerDenied, Subjects::Deployer, present, deny::denied),
    rule(Code::DeployerKeyCount, Subjects::Deployer, present, deployer::key_count),
    rule(Code::DeployerRotationIncomplete, Subjects::Deployer, present_and_used, rotation::rotation_incomplete),
    rule(Code::DeployerKeyUnused, Subjects::Deployer, present_and_used, rotation::key_unused),
    rule(Code::DeployerCredentialsStale, Subjects::Deployer, present_with_credentials, rotation::credentials_stale),
    rule(Code::KeyExpiring, Subjects::Users, holds_key, credentials::key_expiring),
    rule(Code::KeyExpired, Subjects::Users, holds_key, credentials::key_expired),
    rule(Code::PasswordExpiring, Subjects::Users, holds_password, credentials::password_expiring),
    rule(Code::PasswordExpired, Subjects::Users, holds_password, credentials::password_expired),
    rule(Code::KeyUnused, Subjects::Users, others_key_use, usage::key_unused),
    rule(Code::PasswordUnused, Subjects::Users, others_password_use, usage::password_unused),
    rule(Code::RootAccessKey, Subjects::Account, root_reported, root::access_key),
    rule(Code::RootMfaMissing, Subjects::Account, root_reported, root::mfa_missing),
    rule(Code::AccountPasswordPolicy, Subjects::Account, password_policy_recorded, account::password_policy),
    rule(Code::AccountGroupMissing, Subjects::Account, always, groups::missing),
];

/// The rule registered for `code`, if it is a drift rule.
pub fn rule_for(code: Code) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code == code)
}

/// The candidates of `subjects` in this account.
pub fn subjects<'a>(cx: &Context<'a>, subjects: Subjects) -> Vec<Subject<'a>> {
    let state = cx.state;
    match subjects {
        Subjects::Account => vec![Subject {
            name: None,
            user: None,
            member: None,
        }],
        Subjects::Members => (cx.policy.members.iter().enumerate())
            .map(|(i, member)| Subject {
                name: Some(member.user.as_str()),
                user: state.user(&member.user),
                member: Some(i),
            })
            .collect(),
        Subjects::Users => (state.users.iter())
            .map(|user| Subject {
                name: Some(user.name.as_str()),
                user: Some(user),
                member: None,
            })
            .collect(),
        Subjects::Deployer => (cx.policy.deployer.iter())
            .map(|deployer| Subject {
                name: Some(deployer.user.as_str()),
                user: state.user(&deployer.user),
                member: None,
            })
            .collect(),
    }
}

/// Walks the table: for each run of rules with the same subjects, each subject, then each rule
/// that applies to it. Evaluation and the JUnit list of checks are both this walk.
pub fn walk<'a>(cx: &Context<'a>, mut visit: impl FnMut(&'static Rule, &Subject<'a>) -> bool) {
    let mut start = 0;
    while start < RULES.len() {
        let kind = RULES[start].subjects;
        let end = start
            + RULES[start..]
                .iter()
                .take_while(|r| r.subjects == kind)
                .count();
        for subject in subjects(cx, kind) {
            for rule in RULES[start..end]
                .iter()
                .filter(|r| (r.applies)(cx, &subject))
            {
                if !visit(rule, &subject) {
                    return;
                }
            }
        }
        start = end;
    }
}

fn always(_: &Context<'_>, _: &Subject<'_>) -> bool {
    true
}

fn present(_: &Context<'_>, subject: &Subject<'_>) -> bool {
    subject.user.is_some()
}

fn unmanaged_reported(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.policy.unmanaged_users != Level::Ignore
}

fn holds_key(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    subject
        .user
        .is_some_and(|u| !cx.policy.is_ignored(&u.name) && u.active_keys().next().is_some())
}

/// The deployer, with last use recorded (older recordings lack it: unknown is not "never").
fn present_and_used(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    subject.user.is_some() && cx.state.last_use_recorded
}

/// The deployer, when the pipeline handed in the sops instant of the credentials CI decrypts.
fn present_with_credentials(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    subject.user.is_some() && cx.credentials.is_some()
}

fn is_deployer(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    cx.policy
        .deployer
        .as_ref()
        .is_some_and(|d| Some(d.user.as_str()) == subject.name)
}

/// A user other than the deployer holding a key, with last use recorded.
fn others_key_use(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    cx.state.last_use_recorded && !is_deployer(cx, subject) && holds_key(cx, subject)
}

/// A user other than the deployer with a console password, with last use recorded.
fn others_password_use(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    cx.state.last_use_recorded && !is_deployer(cx, subject) && holds_password(cx, subject)
}

fn root_reported(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.state.root.is_some() && cx.policy.root != Level::Ignore
}

fn password_policy_recorded(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.state.password_policy != crate::observe::PasswordPolicy::NotRecorded
}

fn holds_password(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    subject
        .user
        .is_some_and(|u| !cx.policy.is_ignored(&u.name) && u.password_enabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes that are drift findings but come from the pipelines, not from a rule: the account
    /// could not be read, or the organization disagrees with the policies.
    const NOT_RULES: &[Code] = &[
        Code::AccountUnobserved,
        Code::AccountUncovered,
        Code::AccountNotInOrganization,
        Code::AccountSuspended,
    ];

    #[test]
    fn every_finding_code_has_exactly_one_rule_and_every_rule_a_finding_code() {
        for code in Code::ALL {
            let registered = RULES.iter().filter(|r| r.code == *code).count();
            let expected = usize::from(code.is_finding() && !NOT_RULES.contains(code));
            assert_eq!(
                registered, expected,
                "{code}: registered {registered} times"
            );
        }
    }

    #[test]
    fn every_code_is_explained_and_listed_on_the_codes_page() {
        // docs/codes.md is generated: `scripts/docs-codes > docs/codes.md`.
        let page = include_str!("../../docs/codes.md");
        for code in Code::ALL {
            let explanation = code.explanation();
            for (part, text) in [
                ("checks", explanation.checks),
                ("why", explanation.why),
                ("fix", explanation.fix),
            ] {
                assert!(text.trim().len() > 10, "{code}: `{part}` is not explained");
            }
            let row = format!("| `{code}` | {} |", code.default_severity().as_str());
            assert!(
                page.contains(&row),
                "docs/codes.md lists no row for {code}: run `scripts/docs-codes > docs/codes.md`"
            );
        }
    }
}
