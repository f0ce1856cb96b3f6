//! The values of a key the request context does not know, one for each class of values that the
//! conditions testing the key cannot tell apart, and absence: deciding a request for each of them
//! decides it for every value the key can take.
//!
//! The classes come from the conditions' own values: the cells of their strings and patterns
//! ([`cells`](super::cells)); for numbers and dates each value, the points between them and one
//! beyond either end; for addresses the ends of each range and the address after it; both
//! booleans. A multivalued key (`ForAnyValue:`/`ForAllValues:`) takes every non-empty set of
//! those classes. A pinned set (`deployer.context`) keeps the candidates inside it, and drops
//! absence. A question too large to answer so ([`TooMany`]) is answered per condition instead.

use super::cells::{self, Budget, Glob, Tok};
use super::context::{Fact, is_multivalued};
use super::operators::{self, Kind, Operator, Value};
use super::values::{self, Address, Family};

/// One condition on the key, with its values prepared.
#[derive(Clone, Copy)]
pub struct Cond<'a> {
    pub operator: Operator,
    pub values: &'a [Value],
    pub raw: &'a [String],
}

/// The key's classes are too many to try each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooMany;

/// The most single values kept per key, and the most classes a multivalued key's sets are
/// built from (every non-empty subset: 31 sets).
const MAX_VALUES: usize = 64;
/// The most strings and patterns cut into cells for one key.
const MAX_PATTERNS: usize = 24;
const MAX_SET_CLASSES: usize = 5;

/// The candidate values of `key` (absent: `None`) given what the context knows of it.
pub fn of(key: &str, fact: &Fact, conds: &[Cond<'_>]) -> Result<Vec<Option<Vec<String>>>, TooMany> {
    let reps = match fact {
        Fact::Known(value) => return Ok(vec![value.clone()]),
        Fact::Unknown => representatives(conds, None)?,
        Fact::OneOf(set) => {
            let mut out = Vec::new();
            for member in set {
                match values::range(member).filter(|r| !r.single()) {
                    Some(range) => out.extend(representatives(conds, Some(range))?),
                    None => out.push(member.clone()),
                }
            }
            out
        }
    };
    // One value per class: what every condition says of it.
    let verdict = |value: &str| -> Vec<super::Tri> {
        let one = [value.to_owned()];
        conds
            .iter()
            .map(|c| operators::holds(&c.operator, Some(&one), c.values, c.raw))
            .collect()
    };
    let mut seen = Vec::new();
    let mut classes = Vec::new();
    for rep in reps {
        let v = verdict(&rep);
        if !seen.contains(&v) {
            seen.push(v);
            classes.push(rep);
        }
    }
    if classes.len() > MAX_VALUES {
        return Err(TooMany);
    }
    let multivalued = is_multivalued(key)
        || (!key.to_ascii_lowercase().starts_with("aws:")
            && conds.iter().any(|c| c.operator.set.is_some()));
    let mut out: Vec<Option<Vec<String>>> = Vec::new();
    if matches!(fact, Fact::Unknown) {
        out.push(None);
    }
    if multivalued {
        if classes.len() > MAX_SET_CLASSES {
            return Err(TooMany);
        }
        for mask in 1u32..(1 << classes.len()) {
            let set: Vec<String> = (classes.iter().enumerate())
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| c.clone())
                .collect();
            out.push(Some(set));
        }
    } else {
        out.extend(classes.into_iter().map(|c| Some(vec![c])));
    }
    Ok(out)
}

