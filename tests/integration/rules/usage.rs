//! Use and rotation cases judged in-process: `key.unused`, `password.unused`,
//! `deployer.rotation-incomplete`, `deployer.key-unused`, each raised and held back one second
//! either side of `credentials.unused_days` or `deployer.rotation_grace_days`; the root user's
//! key and MFA at each `root` level; and the account's own password policy.
//!
//! The base case's credentials were last used at [`RECENT`]; a case about use sets its own.

use super::case::{Case, DEPLOYER, NOW, Override, POLICY, RECENT, key};
use super::expect;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The base case with credentials that live ten years: the age rules stay out of cases about
/// use (45 days unused is also where a 60-day credential's 15-day warning starts).
fn long_lived() -> Case {
    let mut case = Case::base();
    case.policy = POLICY.replace("max_age_days: 60", "max_age_days: 3650");
    case
}

/// `case` judged at `now`, recorded at that instant (so that it is not stale).
fn fresh(case: &Case, now: &str) -> super::harness::Judged {
    let mut case = case.clone();
    case.snapshot = Some(json!({"account_id": super::case::ID, "captured_at": now}));
    case.judge_at(now)
}

/// `from` plus `days` days plus `seconds` seconds, as `--now` takes it.
fn after(from: &str, days: i64, seconds: i64) -> String {
    (at(from) + SignedDuration::from_hours(24 * days) + SignedDuration::from_secs(seconds))
        .to_string()
}

/// alice with an active key created at `created`, in the report's slot 1 with `used` as its last
/// use (`None`: never).
fn alice_key(created: &str, used: Option<&str>) -> Case {
    let mut case = long_lived();
    case.keys
        .as_mut()
        .unwrap()
        .push(key("alice", "AKIAALICE0000000001", "Active", created));
    let row = case.row("alice");
    row.keys[0] = Some((true, created.into()));
    row.keys_used[0] = used.map(Into::into);
    case
}

#[test]
fn key_unused_after_unused_days_since_last_use() {
    let last = "2026-10-01T00:00:00Z";
    let case = alice_key("2026-09-30T00:00:00Z", Some(last));
    expect(&fresh(&case, &after(last, 45, -1)), 0, &[]);
    let judged = fresh(&case, &after(last, 45, 0));
    expect(&judged, 0, &["warning key.unused alice @14"]);
    let finding = judged.only("key.unused");
    assert_eq!(finding["details"]["last_used"], "2026-10-01T00:00:00Z");
    assert_eq!(finding["details"]["idle_days"], 45);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("last used 45 days ago")
    );
    // `credentials.unused_days` moves the line.
    let mut longer = case.clone();
    longer.policy = longer
        .policy
        .replace("  warn_days: 15\n", "  warn_days: 15\n  unused_days: 46\n");
    expect(&fresh(&longer, &after(last, 45, 0)), 0, &[]);
}

#[test]
fn key_never_used_counts_from_its_creation() {
    let created = "2026-10-01T00:00:00Z";
    let case = alice_key(created, None);
    expect(&fresh(&case, &after(created, 45, -1)), 0, &[]);
    let judged = fresh(&case, &after(created, 45, 0));
    expect(&judged, 0, &["warning key.unused alice @14"]);
    assert!(
        judged.only("key.unused")["message"]
            .as_str()
            .unwrap()
            .contains("has never been used since it was created 45 days ago"),
        "{judged:#?}"
    );
}

#[test]
fn password_unused_after_unused_days_or_never_used() {
    // alice's password was changed 2026-10-10.
    let mut case = long_lived();
    let last = "2026-10-05T12:00:00Z";
    case.row("alice").password_used = Some(last.into());
    expect(&fresh(&case, &after(last, 45, -1)), 0, &[]);
    expect(
        &fresh(&case, &after(last, 45, 0)),
        0,
        &["warning password.unused alice @14"],
    );
    case.row("alice").password_used = None;
    let changed = "2026-10-10T00:00:00Z";
    expect(&fresh(&case, &after(changed, 45, -1)), 0, &[]);
    expect(
        &fresh(&case, &after(changed, 45, 0)),
        0,
        &["warning password.unused alice @14"],
    );
}

