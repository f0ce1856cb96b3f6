//! The cases where smce-guard and `@cloud-copilot/iam-simulate` answer differently on purpose,
//! kept as cases of their own: each still shows the simulator's answer (so a new simulator that
//! changes it is noticed) and smce-guard's, with the reason.
//!
//! - Where the simulator contradicts AWS's documentation, smce-guard follows the documentation:
//!   dates given as epoch seconds on one side and ISO 8601 on the other ("IAM JSON policy
//!   elements: Condition operators", Date condition operators: either form may be used;
//!   `aws:EpochTime` is "the date in epoch or Unix time"). The simulator reads an epoch value as
//!   seconds and an ISO date as milliseconds, and compares the two numbers.
//! - Where smce-guard is sound rather than exact: it knows no catalogue of actions and resource
//!   types, so a wildcard that reaches only actions AWS does not have (yet), or a grant that
//!   reaches only resources of a type its actions do not take, is excess to it (AWS's
//!   documentation: a wildcard matches any action whose name it matches, including those added
//!   later) and nothing to the simulator, which knows today's catalogue. A grant seen only on
//!   resources of another service than its action's is a warning, not an error.
//! - A `*` ending one of an ARN's first five parts crosses into the next as AWS documents (the
//!   simulator matches each part on its own); smce-guard invents no resource name holding a `:`
//!   no pattern spells, so only a request naming one (which no service gives) is decided apart.

use super::generate::{Place, Setup};
use super::{Excess, case_of, oracle, ours};
use crate::rules::case::CLUSTER;
use serde_json::{Value, json};

fn setup(statements: Value) -> Setup {
    Setup {
        documents: vec![(Place::UserInline, statements.as_array().unwrap().clone())],
        boundary: None,
        tags: Vec::new(),
        user_id: true,
        pins: Vec::new(),
        conditions: Vec::new(),
        variables: Vec::new(),
    }
}

fn readonly_when(condition: Value) -> Setup {
    setup(
        json!([{"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER, "Condition": condition}]),
    )
}

/// What the simulator answers for `action` on `resource` in the known CI context of `setup`.
fn simulated(setup: &Setup, action: &str, resource: &str) -> String {
    let contexts = oracle::contexts(setup, resource);
    assert_eq!(contexts.len(), 1, "these cases read no unknown key");
    let line = oracle::simulation("one", setup, action, resource, &contexts[0]);
    let answers = oracle::run(&[line]);
    answers["one"]
        .clone()
        .unwrap_or_else(|e| format!("refused: {e}"))
}

#[test]
fn epoch_and_iso_dates_compare_as_dates() {
    // Judged at 2026-11-20T09:00:00Z (1795165200): after 2026-01-01, before 1800000000.
    for condition in [
        json!({"DateGreaterThan": {"aws:EpochTime": "2026-01-01T00:00:00Z"}}),
        json!({"DateLessThan": {"aws:CurrentTime": "1800000000"}}),
    ] {
        let setup = readonly_when(condition.clone());
        let ours = ours(&case_of(&setup));
        assert_eq!(ours.outcomes, ["allowed".to_owned()].into(), "{condition}");
        assert_eq!(
            simulated(&setup, "eks:DescribeCluster", CLUSTER),
            "ImplicitlyDenied",
            "{condition}"
        );
    }
    // Both sides in one form agree.
    for condition in [
        json!({"DateGreaterThan": {"aws:EpochTime": "1767225600"}}),
        json!({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}),
    ] {
        let setup = readonly_when(condition.clone());
        assert_eq!(
            ours(&case_of(&setup)).outcomes,
            ["allowed".to_owned()].into()
        );
        assert_eq!(
            simulated(&setup, "eks:DescribeCluster", CLUSTER),
            "Allowed",
            "{condition}"
        );
    }
}

#[test]
fn grants_only_of_actions_or_resources_aws_does_not_have_are_excess_to_smce_guard() {
    let readonly = json!({"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER});
    // `eks:DescribeCluste?` matches only DescribeCluster among today's EKS actions.
    let question = setup(
        json!([readonly, {"Effect": "Allow", "Action": "eks:DescribeCluste?", "Resource": CLUSTER}]),
    );
    let ours = ours(&case_of(&question));
    assert_eq!(ours.excess, Excess::Certain);
    let (action, resource) = &ours.examples[0];
    assert!(
        simulated(&question, action, resource).starts_with("refused"),
        "{action} is no action AWS has"
    );
    // EKS cluster actions on every resource but clusters: on EKS resources of other types.
    let elsewhere = setup(
        json!([readonly, {"Effect": "Allow", "Action": "eks:DeleteCluster", "NotResource": "arn:aws:eks:*:*:cluster/*"}]),
    );
    let ours = super::ours(&case_of(&elsewhere));
    assert_eq!(ours.excess, Excess::Certain);
    let (action, resource) = &ours.examples[0];
    assert!(
        simulated(&elsewhere, action, resource).starts_with("refused"),
        "{action} takes no {resource}"
    );
    assert_eq!(
        simulated(
            &elsewhere,
            "eks:DeleteCluster",
            "arn:aws:eks:us-west-2:111122223333:cluster/other"
        ),
        "ImplicitlyDenied"
    );
}

#[test]
fn a_wildcard_ending_an_arn_part_crosses_colons_as_aws_documents() {
    // "IAM JSON policy elements: Resource": "If the * wildcard is the last character of a
    // resource ARN segment, it can expand to match beyond the colon boundaries." The simulator
    // matches each of the six parts on its own.
    let mut setup = setup(json!([
        {"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER},
        {"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": "arn:aws:eks:us-west-2:111122223333:cluster/*"}
    ]));
    setup.boundary = Some(
        json!([{"Effect": "Allow", "Action": "eks:*", "Resource": "arn:aws:eks:*:*:cluster/acme"}])
            .as_array()
            .unwrap()
            .clone(),
    );
    let crossing = "arn:aws:eks:us-west-2:111122223333:cluster/x:cluster/acme";
    let case = case_of(&setup);
    assert_eq!(
        case.ask("eks:DescribeCluster", crossing).outcomes,
        ["allowed"]
    );
    assert_eq!(
        simulated(&setup, "eks:DescribeCluster", crossing),
        "ImplicitlyDenied"
    );
    // No service names a cluster so: smce-guard invents no such resource as an example of
    // excess, and both sides see none.
    assert_eq!(ours(&case).excess, Excess::None);
}

#[test]
fn overlapping_action_wildcards_reach_actions_aws_does_not_have() {
    // `eks:*Cluster` within a boundary of `eks:Describe*`: today only DescribeCluster, declared;
    // to smce-guard also `eks:DescribeXCluster`, should AWS add one.
    let mut setup = setup(json!([
        {"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER},
        {"Effect": "Allow", "Action": "eks:*Cluster", "Resource": CLUSTER}
    ]));
    setup.boundary = Some(
        json!([{"Effect": "Allow", "Action": "eks:Describe*", "Resource": "*"}])
            .as_array()
            .unwrap()
            .clone(),
    );
    let ours = ours(&case_of(&setup));
    assert_eq!(ours.excess, Excess::Certain);
    let (action, resource) = &ours.examples[0];
    assert!(
        simulated(&setup, action, resource).starts_with("refused"),
        "{action} is no action AWS has"
    );
}
