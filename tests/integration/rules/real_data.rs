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

/// A simple reading's answer: never, always, or it depends on what no recording knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Never,
    Always,
    Depends,
}

impl Reading {
    fn and(self, other: Reading) -> Reading {
        match (self, other) {
            (Reading::Never, _) | (_, Reading::Never) => Reading::Never,
            (Reading::Always, Reading::Always) => Reading::Always,
            _ => Reading::Depends,
        }
    }
    fn or(self, other: Reading) -> Reading {
        match (self, other) {
            (Reading::Always, _) | (_, Reading::Always) => Reading::Always,
            (Reading::Never, Reading::Never) => Reading::Never,
            _ => Reading::Depends,
        }
    }
}

/// The keys a key-signed call of the base case's deployer fixes: `None` absent, else the value.
/// (docs/access.md; the base case's deployer has no tags and no recorded id.)
fn fixed(key: &str) -> Option<Option<&'static str>> {
    let key = key.to_ascii_lowercase();
    if key.starts_with("aws:principaltag/") || key.starts_with("aws:calledvia") {
        return Some(None);
    }
    Some(match key.as_str() {
        "aws:multifactorauthpresent" | "aws:multifactorauthage" | "aws:tokenissuetime" => None,
        "aws:securetransport" => Some("true"),
        "aws:viaawsservice" | "aws:principalisawsservice" => Some("false"),
        "aws:principaltype" => Some("User"),
        "aws:username" => Some(DEPLOYER),
        "aws:principalaccount" | "aws:resourceaccount" => Some(super::case::ID),
        "aws:requestedregion" => Some("us-west-2"),
        "aws:principalarn" => Some("arn:aws:iam::111122223333:user/hub-continuous-deployer"),
        _ => return None,
    })
}

/// `pattern` with the variables the context fixes resolved: `Err(true)` when one has no value
/// (IAM then matches nothing), `Err(false)` when one is not known.
fn resolved(pattern: &str) -> Result<String, bool> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        rest = &rest[start + len + 1..];
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\''))),
            None => (inner.trim(), None),
        };
        match (key, fixed(key), default) {
            ("*" | "?" | "$", _, _) => out.push_str(key),
            (_, Some(Some(value)), _) => out.push_str(value),
            (_, Some(None), Some(default)) => out.push_str(default),
            (_, Some(None), None) => return Err(true),
            (_, None, _) => return Err(false),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether a statement's `Action`/`NotAction` (or `Resource`/`NotResource`) takes in `concrete`.
fn takes(statement: &Value, key: &str, concrete: &str, lower: bool) -> Reading {
    let one = |p: &str| match resolved(p) {
        Ok(p) => {
            let (p, c) = if lower {
                (p.to_ascii_lowercase(), concrete.to_ascii_lowercase())
            } else {
                (p, concrete.to_owned())
            };
            if glob(p.as_bytes(), c.as_bytes()) {
                Reading::Always
            } else {
                Reading::Never
            }
        }
        Err(true) => Reading::Never,
        Err(false) => Reading::Depends,
    };
    match (&statement[key], &statement[format!("Not{key}")]) {
        (Value::Null, Value::Null) => Reading::Always,
        (only, Value::Null) => list(only)
            .into_iter()
            .fold(Reading::Never, |a, p| a.or(one(p))),
        (_, except) => list(except).into_iter().fold(Reading::Always, |a, p| {
            a.and(match one(p) {
                Reading::Always => Reading::Never,
                Reading::Never => Reading::Always,
                Reading::Depends => Reading::Depends,
            })
        }),
    }
}

/// What the CI context says of one condition, read simply: keys it fixes are compared (absent
/// keys by the operator's rule for them), every other key depends.
fn condition(operator: &str, key: &str, values: &[&str]) -> Reading {
    let op = operator.to_ascii_lowercase();
    let Some(value) = fixed(key) else {
        return Reading::Depends;
    };
    let from = |b: bool| if b { Reading::Always } else { Reading::Never };
    let negated = op.contains("not");
    match value {
        None if op == "null" => from(values.iter().any(|v| v.eq_ignore_ascii_case("true"))),
        None if op.starts_with("foranyvalue:") => Reading::Never,
        None if op.starts_with("forallvalues:") => Reading::Always,
        None => from(op.ends_with("ifexists") || negated),
        Some(_) if op == "null" => from(values.iter().any(|v| v.eq_ignore_ascii_case("false"))),
        Some(v) => {
            let base = op
                .split(':')
                .next_back()
                .unwrap_or("")
                .trim_end_matches("ifexists");
            let matched = values.iter().any(|p| match resolved(p) {
                Ok(p) if base.contains("like") => glob(p.as_bytes(), v.as_bytes()),
                Ok(p) if base.contains("ignorecase") || base == "bool" => p.eq_ignore_ascii_case(v),
                Ok(p) => p == v,
                Err(_) => false,
            });
            match base {
                "stringequals"
                | "stringlike"
                | "stringequalsignorecase"
                | "bool"
                | "arnequals"
                | "arnlike" => from(matched),
                "stringnotequals"
                | "stringnotlike"
                | "stringnotequalsignorecase"
                | "arnnotequals"
                | "arnnotlike" => from(!matched),
                _ => Reading::Depends,
            }
        }
    }
}

/// Every condition of a statement, read simply.
fn conditions(statement: &Value) -> Reading {
    let Some(block) = statement["Condition"].as_object() else {
        return Reading::Always;
    };
    block.iter().fold(Reading::Always, |acc, (operator, keys)| {
        let keys = keys.as_object().into_iter().flatten();
        keys.fold(acc, |acc, (key, values)| {
            acc.and(condition(operator, key, &list(values)))
        })
    })
}

/// What the simple reading expects of a document beside the deployer's `eks-readonly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expected {
    /// Some Allow statement that is not exactly DescribeCluster on the cluster may grant
    /// something (its conditions can hold, its resources can match), and no Deny of the same
    /// document takes everything away.
    excess: bool,
    /// Some Allow statement may grant DescribeCluster on the cluster (not surely missing).
    grants: bool,
    /// Some Deny statement surely denies it.
    denies: bool,
}

