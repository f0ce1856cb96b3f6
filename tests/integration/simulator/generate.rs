//! The deployer setups the property test generates from a fixed seed: statements in inline,
//! managed and group policies and a permissions boundary, Allow and Deny, `NotAction` and
//! `NotResource`, policy variables, and conditions of every operator family over keys the CI
//! context fixes, absent keys and unknown ones, some pinned by `deployer.context`. Every grant is
//! written as a policy author would (actions with resources of their own service, or `*`), so
//! that the requests it reaches are requests AWS knows; the vocabulary of real requests the
//! simulator probes ([`super::oracle::VOCABULARY`]) has one in every class a pattern here cuts.
//! smce-guard knows no catalogue of actions and resource types: a grant whose only reach beyond
//! `allow` is an action AWS does not have, or a resource of a type its actions do not take, is
//! excess to it and nothing to the simulator (`eks:*Cluster` where the boundary allows only
//! `eks:Describe*`: `eks:DescribeXCluster`). Such grants are not generated (no two action
//! wildcards here overlap beyond one action they both name); the known
//! differences are kept as cases of their own (`super::known_differences`).

use crate::rules::case::{CLUSTER, DEPLOYER};
use serde_json::{Value, json};

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Where a document reaches the deployer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    UserInline,
    UserManaged,
    GroupInline,
    GroupManaged,
}

/// One condition as generated: the operator, key and values, and whether the key's value in a CI
/// request is unknown (for the oracle's candidates).
#[derive(Clone, Debug)]
pub struct Cond {
    pub operator: &'static str,
    pub key: &'static str,
    pub values: Vec<&'static str>,
}

/// One setup.
#[derive(Clone, Debug)]
pub struct Setup {
    pub documents: Vec<(Place, Vec<Value>)>,
    pub boundary: Option<Vec<Value>>,
    pub tags: Vec<(&'static str, &'static str)>,
    pub user_id: bool,
    pub pins: Vec<(&'static str, Vec<&'static str>)>,
    /// Every condition the statements carry, and the unknown-key variables their resources use
    /// (as `(key, values that make the resource match)`).
    pub conditions: Vec<Cond>,
    pub variables: Vec<(&'static str, Vec<&'static str>)>,
}

const OTHER_CLUSTER: &str = "arn:aws:eks:us-west-2:111122223333:cluster/other";

