//! How the permission rules and `access` word a condition and why it came out as it did in the
//! CI request's context: "`aws:MultiFactorAuthPresent` is absent for CI requests (a long-term
//! access key carries no MFA), and `BoolIfExists` treats an absent key as a match".

use super::iam::Tri;
use super::iam::context::{Fact, RequestContext, Why};
use super::iam::operators::{Operator, Set};
use crate::observe::document::Condition;

/// The condition as the policy writes it: `` `BoolIfExists aws:MultiFactorAuthPresent false` ``.
pub fn condition(c: &Condition) -> String {
    let values = match c.values.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("`{} {} {values}`", c.operator, c.key)
}

/// A value of a key as a reader sees it: `absent`, `` `v` `` or `` `[a, b]` ``.
pub fn value(v: &Option<Vec<String>>) -> String {
    match v.as_deref() {
        None => "absent".to_owned(),
        Some([one]) => format!("`{one}`"),
        Some(many) => format!("`[{}]`", many.join(", ")),
    }
}

fn source(why: &Why) -> String {
    match why {
        Why::Fixed(text) => (*text).to_owned(),
        Why::Pinned => "pinned by `deployer.context`".to_owned(),
        Why::Given => "given with --context".to_owned(),
    }
}

/// What an operator does with an absent key (AWS's condition operator reference).
fn on_absent(operator: &Operator, name: &str) -> String {
    let what = match (operator.kind, operator.set) {
        (super::iam::operators::Kind::Null, _) => "tests presence alone",
        (_, Some(Set::AnyValue)) => "is false for an absent key",
        (_, Some(Set::AllValues)) => "is true for an absent key",
        _ if operator.if_exists => "treats an absent key as a match",
        _ if operator.negated => "matches an absent key",
        _ => "does not match an absent key",
    };
    format!("`{name}` {what}")
}

/// Why `c` came out `holds` in `context`, in words.
pub fn why(c: &Condition, holds: Tri, context: &RequestContext) -> String {
    let key = &c.key;
    let from = context.entry(key).map(|e| format!(" ({})", source(&e.why)));
    let from = from.unwrap_or_else(|| {
        if key.to_ascii_lowercase().starts_with("aws:principaltag/") {
            " (the user has no such tag)".to_owned()
        } else {
            String::new()
        }
    });
    let verdict = match holds {
        Tri::Yes => "it holds",
        Tri::No => "it does not hold",
        Tri::Maybe => "it may or may not hold",
    };
    let Some(operator) = Operator::parse(&c.operator) else {
        return format!(
            "`{}` is not a condition operator IAM knows, so {verdict}",
            c.operator
        );
    };
    match context.fact(key) {
        Fact::Known(None) => format!(
            "`{key}` is absent for CI requests{from}, and {}",
            on_absent(&operator, &c.operator)
        ),
        Fact::Known(Some(v)) => format!(
            "`{key}` is {} for CI requests{from}, so {verdict}",
            value(&Some(v))
        ),
        Fact::OneOf(set) => format!(
            "`{key}` is one of `{}` for CI requests{from}, and {verdict}",
            set.join("`, `")
        ),
        Fact::Unknown => {
            format!("`{key}` is not known for CI requests (absent or any value), and {verdict}")
        }
    }
}