fn expected(document: &Value) -> Expected {
    let mut out = Expected {
        excess: false,
        grants: false,
        denies: false,
    };
    // A Deny of every action on every resource that always applies leaves nothing granted.
    let deny_all = statements(document).into_iter().any(|s| {
        s["Effect"] == "Deny"
            && list(&s["Action"]).contains(&"*")
            && list(&s["Resource"]).contains(&"*")
            && conditions(s) == Reading::Always
    });
    for s in statements(document) {
        let describe = takes(s, "Action", "eks:DescribeCluster", true)
            .and(takes(s, "Resource", CLUSTER, false))
            .and(conditions(s));
        if s["Effect"] == "Allow" {
            let exact = s["NotAction"].is_null()
                && s["NotResource"].is_null()
                && list(&s["Action"])
                    .iter()
                    .all(|a| a.eq_ignore_ascii_case("eks:DescribeCluster"))
                && list(&s["Resource"]).iter().all(|r| *r == CLUSTER);
            // Resources whose every entry names a variable the deployer lacks match nothing.
            let dead = s["NotResource"].is_null()
                && list(&s["Resource"])
                    .iter()
                    .all(|r| resolved(r) == Err(true));
            out.excess |= !exact && !dead && !deny_all && conditions(s) != Reading::Never;
            out.grants |= describe != Reading::Never;
        } else {
            out.denies |= describe == Reading::Always;
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
    let mut wrong = Vec::new();
    for (name, document) in &corpus {
        let got = verdict(name, document);
        if got != expected(document) {
            wrong.push(format!(
                "{name}: got {got:?}, expected {:?}",
                expected(document)
            ));
        }
        let kind = (got.excess, got.grants, got.denies);
        *counts.entry(kind).or_insert(0) += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // (excess, grants, denies): how many documents got each verdict.
    let full = [
        ((false, false, false), 3),
        ((false, false, true), 7),
        ((true, false, false), 1347),
        ((true, false, true), 6),
        ((true, true, false), 25),
    ];
    let checkout = [
        ((false, false, false), 6),
        ((false, false, true), 7),
        ((true, false, false), 20),
        ((true, false, true), 6),
        ((true, true, false), 17),
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
/// Documents of the checkout chosen as granting DescribeCluster whose grant a CI request never
/// meets the condition of.
const CONDITIONAL_GRANTS: &[&str] = &["AmazonPrometheusFullAccess"];

#[test]
fn the_checkouts_managed_policies_are_what_they_were_chosen_for() {
    let text = std::fs::read_to_string(format!("{DATA}/managed-policies.json")).unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let mut kinds = BTreeMap::new();
    for (name, why) in data["why"].as_object().unwrap() {
        let why = list(why);
        let got = verdict(name, &data["policies"][name]);
        // Chosen because it names eks:DescribeCluster, but its grant holds only when Amazon
        // Managed Prometheus calls on the caller's behalf (`ForAnyValue:StringEquals
        // aws:CalledVia aps.amazonaws.com`), which a key-signed CI call never is: it grants CI
        // nothing (issue 19's "missed failures").
        let grants = why.contains(&"grants") && !CONDITIONAL_GRANTS.contains(&name.as_str());
        assert_eq!(got.grants, grants, "{name}");
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
fn variables_decide_a_verdict_only_through_the_deployers_own_context() {
    let corpus = managed();
    let mut with_variables = 0;
    let (mut changed, mut changed_as_literal) = (Vec::new(), Vec::new());
    for (name, document) in corpus.iter().filter(|(_, d)| has_variable(d)) {
        with_variables += 1;
        // None of the variables names the deployer's cluster: a variable decides a verdict only
        // where the deployer's own context resolves it (a tag it lacks matches nothing).
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
    // Read literally none decided a verdict: the documents never name the deployer's cluster.
    assert_eq!(changed_as_literal, Vec::<String>::new());
    // Resolved, a verdict changes only for documents whose every excess statement names
    // `${aws:PrincipalTag/...}` tags the deployer does not carry: IAM matches none of their
    // resources, so they grant the deployer nothing beyond `allow`.
    for name in &changed {
        let document = &corpus[name];
        // The same document without the statements whose every resource names such a tag.
        let mut read_as_dead = document.clone();
        let kept: Vec<Value> = statements(document)
            .into_iter()
            .filter(|s| {
                s["Resource"].is_null()
                    || !list(&s["Resource"])
                        .iter()
                        .all(|r| r.contains("${aws:PrincipalTag/"))
            })
            .cloned()
            .collect();
        read_as_dead["Statement"] = json!(kept);
        assert_eq!(
            verdict(name, &read_as_dead).excess,
            verdict(name, document).excess,
            "{name}"
        );
        assert!(
            !verdict(name, document).excess && verdict(name, &neutral(document)).excess,
            "{name}"
        );
    }
    let (expected_with, expected_changed) = if corpus.len() == 1388 {
        (FULL_WITH_VARIABLES, FULL_CHANGED)
    } else {
        (25, 3)
    };
    assert_eq!(
        (with_variables, changed.len()),
        (expected_with, expected_changed),
        "{changed:?}"
    );
}

/// In the whole corpus: the documents with variables, and those whose verdict a tag the
/// deployer lacks decides.
const FULL_WITH_VARIABLES: usize = 0;
const FULL_CHANGED: usize = 0;

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
