//! `deployer.excess-permission`: what the deployer can really do beyond `deployer.allow`. An
//! Allow statement within `allow` by its shape ([`permissions::within`]) is never excess. Any
//! other is probed: one witness request per class of requests it grants
//! ([`iam::probe`](super::iam::probe)), each decided as IAM would with every statement, the
//! boundary and the CI request's context. A witness beyond `allow` that is allowed whatever the
//! unknown keys is an error; one allowed only for some of their values is a warning that says
//! so; a statement whose every witness is denied (a Deny, the boundary, a condition CI requests
//! never meet) exceeds nothing. A statement too large to probe is reported as before, by its
//! shape. Nothing that reaches the deployer may be missing from the recording either: an unseen
//! group or managed policy may grant anything.

use super::deployer::describe;
use super::effective::Setup;
use super::iam::decision::{At, Doc};
use super::reach::{Play, Reach, reach};
use super::rules::Subject;
use super::{Judging, deciding, permissions};
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::document::{Patterns, Statement};

/// A statement's `Action`/`NotAction` or `Resource`/`NotResource` as detail fields: the
/// entries (the first 100) and whether they are excepted.
fn pattern_details(patterns: &Patterns) -> (serde_json::Value, bool) {
    let (items, except) = match patterns {
        Patterns::Only(items) => (items, false),
        Patterns::AllBut(items) => (items, true),
    };
    (items.iter().take(100).cloned().collect(), except)
}

/// `deployer.excess-permission`: no Allow statement reaching the deployer grants, in effect,
/// more than `deployer.allow`, and nothing that reaches it is missing from the recording.
pub fn excess_permission(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let allow = cx.policy.deployer_allow();
    // Unseen grants may be anything: a group or managed policy the recording lacks is reported
    // rather than assumed harmless.
    for group in user
        .groups
        .iter()
        .filter(|g| !cx.state.groups.contains_key(*g))
    {
        out.push(
            cx.finding(Route::of(["deployer", "allow"]), format!("the deployer `{name}` is in group `{group}`, whose policies the recording lacks"))
                .for_principal(name)
                .with_detail("policy", format!("group `{group}`"))
                .with_help("record the account again (the group must appear in GroupDetailList), or remove the deployer from the group"),
        );
    }
    let group_attached = user
        .groups
        .iter()
        .filter_map(|g| cx.state.groups.get(g))
        .flat_map(|g| g.attached_policies.iter());
    let mut attached: Vec<&String> = user
        .attached_policies
        .iter()
        .chain(group_attached)
        .collect();
    attached.sort();
    attached.dedup();
    for arn in attached {
        if cx
            .state
            .managed_policies
            .get(arn)
            .is_none_or(|p| p.document.is_none())
        {
            out.push(
                cx.finding(Route::of(["deployer", "allow"]), format!("managed policy `{arn}` reaches the deployer `{name}`, but the recording lacks its document"))
                    .for_principal(name)
                    .with_detail("policy", arn.clone())
                    .with_help("record the account again with the policy's versions, or detach the policy"),
            );
        }
    }
    let setup = Setup::deployer(cx, user);
    let play = Play::new(&setup, &allow);
    for (i, (origin, document)) in setup.sources.iter().enumerate() {
        let policy = origin.describe();
        for (index, statement) in (document.statements.iter().enumerate()).filter(|(_, s)| s.allow)
        {
            // What the statement may grant: the variables the request context knows resolved,
            // the others read as anything.
            let resolved = Statement {
                resources: setup.widest(document, statement),
                ..statement.clone()
            };
            if permissions::within(&resolved, &allow) {
                continue;
            }
            let at = At {
                doc: Doc::Identity(i),
                statement: index,
            };
            let (example, how) = match reach(&setup, at, &resolved.resources, &allow, &play) {
                Reach::Nowhere => continue,
                Reach::Surely(a, r) => (Some((a, r)), Exceeds::Surely),
                Reach::Perhaps(a, r, keys, traced) => {
                    let why = deciding::shortfall(&setup, &traced, &r);
                    (Some((a, r)), Exceeds::Perhaps { keys, why })
                }
                Reach::Elsewhere(a, r) => (Some((a, r)), Exceeds::Elsewhere),
                Reach::Undecided => (None, Exceeds::Surely),
            };
            out.push(finding(
                cx, name, &policy, origin, index, statement, example, how,
            ));
        }
    }
}

