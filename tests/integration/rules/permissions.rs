//! `deployer.excess-permission` and `deployer.missing-permission` judged in-process: the
//! permission matcher at its boundaries (wildcards, case, `NotAction`/`NotResource`, conditions,
//! `Deny`) through inline, managed, group and URL-encoded documents.

use super::case::{
    CLUSTER, Case, DEPLOYER, POLICY, allow, doc, group, inline, managed, managed_arn, url_encode,
};
use super::expect;
use serde_json::{Value, json};

const EXCESS: &str = "error deployer.excess-permission hub-continuous-deployer @11";
const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @11";
const EXCESS_UNCERTAIN: &str = "warning deployer.excess-permission hub-continuous-deployer @11";
const DENIED: &str = "error deployer.denied hub-continuous-deployer @11";

/// The base account with the deployer's inline policy replaced by one holding `statements`.
pub(super) fn deployer_with(statements: Value) -> Case {
    let mut case = Case::base();
    case.deployer_inline(json!([inline("eks-readonly", doc(statements))]));
    case
}

#[test]
fn excess_action_wildcard_on_the_cluster() {
    let judged = deployer_with(json!([allow(json!("eks:*"), json!(CLUSTER))])).judge();
    expect(&judged, 1, &[EXCESS]);
    let finding = judged.only("deployer.excess-permission");
    assert_eq!(finding["details"]["policy"], "inline policy `eks-readonly`");
    assert_eq!(finding["details"]["statement"], "statement #0");
    // The same facts as fields, for programs: where the statement comes from, which it is, and
    // what it grants.
    assert_eq!(
        finding["details"]["source"],
        json!({"source_kind": "user-inline", "group": null, "policy_name": "eks-readonly"})
    );
    assert_eq!(finding["details"]["statement_index"], 0);
    assert_eq!(finding["details"]["sid"], Value::Null);
    assert_eq!(finding["details"]["actions"], json!(["eks:*"]));
    assert_eq!(finding["details"]["not_action"], false);
    assert_eq!(finding["details"]["resources"], json!([CLUSTER]));
    assert_eq!(finding["details"]["not_resource"], false);
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("eks:* on arn:aws:eks:us-west-2:111122223333:cluster/acme"),
        "{finding}"
    );
}

#[test]
fn excess_resource_star() {
    expect(
        &deployer_with(json!([allow(json!("eks:DescribeCluster"), json!("*"))])).judge(),
        1,
        &[EXCESS],
    );
}

#[test]
fn excess_one_action_of_several_and_one_resource_of_several() {
    let actions = deployer_with(json!([allow(
        json!(["eks:DescribeCluster", "eks:ListClusters"]),
        json!(CLUSTER)
    )]));
    expect(&actions.judge(), 1, &[EXCESS]);
    let other = "arn:aws:eks:us-west-2:111122223333:cluster/other";
    let resources = deployer_with(json!([allow(
        json!("eks:DescribeCluster"),
        json!([CLUSTER, other])
    )]));
    expect(&resources.judge(), 1, &[EXCESS]);
}

#[test]
fn excess_statement_wildcards_need_an_entry_that_covers_them() {
    // `eks:Describe*` and `eks:DescribeCluste?` could match more than `eks:DescribeCluster`.
    for action in ["eks:Describe*", "eks:DescribeCluste?", "eks:*Cluster"] {
        let case = deployer_with(json!([allow(json!(action), json!(CLUSTER))]));
        expect(&case.judge(), 1, &[EXCESS]);
    }
    // A cluster wildcard in the statement is not covered by one cluster.
    let case = deployer_with(json!([allow(
        json!("eks:DescribeCluster"),
        json!("arn:aws:eks:us-west-2:111122223333:cluster/*")
    )]));
    expect(&case.judge(), 1, &[EXCESS]);
}

