//! `key.*` and `password.*` judged in-process at their exact boundaries (one second either side
//! of the warning window and of expiry), from `access-keys.json` or the credential report.

use super::case::{Case, Override, POLICY, RECENT, key, row, user};
use super::expect;
use serde_json::json;

// A credential created at CREATED expires at 2026-10-31T00:00:00Z (60 × 24 h later); the warning
// window (15 × 24 h) opens at 2026-10-16T00:00:00Z.
pub(super) const CREATED: &str = "2026-09-01T00:00:00Z";

/// The base account where alice holds one active key created at [`CREATED`].
pub(super) fn alice_with_key() -> Case {
    let mut case = Case::base();
    case.keys
        .as_mut()
        .unwrap()
        .push(key("alice", "AKIAALICE0000000001", "Active", CREATED));
    // The report lists it too (slot 1), with its last use: recently, unless a case says not.
    case.row("alice").keys[0] = Some((true, CREATED.into()));
    case
}

#[test]
fn key_fresh_one_second_before_the_warning_window() {
    expect(&alice_with_key().judge_at("2026-10-15T23:59:59Z"), 0, &[]);
}

#[test]
fn key_expiring_from_the_warning_window_until_expiry() {
    let case = alice_with_key();
    let judged = case.judge_at("2026-10-16T00:00:00Z");
    expect(&judged, 0, &["warning key.expiring alice @16"]);
    let details = &judged.only("key.expiring")["details"];
    assert_eq!(
        (
            &details["key_id"],
            &details["expires_at"],
            &details["days_left"]
        ),
        (
            &json!("AKIAALICE0000000001"),
            &json!("2026-10-31T00:00:00Z"),
            &json!(15)
        )
    );
    let judged = case.judge_at("2026-10-30T23:59:59Z");
    expect(&judged, 0, &["warning key.expiring alice @16"]);
    assert_eq!(judged.only("key.expiring")["details"]["days_left"], 0);
}

#[test]
fn key_expired_at_and_past_expiry() {
    let case = alice_with_key();
    let judged = case.judge_at("2026-10-31T00:00:00Z");
    expect(&judged, 1, &["error key.expired alice @15"]);
    assert_eq!(judged.only("key.expired")["details"]["days_left"], 0);
    let judged = case.judge_at("2026-11-02T00:00:00Z");
    expect(&judged, 1, &["error key.expired alice @15"]);
    assert_eq!(judged.only("key.expired")["details"]["days_left"], -2);
    // Whole days, toward zero as every command counts them: 2.5 days past expiry is -2.
    assert_eq!(
        case.judge_at("2026-11-02T12:00:00Z").only("key.expired")["details"]["days_left"],
        -2
    );
}

#[test]
fn key_expired_message_at_the_expiry_instant() {
    let judged = alice_with_key().judge_at("2026-10-31T00:00:00Z");
    let message = judged.only("key.expired")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("expired") && !message.contains("expires in"),
        "{message}"
    );
}

#[test]
fn key_windows_follow_the_policy() {
    // max_age_days 30, warn_days 5: expires 2026-10-01T00:00:00Z, warned from 2026-09-26T00:00:00Z.
    let mut case = alice_with_key();
    case.policy = POLICY
        .replace("max_age_days: 60", "max_age_days: 30")
        .replace("warn_days: 15", "warn_days: 5");
    expect(&case.judge_at("2026-09-25T23:59:59Z"), 0, &[]);
    expect(
        &case.judge_at("2026-09-26T00:00:00Z"),
        0,
        &["warning key.expiring alice @16"],
    );
    expect(
        &case.judge_at("2026-10-01T00:00:00Z"),
        1,
        &["error key.expired alice @15"],
    );
}