/// How a statement exceeds `allow`, as its finding says it.
enum Exceeds {
    /// Whatever the unknown keys (an error).
    Surely,
    /// For some values of these keys, because of these conditions (a warning).
    Perhaps { keys: Vec<String>, why: Vec<String> },
    /// Only on resources of another service than the action's (a warning).
    Elsewhere,
}

/// The finding for one statement.
#[allow(clippy::too_many_arguments)]
fn finding(
    cx: &Judging<'_>,
    name: &str,
    policy: &str,
    origin: &super::deployer::Origin<'_>,
    index: usize,
    statement: &Statement,
    example: Option<(String, String)>,
    how: Exceeds,
) -> Diagnostic {
    let severity = match how {
        Exceeds::Surely => Severity::Error,
        _ => Severity::Warning,
    };
    let label = statement.label(index);
    let (actions, not_action) = pattern_details(&statement.actions);
    let (resources, not_resource) = pattern_details(&statement.resources);
    // The example in a reader's spelling, and only where it says more than the statement: a
    // statement naming one action on one resource is its own example.
    let named = |p: &Patterns| match p {
        Patterns::Only(items) => items.clone(),
        Patterns::AllBut(_) => Vec::new(),
    };
    let example = example.map(|(a, r)| {
        (
            super::iam::probe::spelled(&a, &named(&statement.actions)),
            r,
        )
    });
    let own = |p: &Patterns, x: &str| matches!(p, Patterns::Only(items) if items.len() == 1 && items[0].eq_ignore_ascii_case(x));
    let e_g = example
        .as_ref()
        .filter(|(a, r)| !(own(&statement.actions, a) && own(&statement.resources, r)))
        .map(|(a, r)| format!(" (e.g. `{a}` on `{r}`)"))
        .unwrap_or_default();
    let what = describe(statement);
    let keys = match &how {
        Exceeds::Perhaps { keys, .. } => keys.clone(),
        _ => Vec::new(),
    };
    let message = match how {
        Exceeds::Surely => format!(
            "{policy} {label} grants the deployer `{name}` more than `deployer.allow`: {what}{e_g}"
        ),
        Exceeds::Perhaps { keys, why } => {
            let on = if keys.is_empty() {
                "condition operators IAM does not know".to_owned()
            } else {
                keys.join(", ")
            };
            format!(
                "{policy} {label} may grant the deployer `{name}` more than `deployer.allow`, depending on what CI requests do not fix ({on}): {what}{e_g}; {}",
                why.join("; ")
            )
        }
        Exceeds::Elsewhere => format!(
            "{policy} {label} may grant the deployer `{name}` more than `deployer.allow`, but only on resources of another service than the action's, which few actions take: {what}{e_g}"
        ),
    };
    let finding = cx.finding(Route::of(["deployer", "allow"]), message)
        .for_principal(name)
        .with_label("the deployer may do only this")
        .with_detail("policy", policy.to_owned())
        .with_detail("statement", label)
        .with_detail("source", origin.details())
        .with_detail("statement_index", index)
        .with_detail("sid", statement.sid.clone())
        .with_detail("actions", actions)
        .with_detail("not_action", not_action)
        .with_detail("resources", resources)
        .with_detail("not_resource", not_resource)
        .with_detail("certain", severity == Severity::Error)
        .with_detail("example", example.map(|(a, r)| serde_json::json!({"action": a, "resource": r})))
        .with_detail("depends_on", keys)
        .with_help("remove or narrow the statement (2i2c's terraform grants only eks:DescribeCluster on the cluster), or add the permission to `deployer.allow` if it is intended");
    if severity == Severity::Warning {
        finding.with_severity(Severity::Warning)
    } else {
        finding
    }
}