/// The deployer mid-rotation: the base key (2026-10-10) and a newer one created at `newer`,
/// report slots 1 and 2 with the given last uses.
fn rotation(newer: &str, older_used: Option<&str>, newer_used: Option<&str>) -> Case {
    let mut case = long_lived();
    case.policy = case.policy.replace("active_keys: 1", "active_keys: 2");
    case.keys
        .as_mut()
        .unwrap()
        .push(key(DEPLOYER, "AKIADEPLOYER0000002", "Active", newer));
    let row = case.row(DEPLOYER);
    row.keys[1] = Some((true, newer.into()));
    row.keys_used = [older_used.map(Into::into), newer_used.map(Into::into)];
    case
}

#[test]
fn rotation_incomplete_when_ci_never_used_the_newer_key() {
    let newer = "2026-11-15T00:00:00Z";
    let case = rotation(newer, Some("2026-11-14T00:00:00Z"), None);
    // Within the one-day grace: CI may not have deployed yet.
    expect(&fresh(&case, &after(newer, 1, -1)), 0, &[]);
    let judged = fresh(&case, &after(newer, 1, 0));
    expect(
        &judged,
        1,
        &["error deployer.rotation-incomplete hub-continuous-deployer @7"],
    );
    let finding = judged.only("deployer.rotation-incomplete");
    assert_eq!(finding["details"]["older_key_id"], "AKIADEPLOYER0000001");
    assert_eq!(finding["details"]["newer_key_id"], "AKIADEPLOYER0000002");
    assert_eq!(
        finding["details"]["newer_last_used"],
        serde_json::Value::Null
    );
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains(
            "AKIADEPLOYER0000001 (created 2026-10-10T00:00:00Z, last used 2026-11-14T00:00:00Z)"
        ) && message.contains("CI has never used the newer key AKIADEPLOYER0000002"),
        "{message}"
    );
    // `deployer.rotation_grace_days` moves the line.
    let mut patient = case.clone();
    patient.policy = patient.policy.replace(
        "  active_keys: 2\n",
        "  active_keys: 2\n  rotation_grace_days: 3\n",
    );
    expect(&fresh(&patient, &after(newer, 1, 0)), 0, &[]);
}

#[test]
fn rotation_incomplete_when_the_older_key_is_used_after_the_grace() {
    let newer = "2026-11-10T00:00:00Z";
    // Both used; the older last used one second inside the grace: CI moved in time.
    let settled = after(newer, 1, 0);
    let case = rotation(newer, Some(&after(newer, 1, -1)), Some(RECENT));
    expect(&case.judge(), 0, &[]);
    // Used one second after the grace: something still holds it.
    let case = rotation(newer, Some(&after(newer, 1, 1)), Some(RECENT));
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error deployer.rotation-incomplete hub-continuous-deployer @7"],
    );
    assert!(
        judged.only("deployer.rotation-incomplete")["message"]
            .as_str()
            .unwrap()
            .contains("the older key AKIADEPLOYER0000001 was used after the newer was created"),
        "{settled}"
    );
}

#[test]
fn deployer_key_unused_when_ci_never_used_its_only_key() {
    let created = "2026-11-15T00:00:00Z";
    let mut case = long_lived();
    case.keys.as_mut().unwrap()[0]["CreateDate"] = json!(created);
    let row = case.row(DEPLOYER);
    row.keys[0] = Some((true, created.into()));
    row.keys_used[0] = None;
    expect(&fresh(&case, &after(created, 1, -1)), 0, &[]);
    expect(
        &fresh(&case, &after(created, 1, 0)),
        0,
        &["warning deployer.key-unused hub-continuous-deployer @8"],
    );
    // Used once, long ago: the same after `unused_days`.
    let last = "2026-11-16T00:00:00Z";
    case.row(DEPLOYER).keys_used[0] = Some(last.into());
    expect(&fresh(&case, &after(last, 45, -1)), 0, &[]);
    expect(
        &fresh(&case, &after(last, 45, 0)),
        0,
        &["warning deployer.key-unused hub-continuous-deployer @8"],
    );
    // The deployer's keys are never `key.unused`: for CI, unused means something else.
    assert!(
        !case
            .judge_at(&after(last, 45, 0))
            .lines()
            .iter()
            .any(|l| l.contains("key.unused alice"))
    );
}

