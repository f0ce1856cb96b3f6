//! Account-level cases judged in-process: the clean base account, optional recorded files left
//! out, `account.mismatch` (a recording of another account stops every other rule) and
//! `account.group-missing` (a group the policy names that the account does not have).

use super::case::{Case, ID, NOW, group, smce_guard_in_case, user};
use super::expect;
use serde_json::json;

#[test]
fn base_case_is_clean() {
    let judged = Case::base().judge();
    expect(&judged, 0, &[]);
    assert_eq!(judged.statuses(), ["acme ok"]);
    assert_eq!(judged.summary(), (0, 0));
}

#[test]
fn optional_files_missing_is_not_unobserved() {
    // Without access-keys.json the keys come from the report; without snapshot.json --now is the
    // clock, and the recording, which does not say when it was made, is stale.
    let mut case = Case::base();
    case.keys = None;
    case.snapshot = None;
    let judged = case.judge();
    expect(&judged, 0, &["warning fixture.stale - @4"]);
    assert_eq!(judged.statuses(), ["acme ok"]);
}

#[test]
fn mismatch_by_snapshot_stops_every_other_rule() {
    let mut case = Case::base();
    case.snapshot = Some(json!({"account_id": "999988887777", "captured_at": NOW}));
    case.row("alice").mfa = false; // would be member.mfa-missing
    case.users.push(user("mallory", &[])); // would be user.unmanaged
    let judged = case.judge();
    // A recording of another account is a broken recording: invalid, exit 2.
    expect(&judged, 2, &["error account.mismatch - @3"]);
    assert_eq!(judged.statuses(), ["acme invalid"]);
    let finding = judged.only("account.mismatch");
    assert_eq!(
        finding["details"]["observed_account_ids"],
        json!(["999988887777"])
    );
    assert_eq!(finding["account_id"], ID);
}

#[test]
fn mismatch_by_arn_without_a_snapshot() {
    let mut case = Case::base();
    case.snapshot = None;
    case.user("alice")["Arn"] = json!("arn:aws:iam::999988887777:user/alice");
    expect(&case.judge(), 2, &["error account.mismatch - @3"]);
}

/// A group the policy writes under `groups` that the account does not have: every rule about it
/// would pass by default. An error for the admins group while members are declared (each is then
/// `member.not-admin`), a warning otherwise; names are compared without regard to case, as IAM
/// compares them. SMCE's default names are not required: an SSO-era account may hold none.
#[test]
fn a_group_the_account_lacks_is_reported() {
    let mut case = Case::base();
    case.policy = case
        .policy
        .replace("members:\n", "groups:\n  admins: SMCE-Admins\nmembers:\n");
    let judged = case.judge();
    expect(
        &judged,
        1,
        &[
            "error account.group-missing - @6",
            "error member.not-admin alice @8",
        ],
    );
    let finding = judged.only("account.group-missing");
    assert_eq!(finding["details"]["group"], "SMCE-Admins");
    assert_eq!(
        finding["details"]["account_groups"],
        json!([
            "AccountDisabled",
            "SMCE-ProjectAdmins",
            "SMCE-UserRestrictions"
        ])
    );
    // Without members the admins group is needed by no rule: a warning.
    case.policy = case
        .policy
        .replace("members:\n  - user: alice\n", "members: []\n");
    case.users.retain(|u| u["UserName"] != "alice");
    case.rows.retain(|r| r.user != "alice");
    expect(&case.judge(), 0, &["warning account.group-missing - @6"]);

    // A restricted group the account lacks (a typo) is a warning at its line; any case of a real
    // one is the group.
    let mut case = Case::base();
    case.policy = case.policy.replace(
        "members:\n",
        "groups:\n  restricted: SMCE-UserRestriction\n  disabled: accountdisabled\nmembers:\n",
    );
    let judged = case.judge();
    expect(&judged, 0, &["warning account.group-missing - @6"]);
    assert!(
        judged.only("account.group-missing")["message"]
            .as_str()
            .unwrap()
            .contains("`deployer.restricted` passes only because the group is not there"),
        "{judged:#?}"
    );
    // A group renamed in the account and in the policy alike is found.
    let mut case = Case::base();
    case.groups.push(group("Project-Admins", vec![], &[]));
    case.policy = case.policy.replace(
        "members:\n",
        "groups:\n  admins: project-admins\nmembers:\n",
    );
    case.user("alice")["GroupList"] = json!(["Project-Admins"]);
    expect(&case.judge(), 0, &[]);

    // An account without SMCE's groups and a policy that names none: nothing is missing.
    let mut case = Case::base();
    case.groups.clear();
    case.policies.clear();
    case.user("alice")["GroupList"] = json!([]);
    case.policy = case
        .policy
        .replace("members:\n  - user: alice\n", "members: []\n");
    case.users.retain(|u| u["UserName"] != "alice");
    case.rows.retain(|r| r.user != "alice");
    expect(&case.judge(), 0, &[]);
}

#[test]
fn every_command_refuses_a_recording_of_another_account() {
    // One judging path: `expiries` and `verify-key` refuse it as `check` does (exit 2), naming
    // both ids, and list nothing of the other account's credentials.
    let mut case = Case::base();
    case.snapshot = Some(json!({"account_id": "999988887777", "captured_at": NOW}));
    let check = smce_guard_in_case(&case, &["check", "--format", "json"]);
    assert_eq!(check.code, 2, "{}", check.stdout);
    let expiries = smce_guard_in_case(&case, &["expiries", "--format", "json"]);
    assert_eq!(expiries.code, 2, "{}\n{}", expiries.stdout, expiries.stderr);
    assert_eq!(
        expiries.json()["credentials"],
        json!([]),
        "{}",
        expiries.stdout
    );
    assert!(
        expiries.stderr.contains("999988887777") && expiries.stderr.contains(ID),
        "{}",
        expiries.stderr
    );
    let verify = smce_guard_in_case(
        &case,
        &[
            "verify-key",
            "--account",
            "acme",
            "--key-id",
            "AKIADEPLOYER00000001",
        ],
    );
    assert_eq!(verify.code, 2, "{}\n{}", verify.stdout, verify.stderr);
    assert!(verify.stderr.contains("999988887777"), "{}", verify.stderr);
}