/// Grants of one service, with resources of that service (or `*`).
const EKS_ACTIONS: &[&str] = &[
    "eks:DescribeCluster",
    "EKS:describecluster",
    "eks:Describe*",
    "eks:Update*",
    "eks:DeleteCluster",
    "eks:UpdateClusterConfig",
    "eks:*",
];
const EKS_RESOURCES: &[&str] = &[
    CLUSTER,
    CLUSTER,
    OTHER_CLUSTER,
    "arn:aws:eks:us-west-2:111122223333:cluster/*",
    "arn:aws:eks:*:*:cluster/acme",
    "arn:aws:eks:us-west-2:111122223333:cluster/ac*",
    "arn:aws:eks:us-west-2:${aws:PrincipalAccount}:cluster/acme",
    "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalTag/cluster, 'acme'}",
    "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalTag/cluster}",
    "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalOrgID}",
    "*",
];
const IAM_ACTIONS: &[&str] = &["iam:CreateUser", "iam:GetUser", "iam:*", "iam:Get*"];
const IAM_RESOURCES: &[&str] = &[
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:iam::111122223333:user/*",
    "*",
];
const S3_ACTIONS: &[&str] = &["s3:GetObject", "s3:Get*"];
const S3_RESOURCES: &[&str] = &["arn:aws:s3:::acme-data/*", "*"];
/// Patterns any statement may name in `NotAction` or a Deny's `Action`.
const ANY_ACTIONS: &[&str] = &[
    "eks:DescribeCluster",
    "eks:Describe*",
    "eks:Delete*",
    "eks:*",
    "iam:*",
    "s3:*",
    "*",
];
const ANY_RESOURCES: &[&str] = &[CLUSTER, OTHER_CLUSTER, "*"];

/// Conditions on keys the CI context fixes (present or absent) and on keys it does not.
#[rustfmt::skip]
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("Bool", "aws:MultiFactorAuthPresent", &["true"]),
    ("Bool", "aws:MultiFactorAuthPresent", &["false"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", &["true"]),
    ("Null", "aws:MultiFactorAuthPresent", &["true"]),
    ("Null", "aws:MultiFactorAuthPresent", &["false"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
    ("NumericLessThanIfExists", "aws:MultiFactorAuthAge", &["3600"]),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", &["0"]),
    ("DateGreaterThan", "aws:TokenIssueTime", &["2026-01-01T00:00:00Z"]),
    ("DateLessThanIfExists", "aws:TokenIssueTime", &["2026-01-01T00:00:00Z"]),
    ("Bool", "aws:SecureTransport", &["true"]),
    ("Bool", "aws:SecureTransport", &["false"]),
    ("Bool", "aws:ViaAWSService", &["true"]),
    ("Bool", "aws:PrincipalIsAWSService", &["false"]),
    ("ForAnyValue:StringEquals", "aws:CalledVia", &["cloudformation.amazonaws.com"]),
    ("ForAllValues:StringEquals", "aws:CalledVia", &["cloudformation.amazonaws.com"]),
    ("StringEqualsIfExists", "aws:CalledViaFirst", &["cloudformation.amazonaws.com"]),
    ("StringEquals", "aws:PrincipalType", &["User"]),
    ("StringEquals", "aws:PrincipalType", &["AssumedRole"]),
    ("StringNotEquals", "aws:PrincipalType", &["AssumedRole", "FederatedUser"]),
    ("StringEquals", "aws:username", &[DEPLOYER]),
    ("StringNotEquals", "aws:username", &[DEPLOYER]),
    ("StringEqualsIgnoreCase", "aws:username", &["HUB-Continuous-Deployer"]),
    ("StringNotEqualsIgnoreCase", "aws:username", &["mallory"]),
    ("StringLike", "aws:username", &["hub-*"]),
    ("StringNotLike", "aws:username", &["*-deployer"]),
    ("StringEquals", "aws:username", &["${aws:PrincipalTag/owner}"]),
    ("StringLike", "aws:userid", &["AIDA*"]),
    ("StringEquals", "aws:RequestedRegion", &["us-west-2"]),
    ("StringEquals", "aws:RequestedRegion", &["us-east-1"]),
    ("StringNotEquals", "aws:RequestedRegion", &["us-west-2", "eu-west-1"]),
    ("StringEquals", "aws:ResourceAccount", &["${aws:PrincipalAccount}"]),
    ("StringEquals", "aws:ResourceAccount", &["999988887777"]),
    ("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::111122223333:user/*"]),
    ("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:role/*"]),
    ("ArnEquals", "aws:PrincipalArn", &["arn:aws:iam::111122223333:user/hub-continuous-deployer"]),
    ("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::*:user/mallory"]),
    ("StringEquals", "aws:PrincipalTag/team", &["ci"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", &["ops"]),
    ("Null", "aws:PrincipalTag/team", &["true"]),
    ("DateLessThan", "aws:CurrentTime", &["2027-01-01T00:00:00Z"]),
    ("DateGreaterThan", "aws:CurrentTime", &["2027-01-01T00:00:00Z"]),
    ("DateGreaterThanEquals", "aws:CurrentTime", &["2026-11-20T09:00:00Z"]),
    ("DateNotEquals", "aws:CurrentTime", &["2026-11-20T09:00:00Z"]),
    ("DateEquals", "aws:CurrentTime", &["2026-11-20T09:00:00Z"]),
    ("DateLessThanEquals", "aws:CurrentTime", &["2026-01-01T00:00:00Z"]),
    ("NumericLessThan", "aws:EpochTime", &["1800000000"]),
    ("NumericGreaterThan", "aws:EpochTime", &["1800000000"]),
    ("NumericEquals", "aws:EpochTime", &["1795165200"]),
    ("NumericNotEquals", "aws:EpochTime", &["1795165200"]),
    ("NumericLessThanEquals", "aws:EpochTime", &["1795165200"]),
    ("NumericGreaterThanEquals", "aws:EpochTime", &["1795165201"]),
    // Keys no recording knows.
    ("IpAddress", "aws:SourceIp", &["192.0.2.0/24"]),
    ("IpAddress", "aws:SourceIp", &["192.0.2.0/24", "2001:db8::/32"]),
    ("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]),
    ("IpAddressIfExists", "aws:SourceIp", &["198.51.100.0/24"]),
    ("NotIpAddressIfExists", "aws:SourceIp", &["192.0.2.128/25"]),
    ("StringEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
    ("StringNotEquals", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
    ("StringEqualsIfExists", "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", &["o-a1b2c3d4e5/*"]),
    ("ForAllValues:StringLike", "aws:PrincipalOrgPaths", &["o-a1b2c3d4e5/r-ab12/*"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", &["team"]),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]),
    ("StringLike", "aws:UserAgent", &["aws-cli/*"]),
    ("StringNotLike", "aws:UserAgent", &["*Boto3*"]),
    ("StringEquals", "aws:SourceVpc", &["vpc-0a1b2c3d"]),
    ("Null", "aws:SourceVpc", &["true"]),
    ("Null", "aws:SourceVpc", &["false"]),
    ("StringNotEqualsIfExists", "aws:SourceVpce", &["vpce-1a2b3c4d"]),
    ("StringEquals", "aws:RequestTag/team", &["ci"]),
    ("StringLike", "aws:referer", &["https://ci.example/*"]),
    ("ArnLike", "aws:SourceArn", &["arn:aws:codebuild:*:111122223333:project/*"]),
    ("ArnNotEquals", "aws:SourceArn", &["arn:aws:codebuild:us-west-2:111122223333:project/hubs"]),
    ("StringEquals", "aws:ResourceTag/env", &["prod"]),
    ("StringNotEqualsIgnoreCase", "aws:ResourceTag/env", &["PROD"]),
    ("BinaryEquals", "aws:ResourceTag/blob", &["QmluYXJ5"]),
    ("BinaryEquals", "aws:RequestTag/data", &["QmluYXJ5", "AAEC"]),
    ("BinaryEqualsIfExists", "aws:RequestTag/data", &["AAEC"]),
    ("Null", "aws:ResourceTag/env", &["false"]),
];

/// What the team may pin (`deployer.context`).
#[rustfmt::skip]
const PINS: &[(&str, &[&str])] = &[
    ("aws:SourceIp", &["192.0.2.0/25"]),
    ("aws:SourceIp", &["192.0.2.0/23"]),
    ("aws:SourceIp", &["198.51.100.7"]),
    ("aws:SourceIp", &["192.0.2.7", "203.0.113.9"]),
    ("aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
    ("aws:PrincipalOrgID", &["o-zzzzzzzzzz"]),
    ("aws:PrincipalOrgID", &[]),
    ("aws:PrincipalOrgPaths", &["o-a1b2c3d4e5/r-ab12/"]),
    ("aws:ResourceTag/env", &["prod"]),
    ("aws:SourceVpc", &[]),
];

/// Whether the CI context leaves `key` unknown.
pub fn unknown(key: &str) -> bool {
    !smce_guard::base::ci_context::fixes(key) && !key.eq_ignore_ascii_case("aws:userid")
}

impl Setup {
    fn new(rng: &mut Rng) -> Setup {
        let mut setup = Setup {
            documents: Vec::new(),
            boundary: None,
            tags: Vec::new(),
            user_id: rng.chance(70),
            pins: Vec::new(),
            conditions: Vec::new(),
            variables: Vec::new(),
        };
        for (tag, values) in [
            ("team", &["ci", "ops"][..]),
            ("cluster", &["acme", "other"]),
            ("owner", &[DEPLOYER]),
        ] {
            if rng.chance(30) {
                setup.tags.push((tag, *rng.pick(values)));
            }
        }
        let places = [
            Place::UserInline,
            Place::UserManaged,
            Place::GroupInline,
            Place::GroupManaged,
        ];
        // Usually the declared grant somewhere, so that what else happens decides the answer.
        let mut statements: Vec<Value> = Vec::new();
        if rng.chance(75) {
            statements.push(
                json!({"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER}),
            );
        }
        for _ in 0..1 + rng.below(3) {
            let allow = rng.chance(55);
            let s = setup.statement(rng, allow);
            statements.push(s);
        }
        // Spread them over one to three documents in as many places.
        let documents = 1 + rng.below(3);
        for _ in 0..documents {
            setup.documents.push((*rng.pick(&places), Vec::new()));
        }
        for s in statements {
            let at = rng.below(documents);
            setup.documents[at].1.push(s);
        }
        setup.documents.retain(|(_, d)| !d.is_empty());
        if rng.chance(25) {
            let mut boundary = Vec::new();
            if rng.chance(70) {
                let allow = rng.pick(&[
                    json!({"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER}),
                    json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                    json!({"Effect": "Allow", "Action": "eks:*", "Resource": "*"}),
                    json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
                ])
                .clone();
                boundary.push(allow);
            }
            for _ in 0..rng.below(2) {
                let allow = rng.chance(50);
                let s = setup.statement(rng, allow);
                boundary.push(s);
            }
            if boundary.is_empty() {
                boundary.push(json!({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}));
            }
            setup.boundary = Some(boundary);
        }
        if rng.chance(15) {
            let (key, values) = *rng.pick(PINS);
            setup.pins.push((key, values.to_vec()));
        }
        setup
    }

    /// One statement: a grant of one service's actions on its resources (or the whole of them,
    /// or all but some), or a Deny of anything; with conditions half the time.
    fn statement(&mut self, rng: &mut Rng, allow: bool) -> Value {
        let family: (&[&str], &[&str]) = *rng.pick(&[
            (EKS_ACTIONS, EKS_RESOURCES),
            (EKS_ACTIONS, EKS_RESOURCES),
            (IAM_ACTIONS, IAM_RESOURCES),
            (S3_ACTIONS, S3_RESOURCES),
        ]);
        let list = |rng: &mut Rng, from: &[&'static str]| -> Vec<&'static str> {
            let mut v: Vec<&str> = (0..1 + rng.below(2)).map(|_| *rng.pick(from)).collect();
            v.dedup();
            v
        };
        let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }});
        // `NotResource` only beside EKS actions, excluding one cluster: what is left is still
        // clusters those actions take.
        let eks: &[&str] = &[
            "eks:*",
            "eks:Delete*",
            "eks:DescribeCluster",
            "eks:Describe*",
        ];
        let one_cluster: &[&str] = &[CLUSTER, OTHER_CLUSTER];
        match rng.below(if allow { 8 } else { 6 }) {
            // All but some actions, on everything.
            0 => {
                s["NotAction"] = json!(list(rng, ANY_ACTIONS));
                s["Resource"] = json!("*");
            }
            // EKS actions everywhere but one cluster.
            1 => {
                s["Action"] = json!(list(rng, eks));
                s["NotResource"] = json!(*rng.pick(one_cluster));
            }
            // Everything.
            2 if allow => {
                s["Action"] = json!("*");
                s["Resource"] = json!("*");
            }
            _ if allow => {
                s["Action"] = json!(list(rng, family.0));
                s["Resource"] = json!(list(rng, family.1));
            }
            2 | 3 => {
                s["Action"] = json!(list(rng, ANY_ACTIONS));
                s["Resource"] = json!(list(rng, ANY_RESOURCES));
            }
            // A Deny names clusters one by one (a variable names one too): a Deny of every
            // cluster beside a grant of all but one cluster would leave only resources of other
            // types, which smce-guard cannot tell from real ones.
            _ => {
                let denied: &[&str] = &[
                    CLUSTER,
                    OTHER_CLUSTER,
                    "*",
                    "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalOrgID}",
                    "arn:aws:eks:us-west-2:111122223333:cluster/${aws:PrincipalTag/cluster, 'acme'}",
                ];
                s["Action"] = json!(list(rng, family.0));
                s["Resource"] = json!(list(rng, denied));
            }
        }
        for r in (s["Resource"].as_array().cloned().unwrap_or_default())
            .iter()
            .filter_map(Value::as_str)
        {
            if r.contains("${aws:PrincipalOrgID}") {
                // The clusters it may name: ours, another, and those the probes name.
                self.variables.push((
                    "aws:PrincipalOrgID",
                    vec!["acme", "other", "another-cluster", "o-a1b2c3d4e5"],
                ));
            }
        }
        // Resource tags only where every action is EKS's: S3 objects carry no
        // `aws:ResourceTag` unless their bucket enables ABAC, and the simulator leaves it out.
        let eks_only = s["NotAction"].is_null()
            && (s["Action"]
                .as_array()
                .cloned()
                .unwrap_or_else(|| vec![s["Action"].clone()]))
            .iter()
            .all(|a| {
                a.as_str()
                    .is_some_and(|a| a.to_ascii_lowercase().starts_with("eks:"))
            });
        if rng.chance(50) {
            let mut block = serde_json::Map::new();
            for _ in 0..1 + usize::from(rng.chance(35)) {
                let (operator, key, values) = *rng.pick(CONDITIONS);
                if key.starts_with("aws:ResourceTag/") && !eks_only {
                    continue;
                }
                // At most two unknown keys per setup keep the candidates few.
                let unknowns: Vec<&str> = (self.conditions.iter().map(|c| c.key))
                    .chain(self.variables.iter().map(|v| v.0))
                    .filter(|k| unknown(k))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if unknown(key) && !unknowns.contains(&key) && unknowns.len() >= 2 {
                    continue;
                }
                let entry = block.entry(operator).or_insert_with(|| json!({}));
                if entry.get(key).is_some() {
                    continue;
                }
                entry[key] = if values.len() == 1 && rng.chance(60) {
                    json!(values[0])
                } else {
                    json!(values)
                };
                self.conditions.push(Cond {
                    operator,
                    key,
                    values: values.to_vec(),
                });
            }
            s["Condition"] = Value::Object(block);
        }
        s
    }
}

/// `count` setups from `seed`.
pub fn setups(seed: u64, count: usize) -> Vec<Setup> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| Setup::new(&mut rng)).collect()
}
