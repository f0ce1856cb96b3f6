//! Real documents judged in-process: AWS managed policies and deployer-like policies from public
//! repositories (`tests/data/real-aws/`, whose README names the sources). Each document is
//! attached to the deployer of the clean account, and its verdict (which deployer codes it
//! raises) is compared with what an independent, simple reading of the document expects: an
//! Allow of anything but exactly the cluster is excess; only an Allow that covers
//! `eks:DescribeCluster` on the cluster grants it; a Deny that reaches it denies it.
//!
//! `SMCE_GUARD_REAL_AWS_MANAGED=<dir>` (the extracted `policies/` of
//! `../shared/real-aws/managed/mamip-policies.tar.gz`) runs the same comparison over the whole
//! corpus, where the checkout holds only the documents that matter here.

use super::case::{CLUSTER, Case, DEPLOYER, POLICY, inline};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/real-aws");

/// `*` any run, `?` one character; compared as given.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob(&pattern[1..], text) || (!text.is_empty() && glob(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => glob(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) => p == t && glob(&pattern[1..], &text[1..]),
        _ => false,
    }
}

fn list(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    }
}

/// Whether a statement's `Action`/`NotAction` (or `Resource`/`NotResource`) takes in `concrete`.
/// `variable` says how a `${...}` entry reads: as matching anything, or nothing.
fn takes(statement: &Value, key: &str, concrete: &str, lower: bool, variable: bool) -> bool {
    let matches = |p: &str| {
        if p.contains("${") {
            return variable;
        }
        let (p, c) = if lower {
            (p.to_ascii_lowercase(), concrete.to_ascii_lowercase())
        } else {
            (p.to_owned(), concrete.to_owned())
        };
        glob(p.as_bytes(), c.as_bytes())
    };
    match (&statement[key], &statement[format!("Not{key}")]) {
        (Value::Null, Value::Null) => true,
        (only, Value::Null) => list(only).into_iter().any(matches),
        (_, except) => !list(except)
            .into_iter()
            .any(|p| !p.contains("${") && matches(p)),
    }
}

/// What the simple reading expects of a document beside the deployer's `eks-readonly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expected {
    /// Some Allow statement is not exactly DescribeCluster on the cluster.
    excess: bool,
    /// Some Allow statement surely grants DescribeCluster on the cluster.
    grants: bool,
    /// Some Deny statement may deny it.
    denies: bool,
}

fn expected(document: &Value) -> Expected {
    let mut out = Expected {
        excess: false,
        grants: false,
        denies: false,
    };
    for s in statements(document) {
        let action = |variable| takes(s, "Action", "eks:DescribeCluster", true, variable);
        let resource = |variable| takes(s, "Resource", CLUSTER, false, variable);
        if s["Effect"] == "Allow" {
            let exact = s["NotAction"].is_null()
                && s["NotResource"].is_null()
                && list(&s["Action"])
                    .iter()
                    .all(|a| a.eq_ignore_ascii_case("eks:DescribeCluster"))
                && list(&s["Resource"]).iter().all(|r| *r == CLUSTER);
            out.excess |= !exact;
            out.grants |= action(false) && resource(false);
        } else {
            out.denies |= action(true) && resource(true);
        }
    }
    out
}

/// The deployer codes a case raises.
fn codes(case: &Case) -> BTreeSet<String> {
    (case.judge().findings.iter())
        .filter_map(|f| f["code"].as_str())
        .filter(|c| c.starts_with("deployer."))
        .map(str::to_owned)
        .collect()
}

/// The deployer with the AWS managed policy `name` attached, beside its `eks-readonly` or alone.
fn attached(name: &str, document: &Value, beside_readonly: bool) -> Case {
    let arn = format!("arn:aws:iam::aws:policy/{name}");
    let mut case = Case::base();
    if !beside_readonly {
        case.deployer_inline(json!([]));
    }
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": arn}]);
    case.policies.push(json!({"PolicyName": name, "Arn": arn, "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": true}]}));
    case
}

/// The verdicts a document gets: beside `eks-readonly` (excess, denied) and alone (missing).
fn verdict(name: &str, document: &Value) -> Expected {
    let beside = codes(&attached(name, document, true));
    let alone = codes(&attached(name, document, false));
    Expected {
        excess: beside.contains("deployer.excess-permission"),
        grants: !alone.contains("deployer.missing-permission"),
        denies: beside.contains("deployer.denied"),
    }
}

/// The managed policies the checkout holds (name to document), or the whole corpus when
/// `SMCE_GUARD_REAL_AWS_MANAGED` names its folder.
fn managed() -> BTreeMap<String, Value> {
    if let Ok(dir) = std::env::var("SMCE_GUARD_REAL_AWS_MANAGED") {
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(dir).expect("the corpus folder") {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            // Two files of the snapshot are empty.
            if text.trim().is_empty() {
                continue;
            }
            let version: Value = serde_json::from_str(&text).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.insert(name, version["PolicyVersion"]["Document"].clone());
        }
        return out;
    }
    let text = std::fs::read_to_string(format!("{DATA}/managed-policies.json")).unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(data["policies"].clone()).unwrap()
}

/// The document with every variable of its resources replaced by a name no resource has: the
/// verdict it would get if its variables decided nothing.
fn neutral(document: &Value) -> Value {
    let mut out = document.clone();
    let replace = |entry: &str| {
        let mut text = entry.to_owned();
        while let Some(start) = text.find("${") {
            let end = text[start..]
                .find('}')
                .map_or(text.len(), |e| start + e + 1);
            text.replace_range(start..end, "no-such-name");
        }
        text
    };
    let kept: Vec<Value> = statements(document)
        .into_iter()
        .map(|s| {
            let mut s = s.clone();
            for key in ["Resource", "NotResource"] {
                if !s[key].is_null() {
                    s[key] = json!(list(&s[key]).into_iter().map(replace).collect::<Vec<_>>());
                }
            }
            s
        })
        .collect();
    out["Statement"] = json!(kept);
    out
}

