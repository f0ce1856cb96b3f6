//! The groups a policy names (`groups.admins`, `groups.restricted`, `groups.disabled`), matched
//! to the account's as IAM matches group names: without regard to case. Two jobs: the one
//! "user is in group X" finding that `member.disabled`, `deployer.restricted` and
//! `deployer.disabled` build ([`InGroup`]), and `account.group-missing`, which reports a group
//! the policy names under `groups` that the account does not have, since every rule about such a
//! group passes by default. SMCE's default names are not reported missing: an account of the SSO
//! era may hold none of SMCE's groups, and then no rule about them is vacuous.

use super::Judging;
use super::rules::Subject;
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;
use crate::observe::User;

/// A user found in a group the policy names: the user, and the group as the policy names it
/// and as the account spells it (they may differ in case).
pub struct InGroup<'a> {
    pub user: &'a User,
    pub declared: &'a str,
    pub actual: &'a str,
}

impl<'a> InGroup<'a> {
    /// `user` in the group the policy names `declared`, if it is in it.
    pub fn find(user: Option<&'a User>, declared: &'a str) -> Option<Self> {
        let user = user?;
        let actual = user.group(declared)?;
        Some(InGroup {
            user,
            declared,
            actual,
        })
    }

    /// The finding: "`who` `user` is in `group`" and `consequence`, for the user, at `route`. The
    /// group is named as the account spells it, and as the policy does when that differs.
    pub fn finding(
        &self,
        cx: &Judging<'_>,
        route: Route,
        who: &str,
        consequence: &str,
    ) -> Diagnostic {
        let name = self.user.name.as_str();
        let declared = if self.actual == self.declared {
            String::new()
        } else {
            format!(
                " (`{}` in the policy: IAM group names ignore case)",
                self.declared
            )
        };
        cx.finding(
            route,
            format!(
                "{who} `{name}` is in `{}`{declared}{consequence}",
                self.actual
            ),
        )
        .for_principal(name)
        .with_detail("group", self.actual)
    }

    /// The command that takes the user out of the group.
    pub fn removal(&self) -> String {
        format!(
            "`aws iam remove-user-from-group {} {}`",
            option("--group-name", self.actual),
            option("--user-name", &self.user.name)
        )
    }
}

/// `account.group-missing`: each group the policy writes under `groups` is one of the account's.
/// An error for `groups.admins` when members are declared (every member then fails
/// `member.not-admin` for a reason that message does not give); a warning otherwise, since the
/// rules about a missing group pass by default.
pub fn missing(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let groups = &cx.policy.groups;
    let written = groups.written;
    let members = !cx.policy.members.is_empty();
    let named = [
        (
            "admins",
            written.admins,
            &groups.admins,
            if members {
                "no member can be in it, so every member is `member.not-admin`"
            } else {
                "no member is declared, so no rule needs it yet"
            },
        ),
        (
            "restricted",
            written.restricted,
            &groups.restricted,
            "`deployer.restricted` passes only because the group is not there, and says nothing about the deployer's MFA exemption",
        ),
        (
            "disabled",
            written.disabled,
            &groups.disabled,
            "`member.disabled` and `deployer.disabled` pass only because the group is not there",
        ),
    ];
    let mut held: Vec<&str> = cx.state.groups.keys().map(String::as_str).collect();
    held.sort_unstable();
    for (role, written, group, consequence) in named {
        if !written || cx.state.group(group).is_some() {
            continue;
        }
        let severity = if role == "admins" && members {
            Severity::Error
        } else {
            Severity::Warning
        };
        let account = &cx.policy.account.id;
        out.push(
            cx.finding(
                Route::of(["groups", role]),
                format!("account {account} has no group `{group}` (`groups.{role}`): {consequence}"),
            )
            .with_severity(severity)
            .with_label("named here")
            .with_detail("group", group.as_str())
            .with_detail("account_groups", held.clone())
            .with_help(if held.is_empty() {
                "the recording holds no group at all: record the account again (GroupDetailList), or ask SMCE why it has none".to_owned()
            } else {
                format!(
                    "name one of the account's groups under `groups.{role}` ({}), or ask SMCE why the account lacks it",
                    held.join(", ")
                )
            }),
        );
    }
}
