//! The embedded JSON Schema of the policy format, and its errors turned into diagnostics that
//! point at the offending node (or, for unknown keys, at the key itself).

use crate::codes::Code;
use crate::diag::{Capped, Diagnostic};
use crate::source::{FileId, Route, RouteIndex};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::sync::LazyLock;

/// The schema text, as shipped in `schemas/` and printed by `smce-guard schema`.
pub const SCHEMA: &str = include_str!("../../schemas/policy.schema.json");

static SCHEMA_VALUE: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(SCHEMA).expect("the embedded schema is valid JSON (tested)")
});

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::draft202012::new(&SCHEMA_VALUE).expect("the embedded schema compiles (tested)")
});

/// Validates a policy document, returning one diagnostic per schema violation (at most
/// [`PER_FILE_CODE_LIMIT`](crate::diag::PER_FILE_CODE_LIMIT) of each code, then a count of the
/// rest: a diagnostic that would not be reported is not built). `index` is the document's route
/// index, by which the unknown keys reported are the first in the file.
pub fn validate(file: FileId, document: &Value, index: &RouteIndex) -> Vec<Diagnostic> {
    let mut capped = Capped::new(file);
    for error in VALIDATOR.iter_errors(document) {
        let instance_path = error.instance_path().as_str().to_owned();
        let schema_path = error.schema_path().as_str().to_owned();
        let kind = error.kind();
        let error = Error {
            instance_path: &instance_path,
            schema_path: &schema_path,
            kind,
            // An unknown-key error lists every unexpected key: it is never shown, so not formatted.
            fallback: &|| error.to_string(),
        };
        convert(file, document, index, &error, &mut capped);
    }
    capped.finish()
}

/// One schema error, as [`convert`] reads it.
struct Error<'a> {
    instance_path: &'a str,
    schema_path: &'a str,
    kind: &'a ValidationErrorKind,
    fallback: &'a dyn Fn() -> String,
}

