//! The one table of rules. Each drift rule is registered here once: its code, whom it judges
//! (the subjects and when the rule applies to one), and the function that judges it. Evaluation
//! and the JUnit list of checks performed both walk this table, so they cannot disagree.
//!
//! Adding a rule means: its code in `codes.rs`, its function in its family's file, its row here,
//! and its tests.

use super::{
    Context, Judging, account, credentials, deny, deployer, excess, groups, members, root,
    rotation, sso, uncertain, usage, users,
};
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::observe::{Role, User};
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
    /// Each declared permission set (`sso.permission_sets`), once per role that provisions it,
    /// or once with no role when none does.
    PermissionSets,
    /// Each permission set provisioned into the account (its role), when the policy has `sso:`
    /// and roles were read.
    ProvisionedSets,
}

/// One principal (or the account) as a rule sees it.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The principal; `None` for the account.
    pub name: Option<&'a str>,
    /// Its IAM user, when it has one.
    pub user: Option<&'a User>,
    /// Its index in `members` (member rules) or in `sso.permission_sets` (a declared permission
    /// set): findings point at that entry.
    pub member: Option<usize>,
    /// The role of a permission set, when one provisions it.
    pub role: Option<&'a Role>,
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
    rule(Code::DeployerExcessPermission, Subjects::Deployer, present, excess::excess_permission),
    rule(Code::DeployerMissingPermission, Subjects::Deployer, present, deployer::missing_permission),
    rule(Code::DeployerDenied, Subjects::Deployer, present, deny::denied),
    rule(Code::DeployerAccessUncertain, Subjects::Deployer, present, uncertain::access_uncertain),
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
    rule(Code::SsoUnobserved, Subjects::Account, sso_unobserved, sso::unobserved),
    rule(Code::SsoPermissionSetMissing, Subjects::PermissionSets, roles_read, sso::missing),
    rule(Code::SsoPermissionSetChanged, Subjects::PermissionSets, set_policies_declared, sso::changed),
    rule(Code::SsoPermissionSetUnexpected, Subjects::ProvisionedSets, unexpected_reported, sso::unexpected),
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
            role: None,
        }],
        Subjects::Members => (cx.policy.members.iter().enumerate())
            .map(|(i, member)| Subject {
                name: Some(member.user.as_str()),
                user: state.user(&member.user),
                member: Some(i),
                role: None,
            })
            .collect(),
        Subjects::Users => (state.users.iter())
            .map(|user| Subject {
                name: Some(user.name.as_str()),
                user: Some(user),
                member: None,
                role: None,
            })
            .collect(),
        Subjects::Deployer => (cx.policy.deployer.iter())
            .map(|deployer| Subject {
                name: Some(deployer.user.as_str()),
                user: state.user(&deployer.user),
                member: None,
                role: None,
            })
            .collect(),
        Subjects::PermissionSets => {
            let Some(declared) = &cx.policy.sso else {
                return Vec::new();
            };
            let provisioned = provisioned(cx);
            let mut out = Vec::new();
            for (i, set) in declared.permission_sets.iter().enumerate() {
                let subject = |role| Subject {
                    name: Some(set.name.as_str()),
                    user: None,
                    member: Some(i),
                    role,
                };
                let before = out.len();
                out.extend(
                    (provisioned.iter())
                        .filter(|(name, _)| *name == set.name)
                        .map(|(_, role)| subject(Some(*role))),
                );
                if out.len() == before {
                    out.push(subject(None));
                }
            }
            out
        }
        Subjects::ProvisionedSets => match &cx.policy.sso {
            None => Vec::new(),
            Some(_) => (provisioned(cx).into_iter())
                .map(|(set, role)| Subject {
                    name: Some(set),
                    user: None,
                    member: None,
                    role: Some(role),
                })
                .collect(),
        },
    }
}

/// The account's provisioned permission sets, when roles were read.
fn provisioned<'a>(cx: &Context<'a>) -> Vec<(&'a str, &'a Role)> {
    let state: &'a crate::observe::AccountState = cx.state;
    (state.roles.as_deref())
        .map(|roles| sso::provisioned(roles, &cx.policy.account.id))
        .unwrap_or_default()
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

/// The policy declares permission sets, and the recording did not read roles.
fn sso_unobserved(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.policy.sso.is_some() && cx.state.roles.is_none()
}

fn roles_read(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.state.roles.is_some()
}

/// A declared set with a role, whose `managed_policies` the policy lists.
fn set_policies_declared(cx: &Context<'_>, subject: &Subject<'_>) -> bool {
    let declared = (cx.policy.sso.as_ref())
        .zip(subject.member)
        .and_then(|(sso, i)| sso.permission_sets.get(i));
    subject.role.is_some() && declared.is_some_and(|set| set.managed_policies.is_some())
}

fn unexpected_reported(cx: &Context<'_>, _: &Subject<'_>) -> bool {
    cx.policy
        .sso
        .as_ref()
        .is_some_and(|sso| sso.unexpected != Level::Ignore)
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
