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
use super::iam::decision::{At, Doc, Outcome};
use super::iam::{self, Request, Tri};
use super::rules::Subject;
use super::variables::{self, Principal, Reading};
use super::{Judging, deciding, permissions};
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::document::{Patterns, Statement};
use crate::policy::model::Grant;

/// A statement's `Action`/`NotAction` or `Resource`/`NotResource` as detail fields: the
/// entries (the first 100) and whether they are excepted.
fn pattern_details(patterns: &crate::observe::document::Patterns) -> (serde_json::Value, bool) {
    use crate::observe::document::Patterns;
    let (items, except) = match patterns {
        Patterns::Only(items) => (items, false),
        Patterns::AllBut(items) => (items, true),
    };
    (items.iter().take(100).cloned().collect(), except)
}

/// How far a statement reaches beyond `allow`.
enum Reach {
    /// Nowhere: every request it grants beyond `allow` is denied.
    Nowhere,
    /// This request, whatever the unknown keys.
    Surely(String, String),
    /// This request, for some values of the unknown keys (named), as the statement was traced.
    Perhaps(String, String, Vec<String>, Box<iam::decision::Traced>),
    /// Too large to probe.
    Undecided,
}

/// The patterns that can cut a statement's grant, gathered once per account: the declared
/// entries, every Deny statement and the boundary's statements; and, by condition key, the
/// identity Allow statements with conditions (two that test one key may grant together, for
/// every value of the key, what neither grants alone).
struct Play {
    actions: Vec<String>,
    resources: Vec<String>,
    by_key: std::collections::HashMap<String, Vec<At>>,
}

impl Play {
    fn new(setup: &Setup<'_>, allow: &[Grant]) -> Play {
        let mut play = Play {
            actions: allow.iter().map(|g| g.action.clone()).collect(),
            resources: allow.iter().map(|g| g.resource.clone()).collect(),
            by_key: Default::default(),
        };
        for (at, document, statement) in setup.statements() {
            if statement.allow && at.doc != Doc::Boundary {
                for c in &statement.conditions {
                    play.by_key
                        .entry(c.key.to_ascii_lowercase())
                        .or_default()
                        .push(at);
                }
                continue;
            }
            play.add(setup, document, statement);
        }
        play
    }

    /// A statement's resources with each variable of an unknown key also read as each value a
    /// condition anywhere names for that key: the resource such a value makes the statement name
    /// is a class of its own (`cluster/${aws:PrincipalOrgID}` with `StringEquals
    /// aws:PrincipalOrgID o-1` names `cluster/o-1`).
    fn instantiated(setup: &Setup<'_>, resources: &[String]) -> Vec<String> {
        use super::variables::{Part, resource_parts};
        let mut out = Vec::new();
        for pattern in resources {
            let variables: Vec<&str> = resource_parts(pattern)
                .into_iter()
                .filter_map(|p| match p {
                    Part::Variable { key, .. } => Some(key),
                    _ => None,
                })
                .filter(|k| !matches!(setup.context.fact(k), iam::Fact::Known(_)))
                .collect();
            for key in variables {
                let literals = (setup.statements())
                    .flat_map(|(_, _, s)| &s.conditions)
                    .filter(|c| c.key.eq_ignore_ascii_case(key))
                    .flat_map(|c| c.values.iter());
                for literal in literals {
                    let text: String = resource_parts(pattern)
                        .into_iter()
                        .map(|p| match p {
                            Part::Text(t) => t.to_owned(),
                            Part::Escape(c) => c.to_string(),
                            Part::Variable { key: k, .. } if k == key => literal.clone(),
                            Part::Variable { .. } => "*".to_owned(),
                        })
                        .collect();
                    out.push(text);
                }
            }
        }
        out
    }

    fn add(
        &mut self,
        setup: &Setup<'_>,
        document: &crate::observe::document::Document,
        statement: &Statement,
    ) {
        let (Patterns::Only(a) | Patterns::AllBut(a)) = &statement.actions;
        self.actions.extend(a.iter().cloned());
        let (Patterns::Only(r) | Patterns::AllBut(r)) = setup.widest(document, statement);
        self.resources.extend(r);
        let (Patterns::Only(raw) | Patterns::AllBut(raw)) = &statement.resources;
        if document.has_variables() {
            self.resources.extend(Play::instantiated(setup, raw));
        }
    }

    /// The patterns in play for statement `at`.
    fn for_statement(&self, setup: &Setup<'_>, at: At) -> (Vec<String>, Vec<String>) {
        let mut own = Play {
            actions: self.actions.clone(),
            resources: self.resources.clone(),
            by_key: Default::default(),
        };
        let mut seen = vec![at];
        for c in &setup.statement(at).conditions {
            for other in self
                .by_key
                .get(&c.key.to_ascii_lowercase())
                .into_iter()
                .flatten()
            {
                if !seen.contains(other) {
                    seen.push(*other);
                    own.add(setup, setup.document(other.doc), setup.statement(*other));
                }
            }
        }
        for list in [&mut own.actions, &mut own.resources] {
            list.sort();
            list.dedup();
        }
        (own.actions, own.resources)
    }
}

fn covered(allow: &[Grant], action: &str, resource: &str) -> bool {
    allow.iter().any(|g| {
        iam::cells::Glob::iam(&g.action).lowered().matches(action)
            && iam::cells::Glob::iam(&g.resource).matches(resource)
    })
}

