//! smce-guard's decisions held to an independent IAM evaluator (issue 19): thousands of deployer
//! setups from a fixed seed ([`generate`]), each judged by smce-guard in-process (the `access`
//! answer for CI's `eks:DescribeCluster` on its cluster, and `deployer.excess-permission`) and
//! by `@cloud-copilot/iam-simulate` through one batched node process ([`oracle`]; AGPL-3.0, a
//! test-only consumer, never linked or shipped). They must agree on every setup: on the
//! decision (allowed, denied, implicitly denied, or uncertain, with the same outcomes) and on
//! excess (none, uncertain, certain). Where the simulator departs from AWS's documentation the
//! test follows the documentation: those cases are kept apart ([`known`]), each checked to still
//! show the simulator's departure and smce-guard's documented answer.

mod generate;
mod known;
mod oracle;

use crate::rules::case::{CLUSTER, Case, DEPLOYER, doc, group, inline, managed, managed_arn};
use generate::{Place, Setup};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const SEED: u64 = 19_2026;
const SETUPS: usize = 2_400;

/// The rule cases' account holding `setup` for its deployer.
fn case_of(setup: &Setup) -> Case {
    let mut case = Case::base();
    let (mut inline_docs, mut attached, mut group_inline, mut group_attached) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, (place, statements)) in setup.documents.iter().enumerate() {
        let name = format!("p{i}");
        let document = doc(Value::Array(statements.clone()));
        match place {
            Place::UserInline => inline_docs.push(inline(&name, document)),
            Place::GroupInline => group_inline.push(inline(&name, document)),
            Place::UserManaged | Place::GroupManaged => {
                case.policies
                    .push(managed(&name, &[("v1", true, document)]));
                if *place == Place::UserManaged {
                    attached.push(json!({"PolicyArn": managed_arn(&name)}));
                } else {
                    group_attached.push(managed_arn(&name));
                }
            }
        }
    }
    if !group_inline.is_empty() || !group_attached.is_empty() {
        let arns: Vec<&str> = group_attached.iter().map(String::as_str).collect();
        case.groups.push(group("ci-team", group_inline, &arns));
        case.user(DEPLOYER)["GroupList"] = json!(["ci-team"]);
    }
    let user = case.user(DEPLOYER);
    user["UserPolicyList"] = json!(inline_docs);
    user["AttachedManagedPolicies"] = json!(attached);
    if setup.user_id {
        user["UserId"] = json!(oracle::USER_ID);
    }
    user["Tags"] = json!(
        setup
            .tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect::<Vec<_>>()
    );
    if let Some(boundary) = &setup.boundary {
        case.policies.push(managed(
            "boundary",
            &[("v1", true, doc(Value::Array(boundary.clone())))],
        ));
        case.user(DEPLOYER)["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": managed_arn("boundary")});
    }
    if !setup.pins.is_empty() {
        let mut text = String::from("  context:\n");
        for (key, values) in &setup.pins {
            let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            text.push_str(&format!(
                "    - key: {key}\n      values: [{}]\n",
                values.join(", ")
            ));
        }
        case.policy = case
            .policy
            .replace("  active_keys: 1\n", &format!("  active_keys: 1\n{text}"));
    }
    case
}

/// One setup as smce-guard judged it: its answers, the contexts CI's request was simulated in,
/// the requests probed for excess and the contexts each was simulated in.
type Judged = (Ours, usize, Vec<(String, String)>, Vec<usize>);

/// How sure a grant beyond `allow` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Excess {
    None,
    Uncertain,
    Certain,
}

/// What smce-guard says of a setup: the outcomes of CI's request, the excess, and the example
/// requests its excess findings name.
struct Ours {
    outcomes: BTreeSet<String>,
    excess: Excess,
    examples: Vec<(String, String)>,
}

