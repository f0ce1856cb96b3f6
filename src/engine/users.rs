//! The undeclared-user rule: every IAM user is a member, the deployer, or explicitly ignored.

use super::Judging;
use super::rules::Subject;
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;
use crate::policy::model::Level;

/// `user.unmanaged`, at the severity of `unmanaged_users`.
pub fn unmanaged(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    let severity = match policy.unmanaged_users {
        Level::Ignore => return,
        Level::Warning => Severity::Warning,
        Level::Error => Severity::Error,
    };
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let declared = policy.members.iter().any(|m| m.user == name)
        || policy.deployer.as_ref().is_some_and(|d| d.user == name)
        || policy.is_ignored(name);
    if declared {
        return;
    }
    out.push(
        cx.finding(Route::of(["unmanaged_users"]), format!("IAM user `{name}` is not declared in the policy"))
            .with_severity(severity)
            .for_principal(name)
            .with_label("undeclared users are reported at this level")
            .with_detail("arn", user.arn.clone())
            .with_help(format!(
                "add `{name}` to `members`, list it in `ignore_users` if someone else manages it, or delete it (`aws iam delete-user {}` after removing its keys, password, MFA devices and groups)",
                option("--user-name", name)
            )),
    );
}
