//! Policy variables in the deployer's documents, judged in-process: what the deployer's context
//! fixes is resolved; any other variable matches anything for `deployer.excess-permission` and
//! nothing for `deployer.missing-permission`; version 2008-10-17 reads `${` literally.

use super::case::{Case, DEPLOYER, POLICY, allow, inline};
use super::expect;
use serde_json::{Value, json};

const EXCESS: &str = "error deployer.excess-permission hub-continuous-deployer @11";
const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @11";

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
fn principal_account_is_the_declared_account() {
    let arn = "arn:aws:eks:us-west-2:${aws:PrincipalAccount}:cluster/acme";
    expect(&readonly_on(arn, NEW).judge(), 0, &[]);
    // Read literally, it is no ARN of the account: neither within `allow` nor granting it.
    expect(
        &readonly_on(arn, Some("2008-10-17")).judge(),
        1,
        &[EXCESS, MISSING],
    );
    expect(&readonly_on(arn, None).judge(), 1, &[EXCESS, MISSING]);
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
    // Without `UserId` in the recording the id is unknown: it may be anything, and grants nothing.
    expect(&case.judge(), 1, &[OTHER, EXCESS, MISSING]);
    case.user(DEPLOYER)["UserId"] = json!("AIDAEXAMPLE");
    expect(&case.judge(), 0, &[OTHER]);
}

#[test]
fn an_unknown_variable_may_be_anything_and_grants_nothing() {
    let unknown = "arn:aws:eks:us-west-2:111122223333:cluster/${aws:SourceIdentity}";
    expect(&readonly_on(unknown, NEW).judge(), 1, &[EXCESS, MISSING]);
    // Beside the exact grant it is still excess, and the grant stands.
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
    expect(&judged, 1, &[EXCESS]);
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
