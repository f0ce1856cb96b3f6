//! The statements behind a decision, as findings and `access` name them: where a statement comes
//! from, whether it named the request, and each condition with how the CI request's context
//! decided it ([`wording`](super::wording)).

use super::effective::Setup;
use super::iam::Tri;
use super::iam::decision::{At, Traced};
use super::wording;
use serde_json::{Value, json};

/// ``inline policy `eks-readonly` statement `Sid` ``.
pub fn label(setup: &Setup<'_>, at: At) -> String {
    format!(
        "{} {}",
        setup.origin(at.doc).describe(),
        setup.statement(at).label(at.statement)
    )
}

/// Why a statement that names the request's action did not (surely) apply: it does not name the
/// resource, or conditions failed (or may fail). Empty when it applies.
pub fn shortfall(setup: &Setup<'_>, t: &Traced, resource: &str) -> Vec<String> {
    let statement = setup.statement(t.at);
    match t.resource {
        Tri::No => return vec![format!("its resources do not take in `{resource}`")],
        Tri::Maybe => {
            return vec![format!(
                "its resources take in `{resource}` only for some values of a policy variable"
            )];
        }
        Tri::Yes => {}
    }
    (t.conditions.iter())
        .filter(|c| c.holds != Tri::Yes)
        .map(|c| {
            let condition = &statement.conditions[c.index];
            format!(
                "{}: {}",
                wording::condition(condition),
                wording::why(condition, c.holds, &setup.context)
            )
        })
        .collect()
}

/// Each condition of a statement that applies (or may), with why.
pub fn conditions_met(setup: &Setup<'_>, t: &Traced) -> Vec<String> {
    let statement = setup.statement(t.at);
    (t.conditions.iter())
        .map(|c| {
            let condition = &statement.conditions[c.index];
            format!(
                "{}: {}",
                wording::condition(condition),
                wording::why(condition, c.holds, &setup.context)
            )
        })
        .collect()
}

/// A traced statement as detail fields: where it comes from, which it is, and how each part of
/// it was decided.
pub fn detail(setup: &Setup<'_>, t: &Traced) -> Value {
    let statement = setup.statement(t.at);
    let conditions: Vec<Value> = (t.conditions.iter())
        .map(|c| {
            let condition = &statement.conditions[c.index];
            json!({
                "operator": condition.operator,
                "key": condition.key,
                "values": condition.values,
                "holds": c.holds.as_str(),
                "why": wording::why(condition, c.holds, &setup.context),
            })
        })
        .collect();
    json!({
        "policy": setup.origin(t.at.doc).describe(),
        "statement": statement.label(t.at.statement),
        "source": setup.origin(t.at.doc).details(),
        "statement_index": t.at.statement,
        "sid": statement.sid,
        "effect": if t.allow { "Allow" } else { "Deny" },
        "resource_matches": t.resource.as_str(),
        "applies": t.applies.as_str(),
        "conditions": conditions,
    })
}

/// The policy variables of a statement (its resources and condition values) whose keys the
/// context does not know, as written: what an uncertain decision turns on when no condition key
/// does.
pub fn unknown_variables(setup: &Setup<'_>, t: &Traced) -> Vec<String> {
    use super::iam::context::Fact;
    use super::variables::{Part, parts, resource_parts};
    let statement = setup.statement(t.at);
    if !setup.document(t.at.doc).has_variables() {
        return Vec::new();
    }
    let (crate::observe::document::Patterns::Only(list)
    | crate::observe::document::Patterns::AllBut(list)) = &statement.resources;
    let values = statement.conditions.iter().flat_map(|c| c.values.iter());
    let found = (list.iter().flat_map(|r| resource_parts(r))).chain(values.flat_map(|v| parts(v)));
    let mut out: Vec<String> = Vec::new();
    for part in found {
        if let Part::Variable { key, .. } = part
            && !matches!(setup.context.fact(key), Fact::Known(_))
            && !out.iter().any(|k| k.eq_ignore_ascii_case(key))
        {
            out.push(key.to_owned());
        }
    }
    out
}
