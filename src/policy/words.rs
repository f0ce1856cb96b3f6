//! The message and help of a wrong-type or invalid-value schema error: the rule of the field in
//! words (from [`teach`]), and the corrected line built from what the user wrote.

use super::schema::{article, type_name};
use super::teach;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// `field` (dotted) is shown in messages, `key` (its last segment) in corrected lines.
fn what(field: &str) -> String {
    if field.is_empty() {
        "the policy".to_owned()
    } else {
        format!("`{field}`")
    }
}

/// The rule of a node of the expected type, in words.
fn rule(node: &Value) -> String {
    let pattern = node.get("pattern").and_then(Value::as_str);
    match node.get("type").and_then(Value::as_str).unwrap_or_default() {
        "object" => teach::mapping_words(node),
        "integer" => teach::range_words(node),
        "array" => match node.get("items") {
            Some(items) if items.get("type") == Some(&Value::from("object")) => {
                format!("a list of entries, each {}", teach::mapping_words(items))
            }
            _ => "a list, one `- ` entry per line".to_owned(),
        },
        "string" => match pattern.and_then(teach::pattern_words) {
            Some(words) if words.contains("string") => words.to_owned(),
            Some(words) => format!("a string: {words}"),
            None => "a string".to_owned(),
        },
        other => article(other),
    }
}

/// A value shown in a corrected line: a mapping with its one required key set to `text`.
fn entry(node: &Value, text: &str) -> Option<String> {
    let required = node.get("required")?.as_array()?;
    match required.as_slice() {
        [only] => Some(format!("{}: {text}", only.as_str()?)),
        _ => None,
    }
}

/// Message and help for a value of the wrong type at `key`, given what was found and its text.
pub fn wrong_type(
    node: &Value,
    field: &str,
    key: &str,
    found: Option<&Value>,
    raw: Option<&str>,
    document: &Value,
) -> (String, String) {
    let found_name = found.map_or("nothing (null)", type_name);
    let message = format!("{} must be {}, found {found_name}", what(field), rule(node));
    let expected = node.get("type").and_then(Value::as_str).unwrap_or_default();
    let text = raw.map(str::trim).filter(|t| !t.is_empty());
    let description = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let fixed = match (expected, found, text) {
        // A number or boolean where a string belongs: quote the user's own spelling, which
        // keeps the leading zero that the number lost.
        ("string", Some(Value::Number(_) | Value::Bool(_)), Some(text)) => Some(teach::line(
            key,
            &crate::base::yaml_text::quoted(text.trim_matches(['"', '\''])),
        )),
        ("integer", Some(Value::String(s)), _) if s.trim().parse::<i64>().is_ok() => {
            Some(teach::line(key, s.trim()))
        }
        ("integer", Some(Value::Number(n)), _) => n
            .as_f64()
            .map(|f| teach::line(key, &format!("{}", f.trunc() as i64))),
        ("object", Some(Value::String(s)), _) => entry(node, s).map(|e| teach::line(key, &e)),
        ("object", Some(Value::Null) | None, _) => {
            let required = node.get("required").and_then(Value::as_array);
            let first = required.and_then(|r| r.first()).and_then(Value::as_str);
            first.map(|p| format!("{key}:\n  {}", teach::example(p, document)))
        }
        ("array", Some(Value::String(s)), _) => {
            let items = node.get("items").unwrap_or(&Value::Null);
            let item = if items.get("type") == Some(&Value::from("object")) {
                entry(items, s)
            } else {
                Some(s.clone())
            };
            item.map(|item| format!("{key}:\n  - {item}"))
        }
        _ => None,
    };
    let mut help = match fixed {
        Some(fixed) => format!("write it as\n{fixed}\n{description}"),
        None => description.to_owned(),
    };
    // An unquoted id that quoting alone will not mend.
    if let (Some(pattern), Some(Value::Number(_)), Some(text)) =
        (node.get("pattern").and_then(Value::as_str), found, text)
        && pattern == teach::ACCOUNT_ID
        && let Some(count) = teach::digit_count(text)
    {
        help = format!("{help}\nAnd {count}.");
    }
    (message, help.trim().to_owned())
}

/// Message and help for a value of the right type that breaks its node's constraint; `None` for a
/// kind of constraint the policy schema does not use (the caller falls back to jsonschema's text).
pub fn invalid(
    kind: &ValidationErrorKind,
    node: &Value,
    field: &str,
    key: &str,
    value: &Value,
    document: &Value,
) -> Option<(String, String)> {
    let shown = value.to_string();
    let description = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let with = |fix: Option<String>| match fix {
        Some(fix) => format!("write it as `{fix}`. {description}"),
        None => description.to_owned(),
    };
    let field = what(field);
    Some(match kind {
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()?
                .iter()
                .filter_map(|o| o.as_str().map(str::to_owned))
                .collect();
            let nearest = value
                .as_str()
                .and_then(|v| teach::nearest(v, options.iter().map(String::as_str)));
            (
                format!(
                    "{field} must be one of {}, found {shown}",
                    teach::one_of(&options)
                ),
                with(nearest.map(|n| teach::line(key, n))),
            )
        }
        ValidationErrorKind::Pattern { pattern } => {
            let words = teach::pattern_words(pattern).unwrap_or("the pattern of the field");
            let text = value.as_str().unwrap_or_default();
            // Quoted already, yet not twelve digits: quoting is not what is wrong.
            if let Some(count) = (pattern == teach::ACCOUNT_ID)
                .then(|| teach::digit_count(text))
                .flatten()
            {
                return Some((
                    format!("{field} must be 12 digits, found {shown}: {count}"),
                    "copy the id again (`aws sts get-caller-identity --query Account`, or the cluster file's `aws.account`): a digit is missing or one too many".to_owned(),
                ));
            }
            let fix = teach::fix_string(node, text, document)
                .map(|f| teach::line(key, &teach::yaml_string(&f)));
            // No honest guess from the value: an example of the shape still shows the rule.
            let example = teach::example(key, document);
            let mut help = match fix {
                None if !example.ends_with("...") => {
                    format!("for example `{example}`. {description}")
                }
                fix => with(fix),
            };
            if pattern.starts_with("^[a-z]{2}(-gov") {
                help = format!("{help} Known regions: {}.", teach::REGIONS.join(", "));
            }
            (format!("{field} must be {words}, found {shown}"), help)
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
            let bound = if matches!(kind, ValidationErrorKind::Minimum { .. }) {
                node.get("minimum")
            } else {
                node.get("maximum")
            };
            let fix = bound.map(|b| teach::line(key, &b.to_string()));
            (
                format!(
                    "{field} must be {}, found {shown}",
                    teach::range_words(node)
                ),
                with(fix),
            )
        }
        ValidationErrorKind::MinItems { limit } => (
            format!("{field} must list at least {limit} entry, or be left out for its default"),
            format!(
                "add an entry, or remove `{key}`:\n{key}:\n  - {}\n    {}",
                teach::example("action", document),
                teach::example("resource", document)
            ),
        ),
        ValidationErrorKind::MinLength { limit } => (
            format!("{field} must not be empty (at least {limit} character)"),
            format!("write a value, or remove `{key}`. {description}"),
        ),
        ValidationErrorKind::MaxLength { limit } => {
            let text = value.as_str().unwrap_or_default();
            let cut: String = text.chars().take(*limit as usize).collect();
            (
                format!(
                    "{field} must be at most {limit} characters, found {}",
                    text.chars().count()
                ),
                format!("shorten it, e.g. `{}`", teach::line(key, cut.trim())),
            )
        }
        _ => return None,
    })
}
