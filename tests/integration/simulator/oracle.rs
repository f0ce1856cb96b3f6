//! The independent side: `@cloud-copilot/iam-simulate`, asked through one batched node process
//! (`tests/consumers/iam-simulate.mjs`, JSON lines in and out). The simulator answers one
//! concrete request in one concrete context, so each setup is asked once per combination of
//! candidate values of the keys the CI context leaves unknown (absence, each value the
//! conditions name with its neighbours, and one value matching none), and for excess once per
//! real request of [`VOCABULARY`] (and each example smce-guard names) beyond `deployer.allow`.

use super::generate::{Cond, Setup, unknown};
use crate::common::root;
use crate::rules::case::{CLUSTER, DEPLOYER, ID};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

pub const USER_ARN: &str = "arn:aws:iam::111122223333:user/hub-continuous-deployer";
pub const USER_ID: &str = "AIDAEXAMPLEDEPLOYER1";
/// The instant the cases are judged at (`rules::case::NOW`), as the two context keys hold it.
const NOW: &str = "2026-11-20T09:00:00Z";
const EPOCH: &str = "1795165200";

/// The cluster a resource `.../cluster/${aws:PrincipalOrgID}` names when the organization is the
/// one a condition names.
const ORG_CLUSTER: &str = "arn:aws:eks:us-west-2:111122223333:cluster/o-a1b2c3d4e5";

const NODEGROUP: &str = "arn:aws:eks:us-west-2:111122223333:nodegroup/acme/workers/0a1b2c3d-0000-0000-0000-000000000000";

/// Real requests, each action with resources of a type it takes: one in every class of requests
/// the generated patterns cut (another cluster, another region and account, a nodegroup, IAM
/// users, an S3 object and bucket, a table of a service no pattern names, and an action that
/// takes only `*`). Not `sts:GetCallerIdentity`: AWS answers it whatever the policies say, so it
/// is no grant.
#[rustfmt::skip]
pub const VOCABULARY: &[(&str, &[&str])] = &[
    ("eks:DescribeCluster", &[CLUSTER, "arn:aws:eks:us-west-2:111122223333:cluster/other", "arn:aws:eks:us-east-1:111122223333:cluster/acme", "arn:aws:eks:us-west-2:999988887777:cluster/acme", "arn:aws:eks:us-west-2:111122223333:cluster/acmeish", ORG_CLUSTER]),
    ("eks:DeleteCluster", &[CLUSTER, "arn:aws:eks:us-west-2:111122223333:cluster/other", "arn:aws:eks:us-east-1:111122223333:cluster/acme", ORG_CLUSTER]),
    ("eks:DeleteNodegroup", &[NODEGROUP]),
    ("eks:UpdateNodegroupConfig", &[NODEGROUP]),
    ("eks:DeregisterCluster", &[CLUSTER]),
    ("eks:UpdateClusterConfig", &[CLUSTER, "arn:aws:eks:us-west-2:111122223333:cluster/other"]),
    ("eks:DescribeUpdate", &[CLUSTER, "arn:aws:eks:us-west-2:111122223333:cluster/other"]),
    ("eks:DescribeNodegroup", &[NODEGROUP]),
    ("eks:ListClusters", &["*"]),
    ("iam:CreateUser", &["arn:aws:iam::111122223333:user/mallory", USER_ARN]),
    ("iam:GetUser", &[USER_ARN, "arn:aws:iam::111122223333:user/mallory"]),
    ("s3:GetObject", &["arn:aws:s3:::acme-data/report.csv"]),
    ("s3:PutObject", &["arn:aws:s3:::acme-data/report.csv"]),
    ("s3:ListBucket", &["arn:aws:s3:::acme-data"]),
    ("dynamodb:GetItem", &["arn:aws:dynamodb:us-west-2:111122223333:table/hubs"]),
];

/// A key's value in one request: absent, or these values.
pub type KeyValue = Option<Vec<String>>;

/// The known part of a CI request's context for `setup` (absent keys left out).
fn known_context(setup: &Setup) -> BTreeMap<String, Value> {
    let mut cx: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in [
        ("aws:SecureTransport", "true"),
        ("aws:ViaAWSService", "false"),
        ("aws:PrincipalIsAWSService", "false"),
        ("aws:PrincipalType", "User"),
        ("aws:username", DEPLOYER),
        ("aws:PrincipalArn", USER_ARN),
        ("aws:PrincipalAccount", ID),
        ("aws:RequestedRegion", "us-west-2"),
        ("aws:CurrentTime", NOW),
        ("aws:EpochTime", EPOCH),
        ("aws:ResourceAccount", ID),
    ] {
        cx.insert(k.to_owned(), json!(v));
    }
    if setup.user_id {
        cx.insert("aws:userid".to_owned(), json!(USER_ID));
    }
    for (tag, value) in &setup.tags {
        cx.insert(format!("aws:PrincipalTag/{tag}"), json!(value));
    }
    cx
}

