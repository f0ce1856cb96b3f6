//! How far an Allow statement of the deployer's reaches beyond `deployer.allow`: the patterns
//! that can cut its grant ([`Play`]), one witness request per class of requests it grants
//! ([`iam::probe`](super::iam::probe)), each decided as IAM would with every statement, the
//! boundary and the CI request's context.

use super::deciding;
use super::effective::Setup;
use super::iam::decision::{At, Doc, Outcome};
use super::iam::{self, Request, Tri};
use crate::observe::document::{Patterns, Statement};
use crate::policy::model::Grant;

/// How far a statement reaches beyond `allow`.
pub enum Reach {
    /// Nowhere: every request it grants beyond `allow` is denied.
    Nowhere,
    /// This request, whatever the unknown keys.
    Surely(String, String),
    /// This request, for some values of the unknown keys (named), as the statement was traced.
    Perhaps(String, String, Vec<String>, Box<iam::decision::Traced>),
    /// Only requests on resources of another service than the action's: whatever the unknown
    /// keys, but only if the action takes such a resource, which few do.
    Elsewhere(String, String),
    /// Too large to probe.
    Undecided,
}

/// The patterns that can cut a statement's grant, gathered once per account: the declared
/// entries, every Deny statement and the boundary's statements; and, by condition key, the
/// identity Allow statements with conditions (two that test one key may grant together, for
/// every value of the key, what neither grants alone).
pub struct Play {
    actions: Vec<String>,
    resources: Vec<String>,
    by_key: std::collections::HashMap<String, Vec<At>>,
}

impl Play {
    pub fn new(setup: &Setup<'_>, allow: &[Grant]) -> Play {
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

pub fn reach(
    setup: &Setup<'_>,
    at: At,
    resources: &Patterns,
    allow: &[Grant],
    play: &Play,
) -> Reach {
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
    let elsewhere_region = if region == "us-east-1" {
        "us-west-2"
    } else {
        "us-east-1"
    };
    let examples = [
        format!("arn:aws:eks:{region}:{account}:cluster/another-cluster"),
        format!("arn:aws:eks:{elsewhere_region}:{account}:cluster/another-cluster"),
        format!("arn:aws:iam::{account}:user/another-user"),
        "arn:aws:s3:::another-bucket/object".to_owned(),
        format!(
            "arn:aws:eks:{region}:{account}:nodegroup/another-cluster/workers/0a1b2c3d-0000-0000-0000-000000000000"
        ),
    ];
    // Actions named exactly that a Deny on every resource takes whatever the unknown keys (the
    // classic `NotAction` MFA guard, in the CI context) are denied on every request: left out
    // before any resource is cut into cells. A Deny on `*` that applies whatever the keys does
    // not turn on the resource, so this cannot hide a grant.
    let mut actions = std::borrow::Cow::Borrowed(&statement.actions);
    if let Patterns::Only(named) = &statement.actions
        && !named.iter().any(|a| a.contains(['*', '?']))
    {
        let policies = setup.policies();
        let on_everything = |_: At, s: &Statement| {
            !s.allow && matches!(&s.resources, Patterns::Only(r) if r.iter().any(|r| r == "*"))
        };
        let kept: Vec<String> = (named.iter())
            .filter(|action| {
                let request = Request {
                    action,
                    resource: "*",
                };
                iam::decision::decide_with(&policies, request, &setup.context, &on_everything).deny
                    != Tri::Yes
            })
            .cloned()
            .collect();
        if kept.is_empty() {
            return Reach::Nowhere;
        }
        if kept.len() < named.len() {
            actions = std::borrow::Cow::Owned(Patterns::Only(kept));
        }
    }
    let Ok(w) = iam::probe::witnesses(&actions, resources, &a, &r, &examples) else {
        return Reach::Undecided;
    };
    let policies = setup.policies();
    let mut perhaps = None;
    let mut elsewhere: Option<(String, String)> = None;
    for (action, resource) in &w.pairs {
        {
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
                if same_service(action, resource) {
                    return Reach::Surely(action.clone(), resource.clone());
                }
                elsewhere.get_or_insert_with(|| (action.clone(), resource.clone()));
                continue;
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
    perhaps
        .or(elsewhere.map(|(a, r)| Reach::Elsewhere(a, r)))
        .unwrap_or(Reach::Nowhere)
}

/// Whether `resource` is of the service `action` belongs to (or `*`): most actions take only
/// resources of their own service, so a grant seen only on another service's resources is not
/// counted as surely reaching beyond `allow`.
fn same_service(action: &str, resource: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    resource == "*"
        || resource
            .split(':')
            .nth(2)
            .is_some_and(|s| s.eq_ignore_ascii_case(service))
}