/// Allow `eks:Describe*` on every cluster of the account; statement 0 grants exactly that (so
/// nothing is missing), statement 1 is the one under test.
fn describe_any_cluster_with(action: &str, resource: &str) -> Case {
    let clusters = "arn:aws:eks:us-west-2:111122223333:cluster/*";
    let mut case = deployer_with(json!([
        allow(json!("eks:Describe*"), json!(clusters)),
        allow(json!(action), json!(resource))
    ]));
    case.policy = POLICY
        .replace("- action: eks:DescribeCluster", "- action: eks:Describe*")
        .replace("cluster/acme\n", "cluster/*\n");
    case
}

#[test]
fn within_when_the_entry_covers_every_match_of_the_statement() {
    for (action, resource) in [
        ("eks:DescribeCluster", CLUSTER),
        ("eks:Describe*", CLUSTER),
        (
            "eks:DescribeCluste?",
            "arn:aws:eks:us-west-2:111122223333:cluster/*",
        ),
        (
            "EKS:describe*",
            "arn:aws:eks:us-west-2:111122223333:cluster/ac?e",
        ),
        (
            "eks:describenodegroup",
            "arn:aws:eks:us-west-2:111122223333:cluster/other",
        ),
    ] {
        let judged = describe_any_cluster_with(action, resource).judge();
        assert_eq!(
            (judged.lines(), judged.code),
            (vec![], 0),
            "{action} on {resource}:\n{judged:#?}"
        );
    }
}

#[test]
fn excess_when_the_statement_could_match_more_than_the_entry() {
    for (action, resource) in [
        ("eks:*", CLUSTER),
        ("eks:*Cluster", CLUSTER),
        ("eks:Describe*", "*"),
        ("eks:Describe*", "arn:aws:eks:us-west-2:*:cluster/*"),
        (
            "eks:DescribeCluster",
            "arn:aws:eks:us-west-2:111122223333:*",
        ),
    ] {
        let judged = describe_any_cluster_with(action, resource).judge();
        assert_eq!(
            (judged.lines(), judged.code),
            (vec![EXCESS.to_owned()], 1),
            "{action} on {resource}:\n{judged:#?}"
        );
        assert_eq!(
            judged.only("deployer.excess-permission")["details"]["statement"],
            "statement #1"
        );
    }
}

#[test]
fn within_with_a_question_mark_entry_and_any_case() {
    expect(
        &deployer_with(json!([allow(json!("EKS:describecluster"), json!(CLUSTER))])).judge(),
        0,
        &[],
    );
    let mut case = deployer_with(json!([allow(json!("eks:DescribeCluste?"), json!(CLUSTER))]));
    expect(&case.judge(), 1, &[EXCESS]);
    case.policy = POLICY.replace(
        "- action: eks:DescribeCluster",
        "- action: eks:DescribeCluste?",
    );
    expect(&case.judge(), 0, &[]);
}

#[test]
fn within_when_allow_declares_resource_star() {
    let mut case = deployer_with(json!([allow(json!("eks:DescribeCluster"), json!("*"))]));
    case.policy = POLICY.replace(
        "resource: arn:aws:eks:us-west-2:111122223333:cluster/acme",
        "resource: \"*\"",
    );
    expect(&case.judge(), 0, &[]);
}

#[test]
fn excess_eks_star_is_allowed_only_by_an_eks_star_entry() {
    let mut case = deployer_with(json!([allow(json!("eks:*"), json!(CLUSTER))]));
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:*");
    expect(&case.judge(), 0, &[]);
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:Describe*");
    expect(&case.judge(), 1, &[EXCESS]);
}

