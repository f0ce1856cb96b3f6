//! Whether one statement applies to one request: its action, its resource (policy variables
//! resolved from the request context) and each of its conditions, three-valued where the
//! context does not know a key.

use super::Tri;
use super::candidates::{self, Cond};
use super::cells::{Glob, Tok};
use super::context::{Fact, RequestContext};
use super::operators::{self, Operator, Variable};
use crate::engine::variables::{Part, resource_parts};
use crate::observe::document::{Condition, Patterns, Statement};
use std::collections::HashMap;

/// The keys of one evaluation: values chosen for keys the context does not know (the decision
/// tries each candidate in turn), else what the context knows.
pub struct Scope<'a> {
    pub context: &'a RequestContext,
    /// Chosen values by lower-case key: absent (`None`) or these values.
    pub chosen: &'a HashMap<String, Option<Vec<String>>>,
}

impl Scope<'_> {
    /// What is known of `key` in this evaluation.
    pub fn fact(&self, key: &str) -> Fact {
        match self.chosen.get(&key.to_ascii_lowercase()) {
            Some(value) => Fact::Known(value.clone()),
            None => self.context.fact(key),
        }
    }

    /// A policy variable's value.
    pub fn variable(&self, key: &str) -> Variable {
        match self.fact(key) {
            Fact::Known(Some(values)) if values.len() == 1 => Variable::One(values[0].clone()),
            Fact::Known(_) => Variable::Missing,
            Fact::OneOf(_) | Fact::Unknown => Variable::Unknown,
        }
    }
}

/// Whether `pattern` (an action or resource pattern of a policy) holds a wildcard.
fn wild(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether the statement's `Action`/`NotAction` takes in `action` (compared in lower case).
pub fn action_matches(statement: &Statement, action: &str) -> bool {
    let one = |pattern: &String| {
        if wild(pattern) {
            Glob::iam(pattern)
                .lowered()
                .matches(&action.to_ascii_lowercase())
        } else {
            pattern.eq_ignore_ascii_case(action)
        }
    };
    match &statement.actions {
        Patterns::Only(list) => list.iter().any(one),
        Patterns::AllBut(list) => !list.iter().any(one),
    }
}

/// One resource pattern against the request's resource: `Err` when a variable has no value, which
/// makes the statement invalid for the request ("IAM policy elements: Variables and tags": "any
/// attempt to match it fails").
fn entry_matches(
    pattern: &str,
    variables: bool,
    resource: &str,
    scope: &Scope<'_>,
) -> Result<Tri, ()> {
    // A `${` before an ARN's fifth colon is no variable (IAM resolves them only in the resource
    // portion), and no real partition, service, region or account holds one: it names nothing.
    if pattern.starts_with("arn:") && pattern.splitn(6, ':').take(5).any(|p| p.contains("${")) {
        return Ok(Tri::No);
    }
    if !variables || !pattern.contains("${") {
        return Ok(Tri::from(if wild(pattern) {
            Glob::iam(pattern).matches(resource)
        } else {
            pattern == resource
        }));
    }
    let mut toks = Vec::with_capacity(pattern.len());
    let mut unknown = false;
    for part in resource_parts(pattern) {
        match part {
            Part::Text(text) => toks.extend(Glob::iam(text).0),
            Part::Escape(c) => toks.push(Tok::Lit(c)),
            Part::Variable { key, default } => match (scope.variable(key), default) {
                (Variable::One(value), _) => toks.extend(Glob::literal(&value).0),
                (Variable::Missing, Some(default)) => toks.extend(Glob::literal(default).0),
                (Variable::Missing, None) => return Err(()),
                // Any value: what a `*` there matches is all it could match.
                (Variable::Unknown, _) => {
                    unknown = true;
                    toks.push(Tok::Star);
                }
            },
        }
    }
    let matched = Glob(toks).matches(resource);
    Ok(match (matched, unknown) {
        (false, _) => Tri::No,
        (true, false) => Tri::Yes,
        (true, true) => Tri::Maybe,
    })
}

/// Whether the statement's `Resource`/`NotResource` takes in `resource`.
pub fn resource_matches(
    statement: &Statement,
    variables: bool,
    resource: &str,
    scope: &Scope<'_>,
) -> Tri {
    match &statement.resources {
        Patterns::Only(list) => list.iter().fold(Tri::No, |acc, p| {
            acc.or(entry_matches(p, variables, resource, scope).unwrap_or(Tri::No))
        }),
        Patterns::AllBut(list) => {
            let mut acc = Tri::Yes;
            for pattern in list {
                match entry_matches(pattern, variables, resource, scope) {
                    Ok(matched) => acc = acc.and(matched.not()),
                    Err(()) => return Tri::No,
                }
            }
            acc
        }
    }
}

/// Whether one condition holds. A key the scope does not fix is judged over its candidates: the
/// condition is known when all of them agree.
pub fn condition_holds(condition: &Condition, variables: bool, scope: &Scope<'_>) -> Tri {
    // IAM refuses a policy with an operator it does not know; one read from a recording cannot
    // be judged either way.
    let Some(operator) = Operator::parse(&condition.operator) else {
        return Tri::Maybe;
    };
    let values = operators::prepare(&operator, &condition.values, variables, &|key| {
        scope.variable(key)
    });
    let on =
        |value: Option<&[String]>| operators::holds(&operator, value, &values, &condition.values);
    match scope.fact(&condition.key) {
        Fact::Known(value) => on(value.as_deref()),
        fact => {
            // Without a variable, the answer is a function of the condition's text and of what
            // is known of its key; the walk over candidates is the costly part, and one
            // statement is asked about request after request.
            let plain = !variables || !condition.values.iter().any(|v| v.contains("${"));
            let memo = plain.then(|| open_key(condition, &fact));
            if let Some(known) = memo
                .as_ref()
                .and_then(|k| OPEN.with_borrow(|m| m.get(k).copied()))
            {
                return known;
            }
            let cond = Cond {
                operator,
                values: &values,
                raw: &condition.values,
            };
            let answer = match candidates::of(&condition.key, &fact, &[cond]) {
                Ok(candidates) => candidates
                    .iter()
                    .map(|c| on(c.as_deref()))
                    .reduce(Tri::across)
                    .unwrap_or(Tri::Maybe),
                Err(_) => Tri::Maybe,
            };
            if let Some(key) = memo {
                OPEN.with_borrow_mut(|m| {
                    // Bounded: a run over many accounts keeps only the recent conditions.
                    if m.len() >= OPEN_LIMIT {
                        m.clear();
                    }
                    m.insert(key, answer);
                });
            }
            answer
        }
    }
}

/// The most open conditions remembered per thread.
const OPEN_LIMIT: usize = 4_096;

thread_local! {
    /// Open conditions (their key not fixed) already judged, by their text and what is known of
    /// the key: the same text and knowledge always give the same answer.
    static OPEN: std::cell::RefCell<HashMap<String, Tri>> = std::cell::RefCell::new(HashMap::new());
}

/// The memo's key: the condition's operator, key (as IAM compares it) and values, and the fact.
fn open_key(condition: &Condition, fact: &Fact) -> String {
    format!(
        "{:?}\u{0}{}\u{0}{:?}\u{0}{:?}",
        condition.operator,
        condition.key.to_ascii_lowercase(),
        condition.values,
        fact
    )
}
