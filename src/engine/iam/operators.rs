//! Condition operators: their names read (`ForAnyValue:StringLikeIfExists` is `StringLike` with a
//! set qualifier and `IfExists`), their policy values prepared (policy variables resolved where
//! AWS resolves them), and one condition decided on one value of its key.
//!
//! The rules, from AWS's "IAM JSON policy elements: Condition operators" and "Conditions with
//! multiple context keys or values":
//! - several values of one condition: any may match (OR); for a negated operator (`...Not...`,
//!   `NotIpAddress`) none may (NOR);
//! - an absent key: a positive operator does not match, a negated one does; `...IfExists`
//!   matches an absent key; `Null` tests presence alone ("true": absent);
//! - `ForAnyValue:` needs one request value to match and is false for an absent key;
//!   `ForAllValues:` needs every request value to match and is true for an absent key
//!   ("Single-valued vs. multivalued context keys"); `IfExists` changes neither;
//! - an operator without a set qualifier on a key with several values does not match
//!   (multivalued keys "require a condition set operator");
//! - a value of another type (a word where a number is expected) never matches, for positive
//!   and negated operators alike;
//! - policy variables resolve in the values of String, ARN and Bool operators only ("IAM policy
//!   elements: Variables and tags": other operators read `${` as text); a variable whose key is
//!   absent, without a default, makes that value fail ("any attempt to match it fails").

use super::Tri;
use super::cells::{Glob, Tok};
use super::values;
use crate::engine::variables::{Part, parts};

/// How an operator compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    StringIgnoreCase,
    StringLike,
    Numeric(Order),
    Date(Order),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// The comparison of a Numeric or Date operator: the request value against the policy's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// The set qualifier of an operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Set {
    AnyValue,
    AllValues,
}

/// An operator as read from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub kind: Kind,
    /// `StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...: matches when no value does.
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<Set>,
}

impl Operator {
    /// Reads an operator's name; `None` for a name IAM does not know.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, base) = match name.split_once(':') {
            Some((set, base)) if set.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(Set::AnyValue), base)
            }
            Some((set, base)) if set.eq_ignore_ascii_case("ForAllValues") => {
                (Some(Set::AllValues), base)
            }
            Some(_) => return None,
            None => (None, name),
        };
        let lower = base.to_ascii_lowercase();
        let (base, if_exists) = match lower.strip_suffix("ifexists") {
            Some(base) => (base, true),
            None => (lower.as_str(), false),
        };
        use Kind::*;
        use Order::*;
        let (kind, negated) = match base {
            "stringequals" => (String, false),
            "stringnotequals" => (String, true),
            "stringequalsignorecase" => (StringIgnoreCase, false),
            "stringnotequalsignorecase" => (StringIgnoreCase, true),
            "stringlike" => (StringLike, false),
            "stringnotlike" => (StringLike, true),
            "numericequals" => (Numeric(Equal), false),
            "numericnotequals" => (Numeric(Equal), true),
            "numericlessthan" => (Numeric(Less), false),
            "numericlessthanequals" => (Numeric(LessOrEqual), false),
            "numericgreaterthan" => (Numeric(Greater), false),
            "numericgreaterthanequals" => (Numeric(GreaterOrEqual), false),
            "dateequals" => (Date(Equal), false),
            "datenotequals" => (Date(Equal), true),
            "datelessthan" => (Date(Less), false),
            "datelessthanequals" => (Date(LessOrEqual), false),
            "dategreaterthan" => (Date(Greater), false),
            "dategreaterthanequals" => (Date(GreaterOrEqual), false),
            "bool" => (Bool, false),
            "binaryequals" => (Binary, false),
            "ipaddress" => (Ip, false),
            "notipaddress" => (Ip, true),
            "arnequals" | "arnlike" => (Arn, false),
            "arnnotequals" | "arnnotlike" => (Arn, true),
            "null" => (Null, false),
            _ => return None,
        };
        Some(Operator {
            kind,
            negated,
            if_exists,
            set,
        })
    }

    /// Whether policy variables resolve in this operator's values.
    fn takes_variables(&self) -> bool {
        matches!(
            self.kind,
            Kind::String | Kind::StringIgnoreCase | Kind::StringLike | Kind::Arn | Kind::Bool
        )
    }
}

