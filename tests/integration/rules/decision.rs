//! The permission rules from IAM's decision in the CI request's context (issue 19): the kinds
//! of disagreement measured against an independent simulator, one case each. An Allow whose
//! condition a key-signed call never meets grants nothing (`deployer.missing-permission`, naming
//! the condition and why); a Deny whose condition it never meets denies nothing, while the
//! classic `BoolIfExists aws:MultiFactorAuthPresent false` still denies (`deployer.denied`); a
//! boundary or Deny statements that confine a wide grant leave no excess; a decision that turns
//! on what no recording knows is `deployer.access-uncertain`, until `deployer.context` pins it.

use super::case::{CLUSTER, Case, DEPLOYER, POLICY, allow, doc, managed, managed_arn};
use super::expect;
use super::permissions::deployer_with;
use serde_json::{Value, json};

const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @11";
const DENIED: &str = "error deployer.denied hub-continuous-deployer @11";
const EXCESS: &str = "error deployer.excess-permission hub-continuous-deployer @11";
const EXCESS_UNCERTAIN: &str = "warning deployer.excess-permission hub-continuous-deployer @11";
const UNCERTAIN: &str = "warning deployer.access-uncertain hub-continuous-deployer @11";

fn readonly() -> Value {
    allow(json!("eks:DescribeCluster"), json!(CLUSTER))
}

/// The deployer's grant of DescribeCluster on the cluster under `condition`.
fn grant_when(condition: Value) -> Case {
    deployer_with(
        json!([{"Sid": "Describe", "Effect": "Allow", "Action": "eks:DescribeCluster",
        "Resource": CLUSTER, "Condition": condition}]),
    )
}

/// The grant beside a Deny of everything under `condition`.
fn deny_when(condition: Value) -> Case {
    deployer_with(
        json!([readonly(), {"Sid": "Guard", "Effect": "Deny", "Action": "*",
        "Resource": "*", "Condition": condition}]),
    )
}

/// `case` with `deployer.context` pinning `key` to `values` (after `active_keys`, so the lines
/// the findings point at stay where they are).
fn pinned(mut case: Case, key: &str, values: &[&str]) -> Case {
    let list = values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ");
    case.policy = case.policy.replace(
        "  active_keys: 1\n",
        &format!("  active_keys: 1\n  context:\n    - key: {key}\n      values: [{list}]\n"),
    );
    case
}

#[test]
fn an_allow_whose_condition_a_key_signed_call_never_meets_grants_nothing() {
    for condition in [
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
        json!({"StringNotEquals": {"aws:username": DEPLOYER}}),
        json!({"ForAnyValue:StringEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}}),
        json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
        json!({"Bool": {"aws:ViaAWSService": "true"}}),
        json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        json!({"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
    ] {
        let judged = grant_when(condition.clone()).judge();
        expect(&judged, 1, &[MISSING]);
        let message = judged.only("deployer.missing-permission")["message"].clone();
        assert!(
            message
                .as_str()
                .unwrap()
                .contains("inline policy `eks-readonly` statement `Describe` applies only if"),
            "{condition}: {message}"
        );
    }
    // The message names the condition and why it fails.
    let judged = grant_when(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})).judge();
    let finding = judged.only("deployer.missing-permission");
    assert_eq!(
        finding["message"],
        "no Allow statement grants the deployer `hub-continuous-deployer` `eks:DescribeCluster` on `arn:aws:eks:us-west-2:111122223333:cluster/acme`: inline policy `eks-readonly` statement `Describe` applies only if `Bool aws:MultiFactorAuthPresent true`: `aws:MultiFactorAuthPresent` is absent for CI requests (a long-term access key carries no MFA), and `Bool` does not match an absent key"
    );
    assert_eq!(
        finding["details"]["statements"][0]["conditions"][0]["holds"],
        "false"
    );
    // Conditions it meets: the grant stands.
    for condition in [
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"StringEquals": {"aws:PrincipalType": "User", "aws:username": DEPLOYER}}),
        json!({"Null": {"aws:MultiFactorAuthAge": "true"}}),
        json!({"ForAllValues:StringEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}}),
        json!({"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}),
        json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}}),
        json!({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
        json!({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}),
        json!({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}),
    ] {
        expect(&grant_when(condition).judge(), 0, &[]);
    }
}

#[test]
fn a_deny_whose_condition_a_key_signed_call_never_meets_denies_nothing() {
    for condition in [
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"Bool": {"aws:ViaAWSService": "true"}}),
        json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        json!({"StringEquals": {"aws:PrincipalTag/team": "other"}}),
        json!({"Bool": {"aws:SecureTransport": "false"}}),
    ] {
        expect(&deny_when(condition).judge(), 0, &[]);
    }
    // The same Denies where the call meets them.
    let mut tagged = deny_when(json!({"StringEquals": {"aws:PrincipalTag/team": "other"}}));
    tagged.user(DEPLOYER)["Tags"] = json!([{"Key": "team", "Value": "other"}]);
    expect(&tagged.judge(), 1, &[DENIED]);
    expect(
        &deny_when(json!({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}})).judge(),
        1,
        &[DENIED],
    );
    // SMCE's pattern keeps denying, and says why.
    let judged =
        deny_when(json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})).judge();
    expect(&judged, 1, &[DENIED]);
    assert!(
        judged.only("deployer.denied")["message"].as_str().unwrap().ends_with(
            "`aws:MultiFactorAuthPresent` is absent for CI requests (a long-term access key carries no MFA), and `BoolIfExists` treats an absent key as a match"
        )
    );
}