/// A value for each class the conditions' values cut single values into; inside `within` only
/// (a pinned range), where given.
fn representatives(
    conds: &[Cond<'_>],
    within: Option<values::Range>,
) -> Result<Vec<String>, TooMany> {
    let mut globs: Vec<Glob> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let (mut numbers, mut dates, mut ranges) = (Vec::new(), Vec::new(), Vec::new());
    let mut booleans = false;
    for cond in conds {
        for value in cond.values {
            match (cond.operator.kind, value) {
                (Kind::StringLike | Kind::Arn, Value::Glob(glob)) => globs.push(glob.clone()),
                (Kind::StringIgnoreCase, Value::Text(text)) => {
                    for variant in [text.clone(), text.to_lowercase(), text.to_uppercase()] {
                        globs.push(Glob::literal(&variant));
                        texts.push(variant);
                    }
                }
                (Kind::String | Kind::Binary, Value::Text(text)) => {
                    globs.push(Glob::literal(text));
                    texts.push(text.clone());
                }
                (Kind::Numeric(_), Value::Text(text)) => numbers.extend(values::number(text)),
                (Kind::Date(_), Value::Text(text)) => dates.extend(values::date(text)),
                (Kind::Ip, Value::Text(text)) => ranges.extend(values::range(text)),
                (Kind::Bool, _) => booleans = true,
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Some(range) = within {
        // Addresses only, inside the pinned range: its first, the ends of every range tested
        // that fall inside, and addresses the string tests name.
        let mut points = vec![range.first];
        for r in &ranges {
            for p in [Some(r.first), r.last.checked_add(1)].into_iter().flatten() {
                if r.family == range.family && range.first <= p && p <= range.last {
                    points.push(p);
                }
            }
        }
        for text in &texts {
            if let Some(a) = values::address(text).filter(|a| range.contains(*a)) {
                points.push(a.bits);
                // And one the strings do not name.
                if let Some(next) = a.bits.checked_add(1).filter(|n| *n <= range.last) {
                    points.push(next);
                }
            }
        }
        points.sort_unstable();
        points.dedup();
        return Ok(points
            .into_iter()
            .map(|bits| {
                Address {
                    family: range.family,
                    bits,
                }
                .text()
            })
            .collect());
    }
    // Strings: one witness per cell of the strings and patterns (a non-empty one), the literal
    // texts first so that witnesses read as the policy's own values. Without a pattern the cells
    // are the texts themselves and one text none of them is.
    let patterned = conds
        .iter()
        .any(|c| matches!(c.operator.kind, Kind::StringLike | Kind::Arn));
    if !patterned && !globs.is_empty() {
        texts.sort();
        texts.dedup();
        let mut none = "smce-guard-none".to_owned();
        while texts.contains(&none) {
            none.push('-');
        }
        out.append(&mut texts);
        out.push(none);
    } else if !globs.is_empty() {
        // An ARN operator compares only six-part values: ARN-shaped and other strings differ.
        if conds.iter().any(|c| c.operator.kind == Kind::Arn) {
            globs.extend(Glob::arn("*:*:*:*:*:*"));
        }
        globs.sort_by(|a, b| {
            a.0.len()
                .cmp(&b.0.len())
                .then_with(|| format!("{a:?}").cmp(&format!("{b:?}")))
        });
        globs.dedup();
        if globs.len() > MAX_PATTERNS {
            return Err(TooMany);
        }
        let nonempty = Glob(vec![Tok::One, Tok::Star]);
        let cells =
            cells::cells(&globs, &[&nonempty], &texts, &mut Budget(2_000)).map_err(|_| TooMany)?;
        out.extend(cells.into_iter().map(|c| c.witness));
    }
    out.extend(spread(numbers).into_iter().map(number_text));
    out.extend(spread(dates).into_iter().map(values::date_text));
    if booleans {
        out.extend(["true".to_owned(), "false".to_owned()]);
    }
    // A key some condition tests only for presence still has values.
    if out.is_empty() && ranges.is_empty() {
        out.push("smce-guard-none".to_owned());
    }
    if !ranges.is_empty() {
        let mut points: Vec<Address> = [Family::V4, Family::V6]
            .into_iter()
            .map(|family| Address { family, bits: 0 })
            .collect();
        for r in &ranges {
            points.push(Address {
                family: r.family,
                bits: r.first,
            });
            let max = if r.family == Family::V4 {
                u128::from(u32::MAX)
            } else {
                u128::MAX
            };
            if r.last < max {
                points.push(Address {
                    family: r.family,
                    bits: r.last + 1,
                });
            }
        }
        points.sort_unstable();
        points.dedup();
        out.extend(points.into_iter().map(Address::text));
    }
    Ok(out)
}

/// Each value, the midpoint between neighbours, and one beyond either end.
fn spread(mut points: Vec<f64>) -> Vec<f64> {
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut out = Vec::with_capacity(points.len() * 2 + 2);
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        out.push(first - 1.0);
        out.push(last + 1.0);
    }
    for pair in points.windows(2) {
        out.push((pair[0] + pair[1]) / 2.0);
    }
    out.extend(points);
    out
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