/// What a policy variable's key holds in the request, for resolving it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variable {
    One(String),
    /// Absent, or several values (neither can stand in a string).
    Missing,
    Unknown,
}

/// One policy value, ready to compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Glob(Glob),
    /// A variable without a value: this value never matches.
    Fails,
    /// A variable whose key is not known: the comparison is uncertain.
    Unknown,
}

/// A pattern with variables resolved: each character, and whether it is a wildcard.
enum Resolved {
    Chars(Vec<(char, bool)>),
    Fails,
    Unknown,
}

fn resolve(raw: &str, variables: bool, wild: bool, lookup: &dyn Fn(&str) -> Variable) -> Resolved {
    let text_chars = |s: &str, out: &mut Vec<(char, bool)>| {
        out.extend(s.chars().map(|c| (c, wild && (c == '*' || c == '?'))));
    };
    let mut out = Vec::with_capacity(raw.len());
    if !variables {
        text_chars(raw, &mut out);
        return Resolved::Chars(out);
    }
    for part in parts(raw) {
        match part {
            Part::Text(text) => text_chars(text, &mut out),
            Part::Escape(c) => out.push((c, false)),
            Part::Variable { key, default } => match (lookup(key), default) {
                (Variable::One(value), _) => out.extend(value.chars().map(|c| (c, false))),
                (Variable::Missing, Some(default)) => {
                    out.extend(default.chars().map(|c| (c, false)))
                }
                (Variable::Missing, None) => return Resolved::Fails,
                (Variable::Unknown, _) => return Resolved::Unknown,
            },
        }
    }
    Resolved::Chars(out)
}

/// Splits an ARN pattern into its six parts at the colons outside `${...}`.
fn arn_parts(raw: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::with_capacity(6);
    let (mut start, mut depth) = (0, false);
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth = true,
            b'}' => depth = false,
            b':' if !depth && parts.len() < 5 => {
                parts.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&raw[start..]);
    (parts.len() == 6).then_some(parts)
}

/// The policy values of a condition, prepared for `operator`. `variables` is whether the
/// document resolves `${...}` at all (version 2012-10-17).
pub fn prepare(
    operator: &Operator,
    raw: &[String],
    variables: bool,
    lookup: &dyn Fn(&str) -> Variable,
) -> Vec<Value> {
    let variables = variables && operator.takes_variables();
    raw.iter()
        .map(|raw| {
            let to_text = |r: Resolved| match r {
                Resolved::Chars(chars) => Value::Text(chars.into_iter().map(|(c, _)| c).collect()),
                Resolved::Fails => Value::Fails,
                Resolved::Unknown => Value::Unknown,
            };
            let toks = |chars: Vec<(char, bool)>, no_colon: bool| {
                chars
                    .into_iter()
                    .map(move |(c, wild)| match (c, wild, no_colon) {
                        ('*', true, false) => Tok::Star,
                        ('*', true, true) => Tok::StarNoColon,
                        ('?', true, false) => Tok::One,
                        ('?', true, true) => Tok::OneNoColon,
                        (c, _, _) => Tok::Lit(c),
                    })
            };
            match operator.kind {
                Kind::StringLike => match resolve(raw, variables, true, lookup) {
                    Resolved::Chars(chars) => Value::Glob(Glob(toks(chars, false).collect())),
                    Resolved::Fails => Value::Fails,
                    Resolved::Unknown => Value::Unknown,
                },
                Kind::Arn => {
                    let Some(segments) = arn_parts(raw) else {
                        return Value::Fails;
                    };
                    let mut glob = Vec::with_capacity(raw.len());
                    for (i, segment) in segments.iter().enumerate() {
                        if i > 0 {
                            glob.push(Tok::Lit(':'));
                        }
                        match resolve(segment, variables, true, lookup) {
                            Resolved::Chars(chars) => glob.extend(toks(chars, i < 5)),
                            Resolved::Fails => return Value::Fails,
                            Resolved::Unknown => return Value::Unknown,
                        }
                    }
                    Value::Glob(Glob(glob))
                }
                _ => to_text(resolve(raw, variables, false, lookup)),
            }
        })
        .collect()
}