fn is_unknown(setup: &Setup, key: &str) -> bool {
    unknown(key) || (key.eq_ignore_ascii_case("aws:userid") && !setup.user_id)
}

/// An address as text, from its family and number.
fn address(v6: bool, n: u128) -> String {
    if v6 {
        std::net::Ipv6Addr::from(n).to_string()
    } else {
        std::net::Ipv4Addr::from(n as u32).to_string()
    }
}

/// A CIDR range's family, first and last address.
fn range(text: &str) -> (bool, u128, u128) {
    let (base, prefix) = text.split_once('/').unwrap_or((text, ""));
    let ip: std::net::IpAddr = base.parse().unwrap();
    let (v6, bits, width) = match ip {
        std::net::IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32),
        std::net::IpAddr::V6(a) => (true, u128::from(a), 128),
    };
    let prefix: u32 = if prefix.is_empty() {
        width
    } else {
        prefix.parse().unwrap()
    };
    let span = if width - prefix == 128 {
        u128::MAX
    } else {
        (1u128 << (width - prefix)) - 1
    };
    (v6, bits & !span, (bits & !span) | span)
}

/// The values worth trying for one value a condition names: itself (a pattern's wildcards
/// filled), and for numbers and ranges its neighbours.
fn near(operator: &str, value: &str) -> Vec<String> {
    let op = operator.to_ascii_lowercase();
    if op.contains("ipaddress") {
        let (v6, first, last) = range(value);
        let mut out = vec![address(v6, first), address(v6, last)];
        if first > 0 {
            out.push(address(v6, first - 1));
        }
        if last < if v6 { u128::MAX } else { u128::from(u32::MAX) } {
            out.push(address(v6, last + 1));
        }
        return out;
    }
    if op.contains("numeric") {
        let n: i64 = value.parse().unwrap();
        return vec![n.to_string(), (n - 1).to_string(), (n + 1).to_string()];
    }
    if op.contains("like") || op.starts_with("arn") {
        return vec![value.replace(['*', '?'], "x")];
    }
    if op.contains("ignorecase") {
        return vec![value.to_owned(), value.to_uppercase()];
    }
    vec![value.to_owned()]
}

/// The candidate values of each unknown key the setup's conditions and variables read, for a
/// request on `resource` (a variable's candidates include the value that makes its resource
/// name that one).
pub fn candidates(setup: &Setup, resource: &str) -> Vec<(String, Vec<KeyValue>)> {
    let mut by_key: BTreeMap<String, (String, Vec<String>, bool)> = BTreeMap::new();
    for Cond {
        operator,
        key,
        values,
    } in &setup.conditions
    {
        if !is_unknown(setup, key) || setup.pins.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            continue;
        }
        let entry = by_key
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| ((*key).to_owned(), Vec::new(), false));
        entry.2 |=
            operator.starts_with("For") || smce_guard::engine::iam::context::is_multivalued(key);
        for v in values {
            entry.1.extend(near(operator, v));
        }
    }
    for (key, values) in &setup.variables {
        if setup.pins.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            continue;
        }
        let entry = by_key
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| ((*key).to_owned(), Vec::new(), false));
        entry.1.extend(values.iter().map(|v| (*v).to_owned()));
        if let Some(name) = resource.strip_prefix("arn:aws:eks:us-west-2:111122223333:cluster/") {
            entry.1.push(name.to_owned());
        }
    }
    let mut out = Vec::new();
    for (lower, (key, mut values, multi)) in by_key {
        let none = if lower == "aws:sourceip" {
            "203.0.113.250"
        } else {
            "zz-none"
        };
        values.push(none.to_owned());
        values.sort();
        values.dedup();
        let mut list: Vec<KeyValue> = vec![None];
        if multi {
            let literals: Vec<&String> = values.iter().filter(|v| *v != none).collect();
            for v in &values {
                list.push(Some(vec![v.clone()]));
            }
            for l in &literals {
                list.push(Some(vec![(*l).clone(), none.to_owned()]));
            }
            if literals.len() >= 2 {
                list.push(Some(vec![literals[0].clone(), literals[1].clone()]));
                list.push(Some(vec![
                    literals[0].clone(),
                    literals[1].clone(),
                    none.to_owned(),
                ]));
            }
        } else {
            list.extend(values.into_iter().map(|v| Some(vec![v])));
        }
        out.push((key, list));
    }
    // Pinned keys: a set of one-of values is tried value by value (a range by its ends and every
    // value the conditions name inside it).
    for (key, values) in &setup.pins {
        let multi = smce_guard::engine::iam::context::is_multivalued(key);
        if values.is_empty() || multi || (values.len() == 1 && !values[0].contains('/')) {
            continue;
        }
        let mut list: Vec<KeyValue> = Vec::new();
        for v in values {
            if v.contains('/') {
                let (v6, first, last) = range(v);
                list.push(Some(vec![address(v6, first)]));
                list.push(Some(vec![address(v6, last)]));
                for c in setup
                    .conditions
                    .iter()
                    .filter(|c| c.key.eq_ignore_ascii_case(key))
                {
                    for cv in &c.values {
                        for n in near(c.operator, cv) {
                            let (nv6, a, _) = range(&n);
                            if nv6 == v6 && first <= a && a <= last {
                                list.push(Some(vec![n]));
                            }
                        }
                    }
                }
            } else {
                list.push(Some(vec![(*v).to_owned()]));
            }
        }
        list.sort();
        list.dedup();
        out.push(((*key).to_owned(), list));
    }
    out
}