/// The base case with the report's root row replaced.
fn with_root(mfa: bool, key_active: bool) -> Case {
    let mut case = Case::base();
    let report = case.report().replace(
        ",not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,",
        &format!(",not_supported,not_supported,{mfa},{key_active},2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,"),
    );
    assert_ne!(report, case.report(), "the root row is replaced");
    case.overrides
        .push(("credential-report.csv", Override::Text(report)));
    case
}

#[test]
fn root_key_and_mfa_at_the_policy_s_level() {
    expect(&with_root(true, false).judge(), 0, &[]);
    let case = with_root(false, true);
    expect(
        &case.judge(),
        0,
        &[
            "warning root.access-key - @1",
            "warning root.mfa-missing - @1",
        ],
    );
    let mut strict = case.clone();
    strict.policy = format!("{POLICY}root: error\n");
    expect(
        &strict.judge(),
        1,
        &[
            "error root.access-key - @19",
            "error root.mfa-missing - @19",
        ],
    );
    let mut quiet = case;
    quiet.policy = format!("{POLICY}root: ignore\n");
    expect(&quiet.judge(), 0, &[]);
}

#[test]
fn the_account_s_password_policy_agrees_with_max_age_days() {
    let mut case = Case::base();
    case.password_policy = Some(
        json!({"PasswordPolicy": {"MinimumPasswordLength": 14, "ExpirePasswords": true, "MaxPasswordAge": 60}}),
    );
    expect(&case.judge(), 0, &[]);
    case.password_policy = Some(
        json!({"PasswordPolicy": {"MinimumPasswordLength": 14, "ExpirePasswords": true, "MaxPasswordAge": 90}}),
    );
    let judged = case.judge();
    expect(&judged, 0, &["warning account.password-policy - @15"]);
    assert_eq!(
        judged.only("account.password-policy")["details"]["max_password_age"],
        90
    );
    // No policy, or one that never expires passwords, sets no age to disagree with.
    case.password_policy = Some(json!({"PasswordPolicy": null}));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn a_password_expires_at_the_earlier_of_max_age_and_the_report_s_next_rotation() {
    // alice's password was changed 2026-10-10: by age it expires 2026-12-09.
    let mut case = Case::base();
    let report = case.report();
    let next = "2026-11-25T00:00:00+00:00";
    let rotated = report.replacen(
        "2026-10-10T00:00:00+00:00,N/A,true",
        &format!("2026-10-10T00:00:00+00:00,{next},true"),
        1,
    );
    assert_ne!(rotated, report);
    case.overrides
        .push(("credential-report.csv", Override::Text(rotated)));
    let judged = case.judge_at(NOW);
    expect(&judged, 0, &["warning password.expiring alice @16"]);
    let details = &judged.only("password.expiring")["details"];
    assert_eq!(details["expires_at"], "2026-11-25T00:00:00Z");
    assert_eq!(details["expires_by"], "password_next_rotation");
    // Without it, max_age_days sets the date, and says so.
    let judged = fresh(&Case::base(), "2026-11-25T00:00:00Z");
    expect(
        &judged,
        0,
        &[
            "warning key.expiring hub-continuous-deployer @16",
            "warning password.expiring alice @16",
        ],
    );
    assert_eq!(
        judged.only("password.expiring")["details"]["expires_by"],
        "max_age_days"
    );
}

#[test]
fn unused_rules_keep_quiet_without_last_use_columns() {
    // A report trimmed of its last-use columns (an older recording): use is unknown, not never.
    let case = alice_key("2026-01-01T00:00:00Z", None);
    let mut trimmed = case.clone();
    let report = case.report();
    let header: Vec<&str> = report.lines().next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !header[i].contains("last_used") && header[i] != "password_next_rotation")
        .collect();
    let text: String = report
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            keep.iter()
                .map(|&i| fields[i])
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    trimmed
        .overrides
        .push(("credential-report.csv", Override::Text(text)));
    let unused = fresh(&case, "2026-11-20T09:00:00Z");
    assert!(
        unused
            .lines()
            .iter()
            .any(|l| l.contains("key.unused alice")),
        "{unused:#?}"
    );
    let quiet = fresh(&trimmed, "2026-11-20T09:00:00Z");
    assert!(
        !quiet.lines().iter().any(|l| l.contains("unused")),
        "{quiet:#?}"
    );
}
