//! `deployer.denied` judged in-process: a Deny reaching the deployer, or its permissions boundary,
//! takes away an entry of `deployer.allow`; at its boundaries (other actions and clusters,
//! `NotAction`/`NotResource`, conditions, the restricted and disabled groups, variables).

use super::case::{CLUSTER, Case, DEPLOYER, allow, doc, group, inline, managed, managed_arn};
use super::expect;
use super::permissions::deployer_with;
use serde_json::{Value, json};

const DENIED: &str = "error deployer.denied hub-continuous-deployer @11";
const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @11";
const UNCERTAIN: &str = "warning deployer.access-uncertain hub-continuous-deployer @11";

fn readonly() -> Value {
    allow(json!("eks:DescribeCluster"), json!(CLUSTER))
}

fn deny(action: Value, resource: Value) -> Value {
    json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

#[test]
fn eks_readonly_beside_deny_eks_star() {
    let judged = deployer_with(json!([readonly(), deny(json!("eks:*"), json!("*"))])).judge();
    expect(&judged, 1, &[DENIED]);
    let finding = judged.only("deployer.denied");
    assert_eq!(
        finding["message"],
        "inline policy `eks-readonly` statement #1 denies the deployer `hub-continuous-deployer` `eks:DescribeCluster` on `arn:aws:eks:us-west-2:111122223333:cluster/acme`"
    );
    let details = &finding["details"];
    assert_eq!(
        details["source"],
        json!({"source_kind": "user-inline", "group": null, "policy_name": "eks-readonly"})
    );
    assert_eq!(details["statement_index"], 1);
    assert_eq!(details["sid"], Value::Null);
    assert_eq!(details["conditions"], json!([]));
    assert_eq!(details["action"], "eks:DescribeCluster");
    assert_eq!(details["resource"], CLUSTER);
}

#[test]
fn a_deny_of_other_actions_or_clusters_is_not_reported() {
    for (action, resource) in [
        ("eks:List*", "*"),
        ("eks:DeleteCluster", CLUSTER),
        ("eks:*", "arn:aws:eks:us-west-2:111122223333:cluster/other"),
        ("s3:*", "*"),
    ] {
        let judged = deployer_with(json!([readonly(), deny(json!(action), json!(resource))]));
        expect(&judged.judge(), 0, &[]);
    }
    // A wildcard that may meet the entry is enough.
    for (action, resource) in [
        ("eks:Describe*", "*"),
        ("*Cluster", "arn:aws:eks:*:*:cluster/ac*"),
    ] {
        let judged = deployer_with(json!([readonly(), deny(json!(action), json!(resource))]));
        expect(&judged.judge(), 1, &[DENIED]);
    }
}

#[test]
fn not_action_and_not_resource_deny_everything_but_what_they_name() {
    let not_action = |except: &str| json!([readonly(), {"Effect": "Deny", "NotAction": except, "Resource": "*"}]);
    expect(&deployer_with(not_action("eks:*")).judge(), 0, &[]);
    expect(&deployer_with(not_action("iam:*")).judge(), 1, &[DENIED]);
    let not_resource = |except: &str| json!([readonly(), {"Effect": "Deny", "Action": "*", "NotResource": except}]);
    expect(&deployer_with(not_resource(CLUSTER)).judge(), 0, &[]);
    let other = "arn:aws:eks:us-west-2:111122223333:cluster/other";
    expect(&deployer_with(not_resource(other)).judge(), 1, &[DENIED]);
}

#[test]
fn a_conditional_deny_is_reported_with_the_condition_that_applies() {
    // SMCE's MFA policy in a group that is not `groups.restricted`: the deployer signs with an
    // access key, so `aws:MultiFactorAuthPresent` is absent and `BoolIfExists` matches it.
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["ci-guard"]);
    let require_mfa = doc(json!([{
        "Sid": "DenyAllExceptMfaSetupUnlessSignedInWithMFA",
        "Effect": "Deny",
        "NotAction": ["iam:ChangePassword", "iam:EnableMFADevice", "sts:GetSessionToken"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }]));
    case.groups.push(group(
        "ci-guard",
        vec![inline("RequireMFA", require_mfa)],
        &[],
    ));
    let judged = case.judge();
    expect(&judged, 1, &[DENIED]);
    let finding = judged.only("deployer.denied");
    assert_eq!(
        finding["message"],
        "group `ci-guard` inline policy `RequireMFA` statement `DenyAllExceptMfaSetupUnlessSignedInWithMFA` denies the deployer `hub-continuous-deployer` `eks:DescribeCluster` on `arn:aws:eks:us-west-2:111122223333:cluster/acme`: `BoolIfExists aws:MultiFactorAuthPresent false`: `aws:MultiFactorAuthPresent` is absent for CI requests (a long-term access key carries no MFA), and `BoolIfExists` treats an absent key as a match"
    );
    assert_eq!(
        finding["details"]["conditions"],
        json!([{"operator": "BoolIfExists", "key": "aws:MultiFactorAuthPresent", "values": ["false"],
            "holds": "true", "why": "`aws:MultiFactorAuthPresent` is absent for CI requests (a long-term access key carries no MFA), and `BoolIfExists` treats an absent key as a match"}])
    );
    assert_eq!(finding["details"]["source"]["source_kind"], "group-inline");
    assert_eq!(
        finding["details"]["sid"],
        "DenyAllExceptMfaSetupUnlessSignedInWithMFA"
    );
}

#[test]
fn the_restricted_and_disabled_groups_are_reported_once_by_name() {
    // The base account's SMCE-UserRestrictions holds the MFA Deny, AccountDisabled a Deny of all.
    for (group, code) in [
        ("SMCE-UserRestrictions", "deployer.restricted"),
        ("AccountDisabled", "deployer.disabled"),
    ] {
        let mut case = Case::base();
        case.user(DEPLOYER)["GroupList"] = json!([group]);
        expect(
            &case.judge(),
            1,
            &[&format!("error {code} hub-continuous-deployer @8")],
        );
    }
}

#[test]
fn a_deny_only_managed_policy_beside_the_grant() {
    // AWSDenyAll, as AWS publishes it.
    let arn = "arn:aws:iam::aws:policy/AWSDenyAll";
    let mut case = Case::base();
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": arn}]);
    case.policies.push(json!({"PolicyName": "AWSDenyAll", "Arn": arn, "DefaultVersionId": "v1",
        "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
            "Document": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyAll", "Effect": "Deny", "Action": ["*"], "Resource": "*"}]}}]}));
    let judged = case.judge();
    expect(&judged, 1, &[DENIED]);
    let finding = judged.only("deployer.denied");
    assert_eq!(
        finding["details"]["source"],
        json!({"source_kind": "user-managed", "group": null, "policy_arn": arn})
    );
    assert_eq!(finding["details"]["statement"], "statement `DenyAll`");
}

#[test]
fn an_unknown_variable_in_a_deny_makes_the_decision_uncertain() {
    // The Deny takes the cluster only when `aws:SourceIdentity` is `acme`: no recording knows.
    let unknown = "arn:aws:eks:us-west-2:111122223333:cluster/${aws:SourceIdentity}";
    let case = deployer_with(json!([readonly(), deny(json!("eks:*"), json!(unknown))]));
    let judged = case.judge();
    expect(&judged, 0, &[UNCERTAIN]);
    assert!(
        judged.only("deployer.access-uncertain")["message"]
            .as_str()
            .unwrap()
            .contains("`${aws:SourceIdentity}`"),
        "{judged:#?}"
    );
    // A known one is the deployer's own value: its name is not the cluster's.
    let own = "arn:aws:eks:us-west-2:111122223333:cluster/${aws:username}";
    let case = deployer_with(json!([readonly(), deny(json!("eks:*"), json!(own))]));
    expect(&case.judge(), 0, &[]);
    // `${*}` is a literal star, not a wildcard.
    let literal = "arn:aws:eks:us-west-2:111122223333:cluster/ac${*}";
    let case = deployer_with(json!([readonly(), deny(json!("eks:*"), json!(literal))]));
    expect(&case.judge(), 0, &[]);
}

/// The deployer with a permissions boundary: the managed policy `boundary` holding `statements`.
fn bounded(statements: Value) -> Case {
    let mut case = Case::base();
    case.user(DEPLOYER)["PermissionsBoundary"] = json!({
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": managed_arn("boundary"),
    });
    case.policies
        .push(managed("boundary", &[("v1", true, doc(statements))]));
    case
}

#[test]
fn a_permissions_boundary_must_allow_every_entry() {
    // Allowing the entry (or more: a boundary grants nothing by itself) is no finding.
    expect(&bounded(json!([readonly()])).judge(), 0, &[]);
    expect(
        &bounded(json!([allow(json!("eks:*"), json!("*"))])).judge(),
        0,
        &[],
    );
    let judged = bounded(json!([allow(json!("s3:*"), json!("*"))])).judge();
    expect(&judged, 1, &[DENIED]);
    let finding = judged.only("deployer.denied");
    assert_eq!(
        finding["details"]["source"],
        json!({"source_kind": "permissions-boundary", "group": null, "policy_arn": managed_arn("boundary")})
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("permissions boundary `arn:aws:iam::111122223333:policy/boundary` does not allow `eks:DescribeCluster`"),
        "{finding}"
    );
    // Its Deny statements deny like any other.
    let judged = bounded(json!([
        allow(json!("*"), json!("*")),
        deny(json!("eks:*"), json!("*"))
    ]))
    .judge();
    expect(&judged, 1, &[DENIED]);
    assert_eq!(
        judged.only("deployer.denied")["details"]["statement_index"],
        1
    );
}

#[test]
fn a_permissions_boundary_the_recording_lacks_is_reported() {
    let mut case = bounded(json!([readonly()]));
    case.policies.pop();
    let judged = case.judge();
    expect(&judged, 1, &[DENIED]);
    assert_eq!(judged.only("deployer.denied")["details"]["recorded"], false);
}

#[test]
fn denied_and_missing_together() {
    let judged = deployer_with(json!([deny(json!("eks:DescribeCluster"), json!(CLUSTER))]));
    expect(&judged.judge(), 1, &[DENIED, MISSING]);
}