fn ours(case: &Case) -> Ours {
    let answer = case.ask("eks:DescribeCluster", CLUSTER);
    let judged = case.judge();
    let mut excess = Excess::None;
    let mut examples = Vec::new();
    for f in judged
        .findings
        .iter()
        .filter(|f| f["code"] == "deployer.excess-permission")
    {
        let level = if f["severity"] == "error" {
            Excess::Certain
        } else {
            Excess::Uncertain
        };
        excess = excess.max(level);
        if let (Some(a), Some(r)) = (
            f["details"]["example"]["action"].as_str(),
            f["details"]["example"]["resource"].as_str(),
        ) {
            examples.push((a.to_owned(), r.to_owned()));
        }
    }
    Ours {
        outcomes: answer.outcomes.iter().map(|o| (*o).to_owned()).collect(),
        excess,
        examples,
    }
}

fn outcome_word(simulator: &str) -> &'static str {
    match simulator {
        "Allowed" => "allowed",
        "ExplicitlyDenied" => "denied",
        "ImplicitlyDenied" => "implicitly denied",
        other => panic!("unexpected simulator result {other}"),
    }
}

/// Whether every Allow of the identity policies is exactly the declared grant: then nothing can
/// exceed it, and the simulator need not be asked about other requests.
fn exactly_declared(setup: &Setup) -> bool {
    setup.documents.iter().flat_map(|(_, d)| d).all(|s| {
        s["Effect"] != "Allow"
            || (s["Action"]
                .as_str()
                .is_some_and(|a| a.eq_ignore_ascii_case("eks:DescribeCluster"))
                && s["Resource"] == CLUSTER)
    })
}

