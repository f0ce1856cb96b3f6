//! The keys a decision turns on: which unknown keys the live statements read (in conditions, or
//! through a variable in a resource), with the candidate values the decision tries for each; and,
//! once tried, which of them changed the outcome, with the values that deny and allow.

use super::Tri;
use super::candidates::{self, Cond};
use super::context::{Fact, RequestContext};
use super::decision::{Influence, Outcome, Outcomes, Taking, Traced};
use super::matching::Scope;
use super::operators::{self, Operator, Variable};
use crate::engine::variables::{Part, parts, resource_parts};
use crate::observe::document::Patterns;
use std::collections::HashMap;

/// A key's value in one request: absent (`None`), or these values.
pub type KeyValue = Option<Vec<String>>;

/// What a resource pattern's variable does for one request: nothing (no unknown variable, or no
/// value makes it name the resource), one value makes it name the resource, or the value cannot
/// be told (wildcards around it, or two unknown variables).
enum Through<'a> {
    Nothing,
    Names(&'a str, String),
    Opaque(Vec<&'a str>),
}

fn through_resource<'a>(pattern: &'a str, resource: &str, scope: &Scope<'_>) -> Through<'a> {
    let (mut before, mut after) = (String::new(), String::new());
    let mut variable: Option<&'a str> = None;
    let mut unknown: Vec<&'a str> = Vec::new();
    let mut wild = false;
    for part in resource_parts(pattern) {
        let text = match part {
            Part::Text(t) => {
                wild |= t.contains(['*', '?']);
                t.to_owned()
            }
            Part::Escape(c) => c.to_string(),
            Part::Variable { key, default } => match (scope.variable(key), default) {
                (Variable::One(v), _) => v,
                (Variable::Missing, Some(d)) => d.to_owned(),
                (Variable::Missing, None) => return Through::Nothing,
                (Variable::Unknown, _) => {
                    unknown.push(key);
                    variable = Some(key);
                    continue;
                }
            },
        };
        if variable.is_none() {
            before.push_str(&text)
        } else {
            after.push_str(&text)
        }
    }
    match (variable, unknown.len()) {
        (None, _) => Through::Nothing,
        (Some(_), n) if n > 1 || wild => Through::Opaque(unknown),
        (Some(key), _) => {
            let fits = resource.len() >= before.len() + after.len()
                && resource.starts_with(&before)
                && resource.ends_with(&after);
            if fits {
                Through::Names(
                    key,
                    resource[before.len()..resource.len() - after.len()].to_owned(),
                )
            } else {
                Through::Nothing
            }
        }
    }
}

/// The keys that conditions of live statements test, or their resources read through a
/// variable, and the context does not know, with their candidates (`None`: too many, or read
/// through a variable no one value settles, so judged condition by condition).
pub(super) fn enumerable(
    taking: &[Taking<'_>],
    context: &RequestContext,
    resource: &str,
) -> Vec<(String, Option<Vec<KeyValue>>)> {
    let none = HashMap::new();
    let base = Scope {
        context,
        chosen: &none,
    };
    let unknown = |key: &str| !matches!(context.fact(key), Fact::Known(_));
    // Keys read through a variable in a condition's values stay unchosen: their candidates would
    // not account for what the variable compares. One read in a resource is chosen when one value
    // makes the resource the request's: that value is a class of its own.
    let mut opaque_keys: Vec<String> = Vec::new();
    let mut named: Vec<(String, String)> = Vec::new();
    for part in taking.iter().filter(|p| p.live && p.variables) {
        let (Patterns::Only(list) | Patterns::AllBut(list)) = &part.statement.resources;
        for pattern in list {
            match through_resource(pattern, resource, &base) {
                Through::Nothing => {}
                Through::Names(key, value) => named.push((key.to_ascii_lowercase(), value)),
                Through::Opaque(keys) => {
                    opaque_keys.extend(keys.iter().map(|k| k.to_ascii_lowercase()))
                }
            }
        }
        for c in &part.statement.conditions {
            for v in &c.values {
                for p in parts(v) {
                    if let Part::Variable { key, .. } = p
                        && unknown(key)
                    {
                        opaque_keys.push(key.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    // Conditions per key, in the order the statements name them; then the values resources name.
    type Tests = Vec<(Operator, Vec<operators::Value>, Vec<String>)>;
    let mut order: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, (Fact, Tests, bool)> = HashMap::new();
    fn entry<'m>(
        by_key: &'m mut HashMap<String, (Fact, Tests, bool)>,
        order: &mut Vec<String>,
        context: &RequestContext,
        key: &str,
    ) -> &'m mut (Fact, Tests, bool) {
        let lower = key.to_ascii_lowercase();
        by_key.entry(lower.clone()).or_insert_with(|| {
            order.push(lower);
            (context.fact(key), Vec::new(), false)
        })
    }
    for part in taking.iter().filter(|p| p.live) {
        for c in part.statement.conditions.iter().filter(|c| unknown(&c.key)) {
            let e = entry(&mut by_key, &mut order, context, &c.key);
            match Operator::parse(&c.operator) {
                Some(op) => {
                    let values =
                        operators::prepare(&op, &c.values, part.variables, &|k| base.variable(k));
                    if values.contains(&operators::Value::Unknown) {
                        e.2 = true;
                    }
                    e.1.push((op, values, c.values.clone()));
                }
                None => e.2 = true,
            }
        }
    }
    let equals = Operator::parse("StringEquals").expect("an operator");
    for (key, value) in named {
        entry(&mut by_key, &mut order, context, &key).1.push((
            equals,
            vec![operators::Value::Text(value.clone())],
            vec![value],
        ));
    }
    order
        .into_iter()
        .map(|key| {
            let (fact, conds, opaque) = &by_key[&key];
            let candidates = (!opaque && !opaque_keys.contains(&key))
                .then(|| {
                    let conds: Vec<Cond<'_>> = conds
                        .iter()
                        .map(|(operator, values, raw)| Cond {
                            operator: *operator,
                            values,
                            raw,
                        })
                        .collect();
                    candidates::of(&key, fact, &conds).ok()
                })
                .flatten();
            (key, candidates)
        })
        .collect()
}

/// The chosen keys whose value changes the outcome (two combinations that differ only in it
/// disagree), with the values that deny and allow; then the unchosen keys that left a condition
/// uncertain.
pub(super) fn influences(
    chosen_keys: &[(String, Vec<Option<Vec<String>>>)],
    per_combination: &[Outcomes],
    open: &[String],
    taking: &[Taking<'_>],
    statements: &[Traced],
) -> Vec<Influence> {
    let written = |lower: &str| {
        let in_conditions = (taking.iter().flat_map(|p| &p.statement.conditions))
            .find(|c| c.key.eq_ignore_ascii_case(lower))
            .map(|c| c.key.clone());
        let in_resources = || {
            taking.iter().find_map(|p| {
                let (Patterns::Only(list) | Patterns::AllBut(list)) = &p.statement.resources;
                list.iter()
                    .flat_map(|r| resource_parts(r))
                    .find_map(|part| match part {
                        Part::Variable { key, .. } if key.eq_ignore_ascii_case(lower) => {
                            Some(key.to_owned())
                        }
                        _ => None,
                    })
            })
        };
        in_conditions
            .or_else(in_resources)
            .unwrap_or_else(|| lower.to_owned())
    };
    let mut out = Vec::new();
    let mut stride = 1;
    for (key, candidates) in chosen_keys {
        let n = candidates.len();
        let digit = |c: usize| (c / stride) % n;
        let matters = (0..per_combination.len())
            .any(|c| digit(c) + 1 < n && per_combination[c] != per_combination[c + stride]);
        if matters {
            let mut denying = Vec::new();
            let mut allowing = Vec::new();
            for (value_index, value) in candidates.iter().enumerate() {
                let here = (0..per_combination.len())
                    .filter(|c| digit(*c) == value_index)
                    .fold(Outcomes::default(), |acc, c| acc.union(per_combination[c]));
                if here.contains(Outcome::Denied) || here.contains(Outcome::ImplicitlyDenied) {
                    denying.push(value.clone());
                }
                if here.contains(Outcome::Allowed) {
                    allowing.push(value.clone());
                }
            }
            out.push(Influence {
                key: written(key),
                fact: Fact::Unknown,
                denying,
                allowing,
            });
        }
        stride *= n;
    }
    for key in open {
        let uncertain = statements.iter().any(|t| {
            t.conditions.iter().any(|c| {
                c.holds == Tri::Maybe
                    && taking.iter().find(|p| p.at == t.at).is_some_and(|p| {
                        p.statement.conditions[c.index]
                            .key
                            .eq_ignore_ascii_case(key)
                    })
            })
        });
        if uncertain {
            out.push(Influence {
                key: written(key),
                fact: Fact::Unknown,
                denying: Vec::new(),
                allowing: Vec::new(),
            });
        }
    }
    out
}