/// The deployer granted `eks:*` on every resource, and `extra` statements beside it.
fn wide_with(extra: Value) -> Case {
    let mut statements = vec![allow(json!("eks:*"), json!("*"))];
    statements.extend(extra.as_array().cloned().unwrap_or_default());
    deployer_with(Value::Array(statements))
}

#[test]
fn a_boundary_or_denies_that_confine_a_wide_grant_leave_no_excess() {
    // Alone, `eks:*` on every resource is excess, with an example the reader knows.
    let judged = wide_with(json!([])).judge();
    expect(&judged, 1, &[EXCESS]);
    assert!(
        judged.only("deployer.excess-permission")["details"]["example"]["action"]
            .as_str()
            .unwrap()
            .starts_with("eks:"),
        "{judged:#?}"
    );
    // A boundary allowing only the declared entry confines it.
    let mut bounded = wide_with(json!([]));
    bounded.user(DEPLOYER)["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": managed_arn("ci-boundary")});
    bounded.policies.push(managed(
        "ci-boundary",
        &[("v1", true, doc(json!([readonly()])))],
    ));
    expect(&bounded.judge(), 0, &[]);
    // So do unconditional Denies of every other action, and of the action elsewhere.
    let confined = wide_with(json!([
        {"Effect": "Deny", "NotAction": "eks:DescribeCluster", "Resource": "*"},
        {"Effect": "Deny", "Action": "eks:DescribeCluster", "NotResource": CLUSTER},
    ]));
    expect(&confined.judge(), 0, &[]);
    // A Deny of part of the rest leaves the rest.
    let partly = wide_with(json!([{"Effect": "Deny", "Action": "eks:Delete*", "Resource": "*"}]));
    expect(&partly.judge(), 1, &[EXCESS]);
    // A Deny that may not apply to CI requests confines nothing for sure: a warning.
    let perhaps = wide_with(json!([
        {"Effect": "Deny", "NotAction": "eks:DescribeCluster", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
        {"Effect": "Deny", "Action": "eks:DescribeCluster", "NotResource": CLUSTER},
    ]));
    let judged = perhaps.judge();
    expect(&judged, 0, &[EXCESS_UNCERTAIN]);
    assert_eq!(
        judged.only("deployer.excess-permission")["details"]["depends_on"],
        json!(["`aws:PrincipalOrgID`"])
    );
}