#[test]
fn decisions_agree_with_iam_simulate() {
    // More (or fewer) setups when asked, for a longer search.
    let count = std::env::var("SMCE_GUARD_SIMULATOR_SETUPS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SETUPS);
    let setups = generate::setups(SEED, count);
    let mut lines = Vec::new();
    let mut judged: Vec<Judged> = Vec::new();
    for (n, setup) in setups.iter().enumerate() {
        let case = case_of(setup);
        let ours = ours(&case);
        let contexts = oracle::contexts(setup, CLUSTER);
        for (c, cx) in contexts.iter().enumerate() {
            lines.push(oracle::simulation(
                &format!("{n}/ci/{c}"),
                setup,
                "eks:DescribeCluster",
                CLUSTER,
                cx,
            ));
        }
        // Excess: every real request beyond the declared grant, and smce-guard's examples.
        let mut probes: Vec<(String, String)> = Vec::new();
        if !exactly_declared(setup) {
            for (action, resources) in oracle::VOCABULARY {
                for resource in *resources {
                    if !(action.eq_ignore_ascii_case("eks:DescribeCluster") && *resource == CLUSTER)
                    {
                        probes.push(((*action).to_owned(), (*resource).to_owned()));
                    }
                }
            }
            for example in &ours.examples {
                if !probes
                    .iter()
                    .any(|p| p.0.eq_ignore_ascii_case(&example.0) && p.1 == example.1)
                {
                    probes.push(example.clone());
                }
            }
        }
        let mut probe_contexts = Vec::with_capacity(probes.len());
        for (p, (action, resource)) in probes.iter().enumerate() {
            let contexts = oracle::contexts(setup, resource);
            for (c, cx) in contexts.iter().enumerate() {
                lines.push(oracle::simulation(
                    &format!("{n}/p{p}/{c}"),
                    setup,
                    action,
                    resource,
                    cx,
                ));
            }
            probe_contexts.push(contexts.len());
        }
        judged.push((ours, contexts.len(), probes, probe_contexts));
    }
    let answers = oracle::run(&lines);
    let mut disagreements = Vec::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (n, (ours, contexts, probes, probe_contexts)) in judged.iter().enumerate() {
        let theirs: BTreeSet<String> = (0..*contexts)
            .map(|c| {
                let answer = &answers[&format!("{n}/ci/{c}")];
                outcome_word(answer.as_ref().unwrap_or_else(|e| {
                    panic!("setup {n}: the simulator refused CI's request: {e}")
                }))
                .to_owned()
            })
            .collect();
        let mut excess = Excess::None;
        for p in 0..probes.len() {
            let results: Vec<&Result<String, String>> = (0..probe_contexts[p])
                .map(|c| &answers[&format!("{n}/p{p}/{c}")])
                .collect();
            // A request the simulator does not know (an example of ours that is no real
            // action, or of a resource type the action does not take) decides nothing.
            if results.iter().any(|r| r.is_err()) {
                continue;
            }
            let allowed = results
                .iter()
                .filter(|r| r.as_deref() == Ok("Allowed"))
                .count();
            excess = excess.max(match allowed {
                0 => Excess::None,
                a if a == results.len() => Excess::Certain,
                _ => Excess::Uncertain,
            });
        }
        let kind = match (
            ours.outcomes.len(),
            ours.outcomes.iter().next().map(String::as_str),
        ) {
            (1, Some(o)) => o.to_owned(),
            _ => "uncertain".to_owned(),
        };
        *tally.entry(format!("decision {kind}")).or_default() += 1;
        *tally
            .entry(format!("excess {:?}", ours.excess))
            .or_default() += 1;
        if ours.outcomes != theirs || ours.excess != excess {
            disagreements.push(format!(
                "setup {n}: smce-guard {:?} excess {:?}; iam-simulate {:?} excess {excess:?}\n{:#?}",
                ours.outcomes, ours.excess, theirs, setups[n]
            ));
        }
    }
    let coverage = coverage(&setups);
    // For the record (README: numbers measured): what was generated and decided.
    let record = json!({"setups": setups.len(), "simulations": lines.len(), "tally": tally, "coverage": coverage, "disagreements": disagreements.len()});
    std::fs::write(
        crate::common::root().join("target/simulator-summary.json"),
        serde_json::to_string_pretty(&record).unwrap(),
    )
    .unwrap();
    let headlines: Vec<&str> = disagreements
        .iter()
        .filter_map(|d| d.lines().next())
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} setups disagree:\n{}\n\nthe first:\n{}",
        disagreements.len(),
        setups.len(),
        headlines.join("\n"),
        disagreements
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // Every operator family, in its plain, IfExists and set forms, and every placement.
    for family in [
        "String",
        "StringLike",
        "Numeric",
        "Date",
        "Bool",
        "Binary",
        "IpAddress",
        "Arn",
        "Null",
        "IfExists",
        "ForAnyValue",
        "ForAllValues",
    ] {
        assert!(
            coverage.get(family).copied().unwrap_or(0) >= 20,
            "{family}: {coverage:?}"
        );
    }
}

/// How many generated conditions use each operator family and form.
fn coverage(setups: &[Setup]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for c in setups.iter().flat_map(|s| &s.conditions) {
        let op = c.operator;
        let base = op.rsplit(':').next().unwrap().trim_end_matches("IfExists");
        let family = match base {
            b if b.starts_with("StringLike") || b.starts_with("StringNotLike") => "StringLike",
            b if b.starts_with("String") => "String",
            b if b.starts_with("Numeric") => "Numeric",
            b if b.starts_with("Date") => "Date",
            "Bool" => "Bool",
            "BinaryEquals" => "Binary",
            "IpAddress" | "NotIpAddress" => "IpAddress",
            b if b.starts_with("Arn") => "Arn",
            "Null" => "Null",
            other => panic!("{other}"),
        };
        *out.entry(family).or_default() += 1;
        if op.ends_with("IfExists") {
            *out.entry("IfExists").or_default() += 1;
        }
        if op.starts_with("ForAnyValue") {
            *out.entry("ForAnyValue").or_default() += 1;
        }
        if op.starts_with("ForAllValues") {
            *out.entry("ForAllValues").or_default() += 1;
        }
    }
    out
}