/// Whether one request value matches one policy value, before negation: `None` when the two
/// cannot be compared (another type, a failed variable).
fn compare(kind: Kind, request: &str, policy: &str) -> Option<bool> {
    let order = |o: Order, a: f64, b: f64| match o {
        Order::Equal => a == b,
        Order::Less => a < b,
        Order::LessOrEqual => a <= b,
        Order::Greater => a > b,
        Order::GreaterOrEqual => a >= b,
    };
    match kind {
        Kind::String | Kind::Binary => Some(request == policy),
        Kind::StringIgnoreCase => Some(request.to_lowercase() == policy.to_lowercase()),
        Kind::Numeric(o) => Some(order(o, values::number(request)?, values::number(policy)?)),
        Kind::Date(o) => Some(order(o, values::date(request)?, values::date(policy)?)),
        Kind::Bool => Some(values::boolean(request)? == values::boolean(policy)?),
        Kind::Ip => {
            let range = values::range(policy)?;
            Some(range.contains(values::address(request)?))
        }
        // Globs are compared by `matches_value`; Null never compares values.
        Kind::StringLike | Kind::Arn | Kind::Null => None,
    }
}

/// Whether one request value satisfies the condition's values (OR; NOR when negated).
fn value_holds(operator: &Operator, request: &str, policy: &[Value]) -> Tri {
    let one = |value: &Value| -> Option<Tri> {
        match value {
            Value::Text(text) => compare(operator.kind, request, text).map(Tri::from),
            Value::Glob(glob) => {
                // An ARN is compared only when the request value has its six parts.
                if operator.kind == Kind::Arn && arn_parts(request).is_none() {
                    return None;
                }
                Some(Tri::from(glob.matches(request)))
            }
            Value::Fails => None,
            Value::Unknown => Some(Tri::Maybe),
        }
    };
    if operator.negated {
        // NOR: every value must not match; a value that cannot be compared fails the test.
        policy.iter().fold(Tri::Yes, |acc, value| {
            acc.and(one(value).map_or(Tri::No, Tri::not))
        })
    } else {
        policy
            .iter()
            .fold(Tri::No, |acc, value| acc.or(one(value).unwrap_or(Tri::No)))
    }
}

/// Whether the condition holds when its key has `request` (`None`: absent; else its values).
pub fn holds(
    operator: &Operator,
    request: Option<&[String]>,
    policy: &[Value],
    raw: &[String],
) -> Tri {
    if operator.kind == Kind::Null {
        // "true": the key must be absent; "false": present.
        let goal = if request.is_none() { "true" } else { "false" };
        return Tri::from(raw.iter().any(|v| v.eq_ignore_ascii_case(goal)));
    }
    match (operator.set, request) {
        (Some(Set::AnyValue), None) => Tri::No,
        (Some(Set::AllValues), None) => Tri::Yes,
        (Some(Set::AnyValue), Some(values)) => values
            .iter()
            .fold(Tri::No, |acc, v| acc.or(value_holds(operator, v, policy))),
        (Some(Set::AllValues), Some(values)) => values
            .iter()
            .fold(Tri::Yes, |acc, v| acc.and(value_holds(operator, v, policy))),
        (None, None) => Tri::from(operator.if_exists || operator.negated),
        (None, Some([one])) => value_holds(operator, one, policy),
        // A key with several values needs a set qualifier.
        (None, Some(_)) => Tri::No,
    }
}

#[cfg(test)]
mod tests;