#[test]
fn a_decision_that_turns_on_what_no_recording_knows_is_uncertain() {
    let judged = grant_when(json!({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})).judge();
    expect(&judged, 0, &[UNCERTAIN]);
    let finding = judged.only("deployer.access-uncertain");
    assert_eq!(finding["details"]["keys"][0]["key"], "aws:SourceIp");
    assert_eq!(
        finding["details"]["outcomes"],
        json!(["allowed", "implicitly denied"])
    );
    // The values that deny: absence, and addresses outside the range.
    let denying = finding["details"]["keys"][0]["denying"]
        .as_array()
        .unwrap()
        .clone();
    assert!(denying.contains(&Value::Null), "{finding}");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("`aws:SourceIp` (denied when it is absent"),
        "{finding}"
    );
    for condition in [
        json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        json!({"StringEquals": {"aws:ResourceTag/env": "prod"}}),
        json!({"StringLike": {"aws:UserAgent": "aws-cli/*"}}),
        json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}),
        json!({"Null": {"aws:SourceVpc": "true"}}),
    ] {
        expect(&deny_when(condition.clone()).judge(), 0, &[UNCERTAIN]);
    }
}

#[test]
fn pinned_context_decides_what_it_fixes() {
    let from_runners = || grant_when(json!({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}));
    // Every runner address inside the range: known to hold.
    expect(
        &pinned(from_runners(), "aws:SourceIp", &["192.0.2.0/25"]).judge(),
        0,
        &[],
    );
    expect(
        &pinned(
            from_runners(),
            "aws:SourceIp",
            &["192.0.2.7", "192.0.2.200"],
        )
        .judge(),
        0,
        &[],
    );
    // None inside: known to fail.
    expect(
        &pinned(from_runners(), "aws:SourceIp", &["198.51.100.0/24"]).judge(),
        1,
        &[MISSING],
    );
    // Some inside, some not: still uncertain.
    expect(
        &pinned(from_runners(), "aws:SourceIp", &["192.0.2.0/23"]).judge(),
        0,
        &[UNCERTAIN],
    );
    // The organization: ours, so the guard spares CI; another, so it denies.
    let guard = || deny_when(json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}));
    expect(
        &pinned(guard(), "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]).judge(),
        0,
        &[],
    );
    expect(
        &pinned(guard(), "aws:PrincipalOrgID", &["o-zzzzzzzzzz"]).judge(),
        1,
        &[DENIED],
    );
    // Absent (no values): a negated test matches.
    expect(
        &pinned(guard(), "aws:PrincipalOrgID", &[]).judge(),
        1,
        &[DENIED],
    );
}

#[test]
fn pinning_a_key_the_ci_context_fixes_is_refused() {
    let mut case = Case::base();
    case.policy = POLICY.replace(
        "  active_keys: 1\n",
        "  active_keys: 1\n  context:\n    - key: aws:MultiFactorAuthPresent\n      values: [\"true\"]\n    - key: AWS:SourceIp\n      values: [runner-1]\n    - key: aws:sourceip\n      values: []\n",
    );
    let judged = case.judge();
    let lines = judged.lines();
    assert_eq!(
        lines,
        vec![
            "error policy.invalid-value - @15",
            "error policy.invalid-value - @18",
            "error policy.invalid-value - @19",
        ],
        "{judged:#?}"
    );
    let messages: Vec<&str> = judged
        .findings
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("the CI context fixes it"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("neither an address nor a CIDR range"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("pins `aws:sourceip` twice"),
        "{messages:?}"
    );
}

#[test]
fn who_am_i_is_no_grant() {
    // AWS answers sts:GetCallerIdentity for every signed caller: granting it gives nothing.
    let case = deployer_with(json!([
        readonly(),
        allow(json!("sts:GetCallerIdentity"), json!("*"))
    ]));
    expect(&case.judge(), 0, &[]);
    let answer = case.ask("sts:GetCallerIdentity", "*");
    assert_eq!(answer.outcomes, vec!["allowed"]);
}
