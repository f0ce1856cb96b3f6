//! Policy variables in the deployer's documents, judged in-process: what the deployer's context
//! fixes is resolved; any other variable makes the decision uncertain (warnings that say so);
//! version 2008-10-17 reads `${` literally.

use super::case::{Case, DEPLOYER, POLICY, allow, inline};
use super::expect;
use serde_json::{Value, json};

const EXCESS: &str = "error deployer.excess-permission hub-continuous-deployer @11";
const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @11";
const EXCESS_UNCERTAIN: &str = "warning deployer.excess-permission hub-continuous-deployer @11";
const UNCERTAIN: &str = "warning deployer.access-uncertain hub-continuous-deployer @11";

/// The deployer's `eks-readonly` granting DescribeCluster on `resource`, in a document of
/// `version` (none when `None`).
fn readonly_on(resource: &str, version: Option<&str>) -> Case {
    let mut document = json!({"Statement": [allow(json!("eks:DescribeCluster"), json!(resource))]});
    if let Some(version) = version {
        document["Version"] = json!(version);
    }
    let mut case = Case::base();
    case.deployer_inline(json!([inline("eks-readonly", document)]));
    case
}

const NEW: Option<&str> = Some("2012-10-17");

#[test]
fn variables_resolve_only_in_the_resource_portion_of_an_arn() {
    // "You can't use a variable to replace parts of the ARN before the fifth colon, such as the
    // service or account" (IAM policy elements: Variables and tags): no account is named
    // `${aws:PrincipalAccount}`, so the statement names nothing, whatever the version.
    let arn = "arn:aws:eks:us-west-2:${aws:PrincipalAccount}:cluster/acme";
    for version in [NEW, Some("2008-10-17"), None] {
        expect(&readonly_on(arn, version).judge(), 1, &[MISSING]);
    }
    // In the resource portion it is resolved.
    let mut case = readonly_on(
        "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalAccount}",
        NEW,
    );
    case.policy = POLICY.replace("cluster/acme\n", "cluster/111122223333\n");
    expect(&case.judge(), 0, &["warning policy.cluster-mismatch - @12"]);
}

#[test]
fn a_principal_tag_or_its_default() {
    let arn = "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalTag/cluster, 'hub'}";
    let hub = POLICY.replace("cluster/acme\n", "cluster/hub\n");
    // Declaring another cluster than `deployer.cluster` is itself a lint warning.
    const OTHER: &str = "warning policy.cluster-mismatch - @12";
    // Without the tag, the default: the cluster `hub`.
    let mut case = readonly_on(arn, NEW);
    case.policy = hub.clone();
    expect(&case.judge(), 0, &[OTHER]);
    case.policy = POLICY.into();
    expect(&case.judge(), 1, &[EXCESS, MISSING]);
    // With it (any case of its key), the tag's value.
    case.user(DEPLOYER)["Tags"] = json!([{"Key": "Cluster", "Value": "acme"}]);
    expect(&case.judge(), 0, &[]);
    case.policy = hub;
    expect(&case.judge(), 1, &[OTHER, EXCESS, MISSING]);
}

#[test]
fn username_userid_and_type() {
    let mut case = readonly_on(
        "arn:aws:eks:us-west-2:111122223333:cluster/${aws:username}",
        NEW,
    );
    case.policy = POLICY.replace("cluster/acme\n", "cluster/hub-continuous-deployer\n");
    // Declaring another cluster than `deployer.cluster` is itself a lint warning.
    const OTHER: &str = "warning policy.cluster-mismatch - @12";
    expect(&case.judge(), 0, &[OTHER]);
    let mut case = readonly_on(
        "arn:aws:eks:us-west-2:111122223333:cluster/${aws:userid}-${aws:PrincipalType}",
        NEW,
    );
    case.policy = POLICY.replace("cluster/acme\n", "cluster/AIDAEXAMPLE-User\n");
    // Without `UserId` in the recording the id is unknown: the grant may or may not reach the
    // cluster, and may reach others (warnings that say so).
    expect(&case.judge(), 0, &[OTHER, UNCERTAIN, EXCESS_UNCERTAIN]);
    case.user(DEPLOYER)["UserId"] = json!("AIDAEXAMPLE");
    expect(&case.judge(), 0, &[OTHER]);
}

#[test]
fn an_unknown_variable_makes_the_grant_uncertain() {
    let unknown = "arn:aws:eks:us-west-2:111122223333:cluster/${aws:SourceIdentity}";
    let judged = readonly_on(unknown, NEW).judge();
    expect(&judged, 0, &[UNCERTAIN, EXCESS_UNCERTAIN]);
    assert!(
        judged.only("deployer.access-uncertain")["message"]
            .as_str()
            .unwrap()
            .contains("`${aws:SourceIdentity}`"),
        "{judged:#?}"
    );
    // Beside the exact grant it may still reach other clusters, and the grant stands.
    let mut case = Case::base();
    let statements: Value = json!([
        allow(
            json!("eks:DescribeCluster"),
            json!("arn:aws:eks:us-west-2:111122223333:cluster/acme")
        ),
        allow(json!("eks:DescribeCluster"), json!(unknown)),
    ]);
    case.deployer_inline(json!([inline(
        "eks-readonly",
        super::case::doc(statements)
    )]));
    let judged = case.judge();
    expect(&judged, 0, &[EXCESS_UNCERTAIN]);
    assert_eq!(
        judged.only("deployer.excess-permission")["details"]["statement"],
        "statement #1"
    );
}

#[test]
fn escapes_are_literal_characters() {
    // `${$}` is a dollar; `${*}` a star that only a wildcard of `allow` covers.
    let mut case = readonly_on("arn:aws:eks:us-west-2:111122223333:cluster/${$}acme", NEW);
    case.policy = POLICY.replace("cluster/acme\n", "cluster/$acme\n");
    expect(&case.judge(), 0, &[]);
    let mut case = readonly_on("arn:aws:eks:us-west-2:111122223333:cluster/acme${*}", NEW);
    expect(&case.judge(), 1, &[EXCESS, MISSING]);
    case.policy = POLICY.replace("cluster/acme\n", "cluster/acme*\n");
    // Within `cluster/acme*`, but it grants only the cluster named `acme*`, not every `acme...`.
    expect(&case.judge(), 1, &[MISSING]);
}
