//! The deployer user's own rules judged in-process: missing, restricted, disabled, console access,
//! and `deployer.key-count` (from `access-keys.json` or the credential report).

use super::case::{Case, DEPLOYER, POLICY, key};
use super::expect;
use serde_json::json;

#[test]
fn deployer_missing_stops_the_other_deployer_rules() {
    let mut case = Case::base();
    case.users.retain(|u| u["UserName"] != DEPLOYER);
    // Its report row and key are left behind: no key-count, no permission findings follow.
    expect(
        &case.judge(),
        1,
        &["error deployer.missing hub-continuous-deployer @8"],
    );
}

#[test]
fn no_deployer_declared_and_none_present() {
    let mut case = Case::base();
    case.policy = POLICY.replace(
        "deployer:\n  user: hub-continuous-deployer\n  cluster: acme\n  allow:\n    - action: eks:DescribeCluster\n      resource: arn:aws:eks:us-west-2:111122223333:cluster/acme\n  active_keys: 1\n",
        "",
    );
    case.users.retain(|u| u["UserName"] != DEPLOYER);
    case.rows.retain(|r| r.user != DEPLOYER);
    case.keys = Some(vec![]);
    expect(&case.judge(), 0, &[]);
}

#[test]
fn deployer_restricted() {
    let mut case = Case::base();
    // The group's Deny/NotAction statement is not an excess permission: Deny is never credited.
    case.user(DEPLOYER)["GroupList"] = json!(["SMCE-UserRestrictions"]);
    expect(
        &case.judge(),
        1,
        &["error deployer.restricted hub-continuous-deployer @8"],
    );
}

/// IAM group names ignore case: the policy's `smce-userrestrictions` is the account's
/// `SMCE-UserRestrictions` (on `maap` the policy's spelling once passed the deployer, with the very
/// ✓ the README tells people to look for), and the group's MFA Deny stays `deployer.restricted`'s,
/// not `deployer.denied`'s.
#[test]
fn deployer_restricted_whatever_the_case_of_the_group() {
    let mut case = Case::base();
    case.policy = POLICY.replace(
        "deployer:\n",
        "groups:\n  restricted: smce-userrestrictions\n  disabled: ACCOUNTDISABLED\ndeployer:\n",
    );
    case.user(DEPLOYER)["GroupList"] = json!(["SMCE-UserRestrictions"]);
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error deployer.restricted hub-continuous-deployer @11"],
    );
    let finding = judged.only("deployer.restricted");
    assert_eq!(
        finding["message"],
        "the deployer `hub-continuous-deployer` is in `SMCE-UserRestrictions` (`smce-userrestrictions` in the policy: IAM group names ignore case): its MFA exemption is not in place"
    );
    assert_eq!(finding["details"]["group"], "SMCE-UserRestrictions");
    case.user(DEPLOYER)["GroupList"] = json!(["AccountDisabled"]);
    expect(
        &case.judge(),
        1,
        &["error deployer.disabled hub-continuous-deployer @11"],
    );
}

#[test]
fn deployer_disabled() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["AccountDisabled"]);
    expect(
        &case.judge(),
        1,
        &["error deployer.disabled hub-continuous-deployer @8"],
    );
}

#[test]
fn deployer_console_access() {
    let mut case = Case::base();
    case.row(DEPLOYER).password = Some("2026-11-01T00:00:00+00:00".into());
    expect(
        &case.judge(),
        1,
        &["error deployer.console-access hub-continuous-deployer @8"],
    );
}

#[test]
fn deployer_console_password_also_ages() {
    let mut case = Case::base();
    case.row(DEPLOYER).password = Some("2026-01-01T00:00:00+00:00".into());
    expect(
        &case.judge(),
        1,
        &[
            "error deployer.console-access hub-continuous-deployer @8",
            "error password.expired hub-continuous-deployer @15",
        ],
    );
}

#[test]
fn key_count_error_without_an_active_key() {
    let mut case = Case::base();
    // The report still says slot 1 is active: access-keys.json wins.
    case.keys = Some(vec![key(
        DEPLOYER,
        "AKIADEPLOYER0000001",
        "Inactive",
        "2026-10-10T00:00:00Z",
    )]);
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error deployer.key-count hub-continuous-deployer @13"],
    );
    assert_eq!(
        judged.only("deployer.key-count")["details"],
        json!({"active_keys": [], "expected": 1})
    );
}

#[test]
fn key_count_warning_with_more_active_keys_than_declared() {
    let mut case = Case::base();
    case.keys.as_mut().unwrap().push(key(
        DEPLOYER,
        "AKIADEPLOYER0000002",
        "Active",
        "2026-11-01T00:00:00Z",
    ));
    // A finished rotation but for the old key's deletion: CI moved to the newer key (report slot
    // 2, used since) and stopped using the older one before the newer was created.
    case.row(DEPLOYER).keys[1] = Some((true, "2026-11-01T00:00:00+00:00".into()));
    case.row(DEPLOYER).keys_used[0] = Some("2026-10-31T00:00:00+00:00".into());
    let judged = case.judge();
    expect(
        &judged,
        0,
        &["warning deployer.key-count hub-continuous-deployer @13"],
    );
    assert_eq!(
        judged.only("deployer.key-count")["details"],
        json!({"active_keys": ["AKIADEPLOYER0000001", "AKIADEPLOYER0000002"], "expected": 1})
    );
    // Declared: no finding.
    case.policy = POLICY.replace("active_keys: 1", "active_keys: 2");
    expect(&case.judge(), 0, &[]);
}

#[test]
fn key_count_ignores_an_inactive_old_key() {
    let mut case = Case::base();
    // Inactive and long past max_age_days: neither a second key nor an expired one.
    case.keys.as_mut().unwrap().push(key(
        DEPLOYER,
        "AKIADEPLOYER0000000",
        "Inactive",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn key_count_from_the_report_without_access_keys_json() {
    let mut case = Case::base();
    case.keys = None;
    case.row(DEPLOYER).keys[1] = Some((true, "2026-11-01T00:00:00+00:00".into()));
    // CI moved to the newer key; the older was last used before it was created.
    case.row(DEPLOYER).keys_used[0] = Some("2026-10-31T00:00:00+00:00".into());
    let judged = case.judge();
    expect(
        &judged,
        0,
        &["warning deployer.key-count hub-continuous-deployer @13"],
    );
    assert_eq!(
        judged.only("deployer.key-count")["details"]["active_keys"],
        json!(["access_key_1", "access_key_2"])
    );
}
