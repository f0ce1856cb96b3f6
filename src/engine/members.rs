//! Member rules: every declared engineer has an IAM user, in the admins group, with MFA, and not
//! disabled.

use super::Context;
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::Route;

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let groups = &cx.policy.groups;
    for (i, member) in cx.policy.members.iter().enumerate() {
        let name = member.user.as_str();
        let route = Route::of(["members"]).child(i).child("user");
        let Some(user) = cx.state.user(name) else {
            out.push(
                cx.finding(Code::MemberMissing, route, format!("member `{name}` has no IAM user"))
                    .for_principal(name)
                    .with_label("declared here")
                    .with_help(format!(
                        "create it: `aws iam create-user --user-name {name}` and `aws iam add-user-to-group --group-name {} --user-name {name}`, or remove the member",
                        groups.admins
                    )),
            );
            continue;
        };
        if !user.in_group(&groups.admins) {
            out.push(
                cx.finding(
                    Code::MemberNotAdmin,
                    route.clone(),
                    format!("member `{name}` is not in `{}`", groups.admins),
                )
                .for_principal(name)
                .with_detail("groups", user.groups.clone())
                .with_help(format!(
                    "`aws iam add-user-to-group --group-name {} --user-name {name}`",
                    groups.admins
                )),
            );
        }
        if !user.reported {
            // Unknown is reported as missing: the gate must not pass what it could not see.
            out.push(
                cx.finding(Code::MemberMfaMissing, route.clone(), format!("member `{name}` has no row in the credential report, so its MFA (and password age) cannot be confirmed"))
                    .for_principal(name)
                    .with_help("a user created after the report was made has no row; record the account again once the report is regenerated (AWS keeps one for up to 4 hours)"),
            );
        } else if !user.mfa_active {
            out.push(
                cx.finding(Code::MemberMfaMissing, route.clone(), format!("member `{name}` has no active MFA device"))
                    .for_principal(name)
                    .with_help("the engineer signs in, assigns an MFA device (IAM → Security credentials), then signs out and in again"),
            );
        }
        if user.in_group(&groups.disabled) {
            out.push(
                cx.finding(Code::MemberDisabled, route, format!("member `{name}` is in `{}`", groups.disabled))
                    .for_principal(name)
                    .with_help(format!(
                        "reset the expired credential, then `aws iam remove-user-from-group --group-name {} --user-name {name}`",
                        groups.disabled
                    )),
            );
        }
    }
}