fn has_variable(document: &Value) -> bool {
    statements(document).into_iter().any(|s| {
        ["Resource", "NotResource"]
            .iter()
            .any(|k| list(&s[*k]).iter().any(|r| r.contains("${")))
    })
}

#[test]
fn managed_policies_are_judged_as_read() {
    let corpus = managed();
    let mut counts = BTreeMap::new();
    for (name, document) in &corpus {
        let got = verdict(name, document);
        assert_eq!(got, expected(document), "{name}");
        let kind = (got.excess, got.grants, got.denies);
        *counts.entry(kind).or_insert(0) += 1;
    }
    // (excess, grants, denies): how many documents got each verdict.
    let full = [
        ((false, false, false), 3),
        ((false, false, true), 7),
        ((true, false, false), 1347),
        ((true, false, true), 6),
        ((true, true, false), 25),
    ];
    let checkout = [
        ((false, false, false), 3),
        ((false, false, true), 7),
        ((true, false, false), 22),
        ((true, false, true), 6),
        ((true, true, false), 18),
    ];
    let expected = if corpus.len() == 1388 { full } else { checkout };
    assert_eq!(counts, BTreeMap::from(expected));
    // The ones the issue names.
    let deny_all = &corpus["AWSDenyAll"];
    assert_eq!(
        codes(&attached("AWSDenyAll", deny_all, true)),
        BTreeSet::from(["deployer.denied".to_owned()])
    );
    let eks = verdict(
        "AmazonEKSServiceRolePolicy",
        &corpus["AmazonEKSServiceRolePolicy"],
    );
    assert!(eks.grants && eks.excess && !eks.denies);
}

/// The checkout's documents were chosen by what they do (`why`, written when they were
/// selected): the verdicts agree with that, and every kind is there.
#[test]
fn the_checkouts_managed_policies_are_what_they_were_chosen_for() {
    let text = std::fs::read_to_string(format!("{DATA}/managed-policies.json")).unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let mut kinds = BTreeMap::new();
    for (name, why) in data["why"].as_object().unwrap() {
        let why = list(why);
        let got = verdict(name, &data["policies"][name]);
        assert_eq!(got.grants, why.contains(&"grants"), "{name}");
        assert_eq!(got.denies, why.contains(&"denies"), "{name}");
        for kind in why {
            *kinds.entry(kind).or_insert(0) += 1;
        }
    }
    let kinds: Vec<(&str, i32)> = kinds.into_iter().collect();
    assert_eq!(
        kinds,
        [
            ("denies", 13),
            ("deny-only", 10),
            ("grants", 18),
            ("variable", 25)
        ]
    );
}

#[test]
fn no_managed_policy_is_judged_by_a_variable_it_holds() {
    let corpus = managed();
    let mut with_variables = 0;
    let (mut changed, mut changed_as_literal) = (Vec::new(), Vec::new());
    for (name, document) in corpus.iter().filter(|(_, d)| has_variable(d)) {
        with_variables += 1;
        // None of the variables names the deployer's cluster, so none may decide a verdict:
        // each is explained by the statement's actions or its other resources.
        let neutral = verdict(name, &neutral(document));
        if verdict(name, document) != neutral {
            changed.push(name.clone());
        }
        // Read literally (version 2008-10-17, as before variables were resolved).
        let mut literal = document.clone();
        literal["Version"] = json!("2008-10-17");
        if verdict(name, &literal) != neutral {
            changed_as_literal.push(name.clone());
        }
    }
    assert_eq!(with_variables, 25);
    // Read literally (as before variables were resolved) none decided a verdict either: the
    // documents that hold them never name the deployer's cluster.
    assert_eq!(changed_as_literal, Vec::<String>::new());
    assert_eq!(changed, Vec::<String>::new());
}

#[test]
fn wild_deployer_policies() {
    let text = std::fs::read_to_string(format!("{DATA}/wild-deployer-policies.json")).unwrap();
    let wild: Value = serde_json::from_str(&text).unwrap();
    let mut verdicts = BTreeMap::new();
    for policy in wild["policies"].as_array().unwrap() {
        // Their placeholders were written for a cluster `hub`; the account is ours.
        let statements: Value = serde_json::from_str(
            &policy["statements"]
                .to_string()
                .replace("ACCOUNT", super::case::ID),
        )
        .unwrap();
        let mut case = Case::base();
        case.policy = POLICY
            .replace("cluster/acme\n", "cluster/hub\n")
            .replace("cluster: acme", "cluster: hub");
        case.deployer_inline(json!([inline("wild", super::case::doc(statements))]));
        let got: Vec<String> = codes(&case).into_iter().collect();
        verdicts.insert(policy["id"].as_str().unwrap().to_owned(), got.join(" "));
    }
    let excess = "deployer.excess-permission";
    let both = "deployer.excess-permission deployer.missing-permission";
    let expected: BTreeMap<String, String> = [
        // `Resource: *`: every cluster.
        ("25166347490", excess),
        ("42821219134", excess),
        ("32194744919", excess),
        // The cluster exactly, beside another grant.
        ("6807991206", excess),
        ("39897316820", excess),
        ("1188621854", excess),
        // Another region's or account's cluster.
        ("53103788345", both),
        ("58886694740", both),
        ("56719635139", both),
        // Any region and account, and more actions.
        ("61476246629", excess),
        ("24270544844", excess),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(verdicts, expected);
}