#[test]
fn inactive_old_key_never_counts() {
    let mut case = Case::base();
    case.keys.as_mut().unwrap().push(key(
        "alice",
        "AKIAALICE0000000001",
        "Inactive",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn access_keys_json_wins_over_the_report_for_the_users_it_lists() {
    // The report says alice's slot 1 is active and old; the listing lists her key deleted since
    // (a newer one, listed for her), so the listing wins for her.
    let mut case = Case::base();
    case.row("alice").keys[0] = Some((true, "2025-01-01T00:00:00+00:00".into()));
    case.keys.as_mut().unwrap().push(key(
        "alice",
        "AKIAALICE0000000009",
        "Inactive",
        "2026-11-01T00:00:00Z",
    ));
    expect(&case.judge(), 0, &[]);
    // The report says the key is inactive; ListAccessKeys says it is active and old.
    let mut case = alice_with_key();
    case.row("alice").keys[0] = Some((false, "2026-11-01T00:00:00+00:00".into()));
    let judged = case.judge();
    // The report does not know the active key (no slot of its creation date): its use is not
    // confirmed, and is read as never used.
    expect(
        &judged,
        1,
        &[
            "error key.expired alice @15",
            "warning key.unused alice @14",
        ],
    );
    assert_eq!(
        judged.only("key.expired")["details"]["key_id"],
        "AKIAALICE0000000001"
    );
}

/// A listing that leaves a user out (`aws iam list-access-keys` without `--user-name` lists only
/// the caller's keys) says nothing about that user: the report's keys stand, expired ones
/// included, and the recording is `fixture.partial`, naming whom the listing missed.
#[test]
fn a_user_the_listing_leaves_out_keeps_the_report_keys() {
    let mut case = Case::base();
    case.row("alice").keys[0] = Some((true, "2026-03-01T00:00:00+00:00".into()));
    let judged = case.judge();
    expect(
        &judged,
        1,
        &[
            "warning fixture.partial - @4",
            "error key.expired alice @15",
        ],
    );
    let partial = judged.only("fixture.partial");
    assert_eq!(partial["details"]["users"], json!(["alice"]));
    assert!(
        text(&partial["message"]).contains("leaves out user `alice`"),
        "{partial}"
    );
    let expired = judged.only("key.expired");
    assert_eq!(expired["details"]["key_id"], "access_key_1");
    assert!(
        text(&expired["message"]).contains("204 days ago"),
        "{expired}"
    );
    // A user whose report shows only an inactive key is not missed: no key of theirs expires.
    case.row("alice").keys[0] = Some((false, "2026-03-01T00:00:00+00:00".into()));
    expect(&case.judge(), 0, &[]);
    // Every user the report shows with a key is named, the deployer too, in order.
    let mut case = Case::base();
    case.keys = Some(Vec::new());
    case.row("alice").keys[0] = Some((true, "2026-11-01T00:00:00+00:00".into()));
    let judged = case.judge();
    expect(&judged, 0, &["warning fixture.partial - @4"]);
    assert_eq!(
        judged.only("fixture.partial")["details"]["users"],
        json!(["alice", "hub-continuous-deployer"])
    );
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[test]
fn report_keys_without_access_keys_json() {
    let mut case = Case::base();
    case.keys = None;
    case.row("alice").keys[1] = Some((true, "2026-09-01T00:00:00+00:00".into()));
    let judged = case.judge_at("2026-10-20T00:00:00Z");
    expect(&judged, 0, &["warning key.expiring alice @16"]);
    let details = &judged.only("key.expiring")["details"];
    assert_eq!(
        (
            &details["key_id"],
            &details["report_slot"],
            &details["days_left"]
        ),
        (&json!("access_key_2"), &json!(2), &json!(11))
    );
    // An inactive slot with an old date never counts.
    case.row("alice").keys[1] = Some((false, "2025-01-01T00:00:00+00:00".into()));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn credential_rules_cover_undeclared_users() {
    // Undeclared users are not reported here, but their keys and passwords still are.
    let mut case = Case::base();
    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: ignore");
    case.users.push(user("svc", &[]));
    let mut svc = row("svc");
    svc.password = Some("2025-01-01T00:00:00+00:00".into());
    svc.keys[0] = Some((true, "2025-01-01T00:00:00+00:00".into()));
    case.rows.push(svc);
    case.keys.as_mut().unwrap().push(key(
        "svc",
        "AKIASVC000000000001",
        "Active",
        "2025-01-01T00:00:00Z",
    ));
    expect(
        &case.judge(),
        1,
        &[
            "error key.expired svc @15",
            "error password.expired svc @15",
        ],
    );
}

/// The base account where alice's password was last changed at [`CREATED`].
fn alice_with_password() -> Case {
    let mut case = Case::base();
    case.row("alice").password = Some("2026-09-01T00:00:00+00:00".into());
    case
}

#[test]
fn password_boundaries() {
    let case = alice_with_password();
    expect(&case.judge_at("2026-10-15T23:59:59Z"), 0, &[]);
    let judged = case.judge_at("2026-10-16T00:00:00Z");
    expect(&judged, 0, &["warning password.expiring alice @16"]);
    let details = &judged.only("password.expiring")["details"];
    assert_eq!(
        (&details["expires_at"], &details["days_left"]),
        (&json!("2026-10-31T00:00:00Z"), &json!(15))
    );
    expect(
        &case.judge_at("2026-10-30T23:59:59Z"),
        0,
        &["warning password.expiring alice @16"],
    );
    let judged = case.judge_at("2026-10-31T00:00:00Z");
    expect(&judged, 1, &["error password.expired alice @15"]);
    assert_eq!(judged.only("password.expired")["details"]["days_left"], 0);
}

#[test]
fn disabled_password_never_ages() {
    // password_enabled false with an old password_last_changed: the password is gone.
    let mut case = Case::base();
    let report = case.report().replace(
        &format!("alice,arn:aws:iam::111122223333:user/alice,2025-01-01T00:00:00+00:00,true,{RECENT},2026-10-10T00:00:00+00:00"),
        &format!("alice,arn:aws:iam::111122223333:user/alice,2025-01-01T00:00:00+00:00,false,{RECENT},2025-01-01T00:00:00+00:00"),
    );
    assert!(report.contains(",false,2026-11-19T09:00:00+00:00,2025-01-01T00:00:00+00:00"));
    case.overrides
        .push(("credential-report.csv", Override::Text(report)));
    expect(&case.judge(), 0, &[]);
}
