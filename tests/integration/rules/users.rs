//! `user.unmanaged` judged in-process at each level, and `ignore_users` (neither unmanaged nor
//! credential-checked).

use super::case::{Case, ID, POLICY, key, row, user};
use super::expect;

#[test]
fn unmanaged_user_at_each_level() {
    let mut case = Case::base();
    case.users.push(user("mallory", &["AccountDisabled"]));
    let judged = case.judge();
    // Only user.unmanaged: member.disabled is for members.
    expect(&judged, 1, &["error user.unmanaged mallory @17"]);
    assert_eq!(
        judged.only("user.unmanaged")["details"]["arn"],
        format!("arn:aws:iam::{ID}:user/mallory")
    );

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: warning");
    expect(&case.judge(), 0, &["warning user.unmanaged mallory @17"]);

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: ignore");
    expect(&case.judge(), 0, &[]);
}

#[test]
fn unmanaged_defaults_to_error_when_not_spelt_out() {
    let mut case = Case::base();
    case.policy = POLICY.replace("unmanaged_users: error\n", "");
    case.users.push(user("mallory", &[]));
    let judged = case.judge();
    assert_eq!(judged.only("user.unmanaged")["severity"], "error");
    assert_eq!(judged.code, 1);
}

#[test]
fn ignored_user_is_neither_unmanaged_nor_credential_checked() {
    let mut case = Case::base();
    case.policy = POLICY.replace("ignore_users: []", "ignore_users:\n  - auditor");
    case.users.push(user("auditor", &[]));
    let mut auditor = row("auditor");
    auditor.password = Some("2025-01-01T00:00:00+00:00".into()); // long expired
    case.rows.push(auditor);
    case.keys.as_mut().unwrap().push(key(
        "auditor",
        "AKIAAUDITOR00000001",
        "Active",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.judge(), 0, &[]);
}