/// The context of each combination of candidate values: the known keys, the pinned known ones,
/// and one candidate of each unknown key.
pub fn contexts(setup: &Setup, resource: &str) -> Vec<BTreeMap<String, Value>> {
    let mut base = known_context(setup);
    for (key, values) in &setup.pins {
        let multi = smce_guard::engine::iam::context::is_multivalued(key);
        if multi && !values.is_empty() {
            base.insert((*key).to_owned(), json!(values));
        } else if values.len() == 1 && !values[0].contains('/') {
            base.insert((*key).to_owned(), json!(values[0]));
        }
    }
    let mut out = vec![base];
    for (key, list) in candidates(setup, resource) {
        let mut next = Vec::with_capacity(out.len() * list.len());
        for cx in &out {
            for value in &list {
                let mut cx = cx.clone();
                match value {
                    None => {}
                    Some(v)
                        if v.len() == 1
                            && !smce_guard::engine::iam::context::is_multivalued(&key) =>
                    {
                        cx.insert(key.clone(), json!(v[0]));
                    }
                    Some(v) => {
                        cx.insert(key.clone(), json!(v));
                    }
                }
                next.push(cx);
            }
        }
        out = next;
    }
    out
}

/// The policies of `setup` as the simulator takes them.
pub fn policies(setup: &Setup) -> (Vec<Value>, Option<Vec<Value>>) {
    let document = |statements: &[Value]| json!({"Version": "2012-10-17", "Statement": statements});
    let identity = (setup.documents.iter().enumerate())
        .map(|(i, (place, statements))| json!({"name": format!("{place:?}-{i}"), "policy": document(statements)}))
        .collect();
    let boundary = setup
        .boundary
        .as_ref()
        .map(|b| vec![json!({"name": "boundary", "policy": document(b)})]);
    (identity, boundary)
}

/// One simulation, as a line for `iam-simulate.mjs`.
pub fn simulation(
    id: &str,
    setup: &Setup,
    action: &str,
    resource: &str,
    context: &BTreeMap<String, Value>,
) -> String {
    let (identity, boundary) = policies(setup);
    let account = resource
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .unwrap_or(ID);
    let mut simulation = json!({
        "request": {
            "principal": USER_ARN,
            "action": action,
            "resource": {"resource": resource, "accountId": account},
            "contextVariables": context,
        },
        "identityPolicies": identity,
        "serviceControlPolicies": [],
        "resourceControlPolicies": [],
    });
    if let Some(boundary) = boundary {
        simulation["permissionBoundaryPolicies"] = json!(boundary);
    }
    json!({"id": id, "simulation": simulation}).to_string()
}

/// Runs every line through one node process; the answers by id (`Err` for a request the
/// simulator refuses, such as an action it does not know).
pub fn run(lines: &[String]) -> BTreeMap<String, Result<String, String>> {
    let script = root().join("tests/consumers/iam-simulate.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    let mut stdin = child.stdin.take().unwrap();
    let input = lines.join("\n");
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        output.status.success(),
        "iam-simulate.mjs failed (scripts/test runs `npm ci --prefix tests/consumers`):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut out = BTreeMap::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let answer: Value = serde_json::from_str(line).unwrap();
        let id = answer["id"].as_str().unwrap().to_owned();
        let result = match answer["result"].as_str() {
            Some(result) => Ok(result.to_owned()),
            None => Err(answer["error"].to_string()),
        };
        out.insert(id, result);
    }
    assert_eq!(out.len(), lines.len(), "one answer per simulation");
    out
}
