//! The undeclared-user rule: every IAM user is a member, the deployer, or explicitly ignored.

use super::Context;
use crate::codes::{Code, Severity};
use crate::diag::Diagnostic;
use crate::policy::model::Level;
use crate::source::Route;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    let severity = match policy.unmanaged_users {
        Level::Ignore => return,
        Level::Warning => Severity::Warning,
        Level::Error => Severity::Error,
    };
    let deployer = policy.deployer.as_ref().map(|d| d.user.as_str());
    for user in &cx.state.users {
        let name = user.name.as_str();
        let declared = policy.members.iter().any(|m| m.user == name)
            || deployer == Some(name)
            || policy.is_ignored(name);
        if declared {
            continue;
        }
        out.push(
            cx.finding(Code::UserUnmanaged, Route::of(["unmanaged_users"]), format!("IAM user `{name}` is not declared in the policy"))
                .with_severity(severity)
                .for_principal(name)
                .with_label("undeclared users are reported at this level")
                .with_detail("arn", user.arn.clone())
                .with_help(format!(
                    "add `{name}` to `members`, list it in `ignore_users` if someone else manages it, or delete it (`aws iam delete-user --user-name {name}` after removing its keys, password, MFA devices and groups)"
                )),
        );
    }
}
