//! Member rules: every declared engineer has an IAM user, in the admins group, with MFA, and not
//! disabled. Each judges one member ([`Subject::member`] is its index in `members`).

use super::Judging;
use super::groups::InGroup;
use super::rules::Subject;
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;

/// The policy line of the member a subject stands for.
fn route(subject: &Subject<'_>) -> Route {
    Route::of(["members"])
        .child(subject.member.unwrap_or_default())
        .child("user")
}

/// `member.missing`: the member has an IAM user.
pub fn missing(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(name), None) = (subject.name, subject.user) else {
        return;
    };
    out.push(
        cx.finding(route(subject), format!("member `{name}` has no IAM user"))
            .for_principal(name)
            .with_label("declared here")
            .with_help(format!(
                "create it: `aws iam create-user {user}` and `aws iam add-user-to-group {} {user}`, or remove the member",
                option("--group-name", &cx.policy.groups.admins),
                user = option("--user-name", name)
            )),
    );
}

/// `member.not-admin`: the member is in the admins group.
pub fn not_admin(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let admins = &cx.policy.groups.admins;
    let Some(user) = subject.user.filter(|u| !u.in_group(admins)) else {
        return;
    };
    let name = user.name.as_str();
    out.push(
        cx.finding(
            route(subject),
            format!("member `{name}` is not in `{admins}`"),
        )
        .for_principal(name)
        .with_detail("groups", user.groups.clone())
        .with_help(format!(
            "`aws iam add-user-to-group {} {}`",
            option("--group-name", admins),
            option("--user-name", name)
        )),
    );
}

/// `member.mfa-missing`: the member has an active MFA device, as far as the report shows.
pub fn mfa_missing(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    if !user.reported {
        // Unknown is reported as missing: the gate must not pass what it could not see.
        out.push(
            cx.finding(route(subject), format!("member `{name}` has no row in the credential report, so its MFA (and password age) cannot be confirmed"))
                .for_principal(name)
                .with_help("a user created after the report was made has no row; record the account again once the report is regenerated (AWS keeps one for up to 4 hours)"),
        );
    } else if !user.mfa_active {
        out.push(
            cx.finding(route(subject), format!("member `{name}` has no active MFA device"))
                .for_principal(name)
                .with_help("the engineer signs in, assigns an MFA device (IAM → Security credentials), then signs out and in again"),
        );
    }
}

/// `member.disabled`: the member is not in the disabled group.
pub fn disabled(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(found) = InGroup::find(subject.user, &cx.policy.groups.disabled) else {
        return;
    };
    out.push(
        found
            .finding(cx, route(subject), "member", "")
            .with_help(format!(
                "reset the expired credential, then {}",
                found.removal()
            )),
    );
}
