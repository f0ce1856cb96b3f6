//! `member.*` rules judged in-process: a declared member missing, not an admin (also through a
//! renamed admins group), without MFA, or disabled.

use super::case::{Case, Override, group, row};
use super::expect;
use serde_json::json;

#[test]
fn member_missing() {
    let mut case = Case::base();
    case.policy = case
        .policy
        .replace("  - user: alice\n", "  - user: alice\n  - user: bob\n");
    // A report row alone does not make a user: users come from the authorization details.
    case.rows.push(row("bob"));
    expect(&case.judge(), 1, &["error member.missing bob @7"]);
}

#[test]
fn member_not_admin() {
    let mut case = Case::base();
    case.user("alice")["GroupList"] = json!(["SMCE-UserRestrictions"]);
    let judged = case.judge();
    expect(&judged, 1, &["error member.not-admin alice @6"]);
    assert_eq!(
        judged.only("member.not-admin")["details"]["groups"],
        json!(["SMCE-UserRestrictions"])
    );
}

#[test]
fn member_admin_through_a_renamed_admins_group() {
    let mut case = Case::base();
    case.policy = case.policy.replace(
        "members:\n",
        "groups:\n  admins: Project-Admins\nmembers:\n",
    );
    case.user("alice")["GroupList"] = json!(["Project-Admins"]);
    case.groups.push(group("Project-Admins", vec![], &[]));
    expect(&case.judge(), 0, &[]);
    // ... and the default group no longer counts.
    case.user("alice")["GroupList"] = json!(["SMCE-ProjectAdmins"]);
    expect(&case.judge(), 1, &["error member.not-admin alice @8"]);
}

#[test]
fn member_mfa_missing() {
    let mut case = Case::base();
    case.row("alice").mfa = false;
    expect(&case.judge(), 1, &["error member.mfa-missing alice @6"]);
    // A member newer than the credential report has no MFA as far as the recording shows.
    case.rows.retain(|r| r.user != "alice");
    expect(&case.judge(), 1, &["error member.mfa-missing alice @6"]);
}

#[test]
fn member_mfa_in_upper_case_is_active() {
    let mut case = Case::base();
    let report = case
        .report()
        .replace("+00:00,N/A,true,", "+00:00,N/A,TRUE,");
    assert!(report.contains("TRUE"));
    case.overrides
        .push(("credential-report.csv", Override::Text(report)));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn member_disabled() {
    let mut case = Case::base();
    case.user("alice")["GroupList"] = json!(["SMCE-ProjectAdmins", "AccountDisabled"]);
    expect(&case.judge(), 1, &["error member.disabled alice @6"]);
}

/// IAM group names ignore case: members are judged against the account's group whatever case
/// the policy writes it in, and the fix names the group as the account spells it.
#[test]
fn member_groups_whatever_their_case() {
    let mut case = Case::base();
    case.policy = case.policy.replace(
        "members:\n",
        "groups:\n  admins: smce-projectadmins\n  disabled: accountdisabled\nmembers:\n",
    );
    expect(&case.judge(), 0, &[]);
    case.user("alice")["GroupList"] = json!([
        "SMCE-ProjectAdmins",
        "SMCE-UserRestrictions",
        "AccountDisabled"
    ]);
    let judged = case.judge();
    expect(&judged, 1, &["error member.disabled alice @9"]);
    let finding = judged.only("member.disabled");
    assert_eq!(
        finding["message"],
        "member `alice` is in `AccountDisabled` (`accountdisabled` in the policy: IAM group names ignore case)"
    );
    assert_eq!(finding["details"]["group"], "AccountDisabled");
}
