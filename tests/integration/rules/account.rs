//! Account-level cases judged in-process: the clean base account, optional recorded files left
//! out, and `account.mismatch` (a recording of another account stops every other rule).

use super::case::{Case, ID, NOW, smce_guard_in_case, user};
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