fn reach(setup: &Setup<'_>, at: At, resources: &Patterns, allow: &[Grant], play: &Play) -> Reach {
    let mut play = play.for_statement(setup, at);
    let statement = setup.statement(at);
    let (Patterns::Only(raw) | Patterns::AllBut(raw)) = &statement.resources;
    if setup.document(at.doc).has_variables() {
        play.1.extend(Play::instantiated(setup, raw));
    }
    let a: Vec<&str> = play.0.iter().map(String::as_str).collect();
    let r: Vec<&str> = play.1.iter().map(String::as_str).collect();
    // Resources a reader knows, tried first as examples.
    let context = &setup.context;
    let known = |key: &str| match context.fact(key) {
        iam::Fact::Known(Some(v)) => v.first().cloned(),
        _ => None,
    };
    let (account, region) = (
        known("aws:ResourceAccount").unwrap_or_default(),
        known("aws:RequestedRegion").unwrap_or_default(),
    );
    let examples = [
        format!("arn:aws:eks:{region}:{account}:cluster/another-cluster"),
        format!("arn:aws:iam::{account}:user/another-user"),
        "arn:aws:s3:::another-bucket/object".to_owned(),
        format!("arn:aws:eks:{region}:{account}:nodegroup/cluster/nodegroup/id"),
    ];
    let Ok(w) = iam::probe::witnesses(&statement.actions, resources, &a, &r, &examples) else {
        return Reach::Undecided;
    };
    let policies = setup.policies();
    let mut perhaps = None;
    for action in &w.actions {
        for resource in &w.resources {
            // No grant gives what AWS allows anyway.
            if covered(allow, action, resource)
                || action.eq_ignore_ascii_case(iam::decision::NEEDS_NO_PERMISSION)
            {
                continue;
            }
            let request = Request { action, resource };
            let decision = iam::decide(&policies, request, &setup.context);
            let grants = (decision.statements.iter()).any(|t| t.at == at && t.applies != Tri::No);
            if !grants || !decision.outcomes.contains(Outcome::Allowed) {
                continue;
            }
            if decision.certain() == Some(Outcome::Allowed) {
                return Reach::Surely(action.clone(), resource.clone());
            }
            if perhaps.is_none() {
                let mut keys: Vec<String> = decision
                    .keys
                    .iter()
                    .map(|k| format!("`{}`", k.key))
                    .collect();
                for t in decision
                    .statements
                    .iter()
                    .filter(|t| t.applies == Tri::Maybe)
                {
                    for key in deciding::unknown_variables(setup, t) {
                        let named = format!("`${{{key}}}`");
                        if !keys.contains(&named) {
                            keys.push(named);
                        }
                    }
                }
                let traced = (decision.statements.iter()).find(|t| t.at == at).cloned();
                perhaps = traced
                    .map(|t| Reach::Perhaps(action.clone(), resource.clone(), keys, Box::new(t)));
            }
        }
    }
    perhaps.unwrap_or(Reach::Nowhere)
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
    let who = Principal::of(user, &cx.policy.account.id);
    let play = Play::new(&setup, &allow);
    for (i, (origin, document)) in setup.sources.iter().enumerate() {
        let policy = origin.describe();
        for (index, statement) in (document.statements.iter().enumerate()).filter(|(_, s)| s.allow)
        {
            // What the statement may grant: an unknown variable may be anything.
            let resolved = variables::resolve(document, statement, &who, Reading::Widest);
            if permissions::within(&resolved, &allow) {
                continue;
            }
            let at = At {
                doc: Doc::Identity(i),
                statement: index,
            };
            let (example, keys, traced) =
                match reach(&setup, at, &resolved.resources, &allow, &play) {
                    Reach::Nowhere => continue,
                    Reach::Surely(a, r) => (Some((a, r)), Vec::new(), None),
                    Reach::Perhaps(a, r, keys, traced) => (Some((a, r)), keys, Some(traced)),
                    Reach::Undecided => (None, Vec::new(), None),
                };
            let resource = example.as_ref().map_or("", |(_, r)| r.as_str());
            let why = traced.map(|t| deciding::shortfall(&setup, &t, resource));
            out.push(finding(
                cx, name, &policy, origin, index, statement, example, keys, why,
            ));
        }
    }
}

/// The finding for one statement: certain unless `why` says which conditions it turns on.
#[allow(clippy::too_many_arguments)]
fn finding(
    cx: &Judging<'_>,
    name: &str,
    policy: &str,
    origin: &super::deployer::Origin<'_>,
    index: usize,
    statement: &Statement,
    example: Option<(String, String)>,
    keys: Vec<String>,
    why: Option<Vec<String>>,
) -> Diagnostic {
    let severity = if why.is_some() {
        Severity::Warning
    } else {
        Severity::Error
    };
    let label = statement.label(index);
    let (actions, not_action) = pattern_details(&statement.actions);
    let (resources, not_resource) = pattern_details(&statement.resources);
    let e_g = example
        .as_ref()
        .map(|(a, r)| format!(" (e.g. `{a}` on `{r}`)"))
        .unwrap_or_default();
    let message = if severity == Severity::Error {
        format!(
            "{policy} {label} grants the deployer `{name}` more than `deployer.allow`: {}{e_g}",
            describe(statement)
        )
    } else {
        let on = if keys.is_empty() {
            "condition operators IAM does not know".to_owned()
        } else {
            keys.join(", ")
        };
        format!(
            "{policy} {label} may grant the deployer `{name}` more than `deployer.allow`, depending on what CI requests do not fix ({on}): {}{e_g}; {}",
            describe(statement),
            why.unwrap_or_default().join("; ")
        )
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