#[test]
fn not_action_and_not_resource_always_exceed() {
    // NotAction: everything but IAM, on the cluster. It still grants DescribeCluster, so nothing is missing.
    let not_action = json!([{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": CLUSTER}]);
    expect(&deployer_with(not_action).judge(), 1, &[EXCESS]);
    // Even one that excludes a single action, on the narrowest resource ...
    let mut case = deployer_with(
        json!([{"Effect": "Allow", "NotAction": "eks:DeleteCluster", "Resource": CLUSTER}]),
    );
    expect(&case.judge(), 1, &[EXCESS]);
    // ... and when `allow` holds `eks:*`, which it does not fully grant either: what is left
    // beyond it is other services' actions on an EKS cluster, which few actions take (a
    // warning that says so).
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:*");
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS_UNCERTAIN, MISSING]);
    assert!(
        judged.only("deployer.excess-permission")["message"]
            .as_str()
            .unwrap()
            .contains("only on resources of another service than the action's"),
        "{judged:#?}"
    );
    let not_resource = json!([{"Effect": "Allow", "Action": "eks:DescribeCluster", "NotResource": "arn:aws:eks:us-west-2:111122223333:cluster/other"}]);
    expect(&deployer_with(not_resource).judge(), 1, &[EXCESS]);
}

#[test]
fn a_grant_on_a_condition_no_recording_knows_is_uncertain_excess() {
    // The runner's address is not known: the grant may hold, a warning that says so.
    let conditional = json!([
        allow(json!("eks:DescribeCluster"), json!(CLUSTER)),
        {"Sid": "OnlyFromVpn", "Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    ]);
    let judged = deployer_with(conditional).judge();
    expect(&judged, 0, &[EXCESS_UNCERTAIN]);
    let finding = judged.only("deployer.excess-permission");
    assert_eq!(finding["details"]["statement"], "statement `OnlyFromVpn`");
    assert_eq!(finding["details"]["certain"], false);
    assert_eq!(finding["details"]["depends_on"], json!(["`aws:SourceIp`"]));
    assert!(
        finding["message"].as_str().unwrap().contains("may grant")
            && finding["message"]
                .as_str()
                .unwrap()
                .contains("`IpAddress aws:SourceIp 10.0.0.0/8`"),
        "{finding}"
    );
    // On a key the CI context fixes, it is decided: never with MFA, always over HTTPS.
    let mfa = json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER)),
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]);
    expect(&deployer_with(mfa).judge(), 0, &[]);
    let https = json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER)),
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]);
    expect(&deployer_with(https).judge(), 1, &[EXCESS]);
}

#[test]
fn deny_everything_beside_the_grant() {
    // A Deny of everything beside the grant is neither excess nor a grant (it is denied).
    let deny = json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER)), {"Effect": "Deny", "Action": "*", "Resource": "*"}]);
    expect(&deployer_with(deny).judge(), 1, &[DENIED]);
    let deny_only =
        json!([{"Effect": "Deny", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]);
    expect(&deployer_with(deny_only).judge(), 1, &[DENIED, MISSING]);
}

#[test]
fn excess_from_an_attached_managed_policy_default_version() {
    let narrow = doc(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))]));
    let broad = doc(json!([allow(json!("s3:GetObject"), json!("*"))]));
    let mut case = Case::base();
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": managed_arn("ci")}]);
    // Default v2 is broad: excess, though v1 is narrow.
    case.policies.push(managed(
        "ci",
        &[("v1", false, narrow.clone()), ("v2", true, broad.clone())],
    ));
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS]);
    assert_eq!(
        judged.only("deployer.excess-permission")["details"]["policy"],
        format!("managed policy `{}`", managed_arn("ci"))
    );
    // Default v1 is narrow: a broad non-default version grants nothing.
    case.policies.pop();
    case.policies
        .push(managed("ci", &[("v1", true, narrow), ("v2", false, broad)]));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn excess_and_grant_through_a_group_managed_policy() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups
        .push(group("ci-deployers", vec![], &[&managed_arn("eks-wide")]));
    case.policies.push(managed(
        "eks-wide",
        &[("v1", true, doc(json!([allow(json!("eks:*"), json!("*"))])))],
    ));
    // It grants DescribeCluster (no missing-permission) and more (excess).
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS]);
    let finding = judged.only("deployer.excess-permission");
    assert_eq!(
        finding["details"]["policy"],
        format!(
            "group `ci-deployers` managed policy `{}`",
            managed_arn("eks-wide")
        )
    );
    assert_eq!(
        finding["details"]["source"],
        json!({"source_kind": "group-managed", "group": "ci-deployers", "policy_arn": managed_arn("eks-wide")})
    );
}

