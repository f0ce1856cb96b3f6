//! The decision for one request: every statement whose action matches is applied (resource and
//! conditions), for each combination of candidate values of the keys the context does not know,
//! and the outcomes are combined as AWS's "Policy evaluation logic" says for an IAM user of the
//! same account: an applying Deny (identity policies or boundary) denies; else an applying Allow
//! is needed in the identity policies, and in the boundary when there is one; else the request
//! is implicitly denied. A decision the combinations disagree on is uncertain, and the keys it
//! turns on are named with the values that deny.
//!
//! Cost: linear in the statements, times the combinations tried (at most [`MAX_COMBINATIONS`];
//! beyond, the remaining keys are judged condition by condition, which can only widen the
//! uncertainty, never hide a denial or a grant).

use super::Tri;
use super::context::{Fact, RequestContext};
use super::matching::{Scope, action_matches, condition_holds, resource_matches};
use crate::observe::document::{Document, Statement};
use std::collections::HashMap;

/// The one action AWS allows whatever the policies say.
pub const NEEDS_NO_PERMISSION: &str = "sts:GetCallerIdentity";

/// The most combinations of candidate values tried for one request.
pub const MAX_COMBINATIONS: usize = 1024;

/// The policies of one principal.
pub struct Policies<'a> {
    /// The identity policies' documents (the user's and its groups', inline and managed).
    pub identity: Vec<&'a Document>,
    /// The permissions boundary's document, when the user has one.
    pub boundary: Option<&'a Document>,
}

/// Which document a statement is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Doc {
    /// The identity document at this index of [`Policies::identity`].
    Identity(usize),
    Boundary,
}

/// A statement: its document and its index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    pub doc: Doc,
    pub statement: usize,
}

/// One request: a concrete action and resource.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
}

/// IAM's three answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Allowed,
    /// An explicit Deny applies.
    Denied,
    /// Nothing allows it.
    ImplicitlyDenied,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Allowed, Outcome::Denied, Outcome::ImplicitlyDenied];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::ImplicitlyDenied => "implicitly denied",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Outcomes(u8);

impl Outcomes {
    pub fn add(&mut self, outcome: Outcome) {
        self.0 |= outcome.bit();
    }
    pub fn contains(self, outcome: Outcome) -> bool {
        self.0 & outcome.bit() != 0
    }
    pub fn union(self, other: Outcomes) -> Outcomes {
        Outcomes(self.0 | other.0)
    }
    /// The outcome, when there is exactly one.
    pub fn only(self) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| self.0 == o.bit())
    }
    pub fn iter(self) -> impl Iterator<Item = Outcome> {
        Outcome::ALL.into_iter().filter(move |o| self.contains(*o))
    }
}

/// One condition of a statement, as evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionTrace {
    /// Its index in the statement's conditions.
    pub index: usize,
    pub holds: Tri,
}

/// One statement whose action matches the request, as evaluated (across the combinations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traced {
    pub at: At,
    pub allow: bool,
    pub resource: Tri,
    pub conditions: Vec<ConditionTrace>,
    pub applies: Tri,
}

/// A key the decision turns on, with the candidate values that deny and allow (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Influence {
    /// The key as the first condition testing it writes it.
    pub key: String,
    pub fact: Fact,
    pub denying: Vec<Option<Vec<String>>>,
    pub allowing: Vec<Option<Vec<String>>>,
}

/// What IAM would decide, and why.
#[derive(Clone, Debug)]
pub struct Decision {
    /// Every outcome some value of the unknown keys leads to.
    pub outcomes: Outcomes,
    /// Whether an explicit Deny applies, an identity Allow applies, and (with a boundary) a
    /// boundary Allow applies: `Yes`/`No` when every combination agrees.
    pub deny: Tri,
    pub allow: Tri,
    pub boundary: Option<Tri>,
    /// Every statement whose action matches, in document order.
    pub statements: Vec<Traced>,
    /// The unknown keys the outcome turns on.
    pub keys: Vec<Influence>,
}

impl Decision {
    /// The outcome, when it does not depend on what the context does not know.
    pub fn certain(&self) -> Option<Outcome> {
        self.outcomes.only()
    }
}

/// Decides `request` for the principal holding `policies`, in `context`.
pub fn decide(policies: &Policies<'_>, request: Request<'_>, context: &RequestContext) -> Decision {
    decide_with(policies, request, context, &|_, _| true)
}

/// One statement taking part: where it is, itself, and whether its document resolves variables.
pub(super) struct Taking<'a> {
    pub(super) at: At,
    pub(super) statement: &'a Statement,
    pub(super) variables: bool,
    /// Whether its resource can match at all (else it is traced, not evaluated).
    pub(super) live: bool,
}