fn convert(
    file: FileId,
    document: &Value,
    index: &RouteIndex,
    error: &Error<'_>,
    capped: &mut Capped,
) {
    let Error {
        instance_path,
        schema_path,
        kind,
        fallback,
    } = *error;
    let route = Route {
        pointer: instance_path.to_owned(),
        key: false,
    };
    let field = dotted(instance_path);
    // The schema node the failing keyword belongs to: its parent in the schema path.
    let node_path = &schema_path[..schema_path.rfind('/').unwrap_or(0)];
    let node = SCHEMA_VALUE.pointer(node_path);
    let description = node
        .and_then(|node| node.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let valid: Vec<&str> = node
                .and_then(|node| node.get("properties"))
                .and_then(Value::as_object)
                .map(|properties| properties.keys().map(String::as_str).collect())
                .unwrap_or_default();
            // The value's keys come sorted, not in file order: when not all can be reported,
            // the ones reported are those that come first in the file.
            let mut keys: Vec<&String> = unexpected.iter().collect();
            if capped.room(Code::PolicyUnknownKey) < keys.len() {
                let at = |key: &String| index.resolve(&route.child(key).at_key()).map(|s| s.start);
                let mut placed: Vec<(Option<usize>, &String)> =
                    keys.iter().map(|&key| (at(key), key)).collect();
                placed.sort_unstable();
                keys = placed.into_iter().map(|(_, key)| key).collect();
            }
            for key in keys {
                let place = if field.is_empty() {
                    "at the top level".to_owned()
                } else {
                    format!("in `{field}`")
                };
                capped.push(
                    Diagnostic::new(
                        Code::PolicyUnknownKey,
                        format!("unknown key `{key}` {place}"),
                    )
                    .at(file, route.child(key).at_key())
                    .with_label("not a key of the policy format")
                    .with_help(unknown_key_help(key, &valid)),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let full = if field.is_empty() {
                property.to_owned()
            } else {
                format!("{field}.{property}")
            };
            let help = node
                .and_then(|node| node.pointer(&format!("/properties/{property}/description")))
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("add `{property}`"),
                    |d| format!("add `{property}`: {d}"),
                );
            capped.push(
                Diagnostic::new(
                    Code::PolicyMissingField,
                    format!("missing required field `{full}`"),
                )
                .at(file, route.at_key())
                .with_label(format!("`{property}` is missing here"))
                .with_help(help),
            );
        }
        ValidationErrorKind::Type { .. } => {
            let expected = node
                .and_then(|node| node.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("another type");
            let found = document.pointer(instance_path).map_or("nothing", type_name);
            let what = if field.is_empty() {
                "the policy".to_owned()
            } else {
                format!("`{field}`")
            };
            let mut help = description.unwrap_or_default();
            if expected == "string" && matches!(found, "an integer" | "a number" | "a boolean") {
                help = format!("quote the value so YAML reads it as a string. {help}");
            }
            capped.push(
                Diagnostic::new(
                    Code::PolicyWrongType,
                    format!("{what} must be {}, found {found}", article(expected)),
                )
                .at(file, route)
                .with_label(format!("expected {}", article(expected)))
                .with_help(help.trim().to_owned()),
            );
        }
        other => {
            let value = document
                .pointer(instance_path)
                .map(Value::to_string)
                .unwrap_or_default();
            let message = match other {
                ValidationErrorKind::Enum { options } => format!(
                    "`{field}` must be one of {}, found {value}",
                    options
                        .as_array()
                        .map(|o| o
                            .iter()
                            .map(Value::to_string)
                            .collect::<Vec<_>>()
                            .join(", "))
                        .unwrap_or_default()
                ),
                ValidationErrorKind::Pattern { .. } => {
                    format!("`{field}` has an invalid value {value}")
                }
                ValidationErrorKind::Minimum { limit } => {
                    format!("`{field}` must be at least {limit}, found {value}")
                }
                ValidationErrorKind::Maximum { limit } => {
                    format!("`{field}` must be at most {limit}, found {value}")
                }
                ValidationErrorKind::MinItems { limit } => {
                    format!("`{field}` needs at least {limit} entry")
                }
                ValidationErrorKind::MinLength { .. } => format!("`{field}` must not be empty"),
                _ => format!("`{field}`: {}", fallback()),
            };
            capped.push(
                Diagnostic::new(Code::PolicyInvalidValue, message)
                    .at(file, route)
                    .with_help(description.unwrap_or_else(fallback)),
            );
        }
    }
}

/// `/deployer/allow/0/action` → `deployer.allow[0].action`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

fn unknown_key_help(key: &str, valid: &[&str]) -> String {
    let closest = valid
        .iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&key.to_lowercase(), candidate),
                *candidate,
            )
        })
        .filter(|&(distance, candidate)| distance <= 2.max(candidate.len() / 3))
        .min();
    let list = valid
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest {
        Some((_, candidate)) => format!("did you mean `{candidate}`? Valid keys here: {list}"),
        None if valid.is_empty() => "remove the key".to_owned(),
        None => format!("valid keys here: {list}"),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn article(json_type: &str) -> String {
    match json_type {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        other => format!("a {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_and_describes_every_field() {
        LazyLock::force(&VALIDATOR);
        fn walk(node: &Value, path: &str) {
            if let Some(object) = node.as_object() {
                if object.contains_key("type") {
                    assert!(
                        object.contains_key("description"),
                        "{path} lacks a description"
                    );
                }
                if object.get("type") == Some(&Value::from("object")) {
                    assert_eq!(
                        object.get("additionalProperties"),
                        Some(&Value::Bool(false)),
                        "{path}"
                    );
                }
                for (key, child) in object {
                    walk(child, &format!("{path}/{key}"));
                }
            }
        }
        walk(&SCHEMA_VALUE, "");
    }

    #[test]
    fn dotted_routes() {
        assert_eq!(
            dotted("/deployer/allow/0/action"),
            "deployer.allow[0].action"
        );
        assert_eq!(dotted(""), "");
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let help = unknown_key_help("clustr", &["user", "cluster", "allow"]);
        assert!(help.starts_with("did you mean `cluster`?"), "{help}");
        assert!(unknown_key_help("zzzzzz", &["user"]).starts_with("valid keys here"));
    }
}