#[test]
fn within_through_a_group_managed_policy() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![],
        &[&managed_arn("eks-readonly")],
    ));
    case.policies.push(managed(
        "eks-readonly",
        &[(
            "v1",
            true,
            doc(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))])),
        )],
    ));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn excess_through_a_group_inline_policy() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![inline(
            "logs",
            doc(json!([allow(json!("logs:PutLogEvents"), json!("*"))])),
        )],
        &[],
    ));
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS]);
    assert_eq!(
        judged.only("deployer.excess-permission")["details"]["policy"],
        "group `ci-deployers` inline policy `logs`"
    );
}

#[test]
fn url_encoded_documents_are_read() {
    // Exactly the grant, URL-encoded as the IAM API sends it: nothing in excess, nothing missing.
    let mut case = Case::base();
    let exact = url_encode(&doc(json!([allow(
        json!("eks:DescribeCluster"),
        json!(CLUSTER)
    )])));
    assert!(exact.as_str().unwrap().starts_with("%7B%22"));
    case.deployer_inline(json!([inline("eks-readonly", exact)]));
    expect(&case.judge(), 0, &[]);
    // An encoded wildcard is seen for what it is.
    case.deployer_inline(json!([inline(
        "eks-readonly",
        url_encode(&doc(json!([allow(json!("eks:*"), json!(CLUSTER))])))
    )]));
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS]);
    assert!(
        judged.only("deployer.excess-permission")["message"]
            .as_str()
            .unwrap()
            .contains("eks:*")
    );
    // Managed policy versions are URL-encoded too.
    let mut case = Case::base();
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": managed_arn("ci")}]);
    case.policies.push(managed(
        "ci",
        &[(
            "v1",
            true,
            url_encode(&doc(json!([allow(json!("sts:AssumeRole"), json!("*"))]))),
        )],
    ));
    expect(&case.judge(), 1, &[EXCESS]);
}

#[test]
fn excess_when_an_attached_managed_policy_is_not_recorded() {
    // AdministratorAccess attached, but the recording has no document for it: unseen grants may
    // be anything, so it is reported rather than assumed harmless.
    let mut case = Case::base();
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": admin}]);
    let judged = case.judge();
    expect(&judged, 1, &[EXCESS]);
    assert_eq!(
        judged.only("deployer.excess-permission")["details"]["policy"],
        admin
    );
}

#[test]
fn excess_when_a_group_managed_policy_is_not_recorded() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![],
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
    ));
    expect(&case.judge(), 1, &[EXCESS]);
}

#[test]
fn missing_permission() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    let judged = case.judge();
    expect(&judged, 1, &[MISSING]);
    let finding = judged.only("deployer.missing-permission");
    assert_eq!(
        finding["details"],
        json!({"action": "eks:DescribeCluster", "resource": CLUSTER, "statements": []})
    );
    // A grant of the wrong actions is both excess and missing.
    let judged = deployer_with(json!([allow(json!("eks:List*"), json!("*"))])).judge();
    expect(&judged, 1, &[EXCESS, MISSING]);
}

#[test]
fn missing_permission_for_the_default_allow() {
    // Without `allow`, the deployer may (and must) DescribeCluster on its own cluster.
    let mut case = Case::base();
    case.policy = POLICY.replace("  allow:\n    - action: eks:DescribeCluster\n      resource: arn:aws:eks:us-west-2:111122223333:cluster/acme\n", "");
    expect(&case.judge(), 0, &[]);
    case.deployer_inline(json!([inline(
        "eks-readonly",
        doc(json!([allow(
            json!("eks:DescribeCluster"),
            json!("arn:aws:eks:us-west-2:111122223333:cluster/other")
        )]))
    )]));
    let judged = case.judge();
    // Both point at `deployer` (line 6): the policy does not spell out `allow`.
    expect(
        &judged,
        1,
        &[
            "error deployer.excess-permission hub-continuous-deployer @7",
            "error deployer.missing-permission hub-continuous-deployer @7",
        ],
    );
    assert_eq!(
        judged.only("deployer.missing-permission")["details"]["resource"],
        CLUSTER
    );
}