/// [`decide`], with only the statements `keep` accepts.
pub fn decide_with(
    policies: &Policies<'_>,
    request: Request<'_>,
    context: &RequestContext,
    keep: &dyn Fn(At, &Statement) -> bool,
) -> Decision {
    let none = HashMap::new();
    let base = Scope {
        context,
        chosen: &none,
    };
    let documents = (policies.identity.iter().enumerate())
        .map(|(i, d)| (Doc::Identity(i), *d))
        .chain(policies.boundary.map(|d| (Doc::Boundary, d)));
    let mut taking: Vec<Taking<'_>> = Vec::new();
    for (doc, document) in documents {
        for (index, statement) in document.statements.iter().enumerate() {
            let at = At {
                doc,
                statement: index,
            };
            if keep(at, statement) && action_matches(statement, request.action) {
                let variables = document.has_variables();
                let live =
                    resource_matches(statement, variables, request.resource, &base) != Tri::No;
                taking.push(Taking {
                    at,
                    statement,
                    variables,
                    live,
                });
            }
        }
    }
    let keys = super::keys::enumerable(&taking, context, request.resource);
    // The combinations: keys with the fewest candidates first, while the product stays small.
    let mut chosen_keys: Vec<(String, Vec<Option<Vec<String>>>)> = Vec::new();
    let mut product = 1usize;
    let mut open: Vec<String> = Vec::new();
    for (key, candidates) in keys {
        match candidates {
            Some(c) if product.saturating_mul(c.len()) <= MAX_COMBINATIONS => {
                product *= c.len().max(1);
                chosen_keys.push((key, c));
            }
            _ => open.push(key),
        }
    }
    let mut chosen: HashMap<String, Option<Vec<String>>> = HashMap::new();
    let mut outcomes = Outcomes::default();
    let mut per_combination = Vec::with_capacity(product);
    let (mut deny_all, mut allow_all, mut bound_all): (Option<Tri>, Option<Tri>, Option<Tri>) =
        (None, None, None);
    let mut traces: Vec<Option<Traced>> = vec![None; taking.len()];
    for combination in 0..product {
        let mut rest = combination;
        for (key, candidates) in &chosen_keys {
            chosen.insert(key.clone(), candidates[rest % candidates.len()].clone());
            rest /= candidates.len();
        }
        let scope = Scope {
            context,
            chosen: &chosen,
        };
        let (mut deny, mut allow, mut bound) = (Tri::No, Tri::No, Tri::No);
        for (part, trace) in taking.iter().zip(traces.iter_mut()) {
            let s = part.statement;
            let resource = if part.live {
                resource_matches(s, part.variables, request.resource, &scope)
            } else {
                Tri::No
            };
            let conditions: Vec<ConditionTrace> = (s.conditions.iter().enumerate())
                .map(|(index, c)| ConditionTrace {
                    index,
                    holds: condition_holds(c, part.variables, &scope),
                })
                .collect();
            let applies = conditions.iter().fold(resource, |acc, c| acc.and(c.holds));
            match (s.allow, part.at.doc) {
                (false, _) => deny = deny.or(applies),
                (true, Doc::Boundary) => bound = bound.or(applies),
                (true, Doc::Identity(_)) => allow = allow.or(applies),
            }
            *trace = Some(match trace.take() {
                None => Traced {
                    at: part.at,
                    allow: s.allow,
                    resource,
                    conditions,
                    applies,
                },
                Some(mut t) => {
                    t.resource = t.resource.across(resource);
                    t.applies = t.applies.across(applies);
                    for (old, new) in t.conditions.iter_mut().zip(conditions) {
                        old.holds = old.holds.across(new.holds);
                    }
                    t
                }
            });
        }
        if policies.boundary.is_none() {
            bound = Tri::Yes;
        }
        let mut here = Outcomes::default();
        if deny != Tri::No {
            here.add(Outcome::Denied);
        }
        if deny != Tri::Yes {
            if allow != Tri::No && bound != Tri::No {
                here.add(Outcome::Allowed);
            }
            if allow != Tri::Yes || bound != Tri::Yes {
                here.add(Outcome::ImplicitlyDenied);
            }
        }
        outcomes = outcomes.union(here);
        per_combination.push(here);
        let fold = |all: Option<Tri>, now: Tri| Some(all.map_or(now, |a| a.across(now)));
        deny_all = fold(deny_all, deny);
        allow_all = fold(allow_all, allow);
        bound_all = fold(bound_all, bound);
    }
    let statements: Vec<Traced> = traces.into_iter().flatten().collect();
    let mut keys =
        super::keys::influences(&chosen_keys, &per_combination, &open, &taking, &statements);
    // AWS answers `sts:GetCallerIdentity` for every signed caller: "No permissions are required
    // to perform this operation", not even against an explicit Deny (STS API reference).
    if request.action.eq_ignore_ascii_case(NEEDS_NO_PERMISSION) {
        outcomes = Outcomes::default();
        outcomes.add(Outcome::Allowed);
        keys.clear();
    }
    Decision {
        outcomes,
        deny: deny_all.unwrap_or(Tri::No),
        allow: allow_all.unwrap_or(Tri::No),
        boundary: policies.boundary.map(|_| bound_all.unwrap_or(Tri::No)),
        statements,
        keys,
    }
}
