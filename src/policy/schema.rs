//! The embedded JSON Schema of the policy format, and its errors turned into diagnostics that
//! point at the offending node (or, for unknown keys, at the key itself).

use super::{indent, teach, words};
use crate::base::codes::Code;
use crate::base::diag::{Capped, Diagnostic};
use crate::base::source::{FileId, Route, RouteIndex};
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
/// [`PER_FILE_CODE_LIMIT`](crate::base::diag::PER_FILE_CODE_LIMIT) of each code, then a count of the
/// rest: a diagnostic that would not be reported is not built). `index` is the document's route
/// index, by which the unknown keys reported are the first in the file; `text` is the file, whose
/// own spelling of a value (`044405546166`, not the number it became) the help quotes.
pub fn validate(file: FileId, document: &Value, index: &RouteIndex, text: &str) -> Vec<Diagnostic> {
    let mut capped = Capped::new(file);
    let errors: Vec<_> = VALIDATOR.iter_errors(document).collect();
    // Indentation mistakes first: each folds the errors it explains into one diagnostic.
    let mut moves = indent::Moves::default();
    for error in &errors {
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            let schema_path = error.schema_path().as_str();
            let node = SCHEMA_VALUE.pointer(&schema_path[..schema_path.rfind('/').unwrap_or(0)]);
            let parent = error.instance_path().as_str();
            for key in unexpected {
                if let Some(m) = indent::find(document, index, node, parent, key) {
                    moves.add(m);
                }
            }
        }
    }
    for error in &errors {
        let instance_path = error.instance_path().as_str().to_owned();
        let schema_path = error.schema_path().as_str().to_owned();
        let kind = error.kind();
        let folded = match kind {
            ValidationErrorKind::Required { property } => {
                let property = property.as_str();
                moves.folded(&instance_path, property, document)
            }
            ValidationErrorKind::Type { .. } => moves.folded(&instance_path, None, document),
            _ => false,
        };
        if folded {
            continue;
        }
        let error = Error {
            instance_path: &instance_path,
            schema_path: &schema_path,
            kind,
            // An unknown-key error lists every unexpected key: it is never shown, so not formatted.
            fallback: &|| error.to_string(),
        };
        convert(file, document, index, text, &error, &moves, &mut capped);
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
    text: &str,
    error: &Error<'_>,
    moves: &indent::Moves,
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
    // The last segment of the route: the key a corrected line is written with.
    let key = instance_path.rsplit('/').next().unwrap_or_default();
    // The schema node the failing keyword belongs to: its parent in the schema path.
    let node_path = &schema_path[..schema_path.rfind('/').unwrap_or(0)];
    let node = SCHEMA_VALUE.pointer(node_path);
    let description = node
        .and_then(|node| node.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let found = document.pointer(instance_path);
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
                // Past the cap a key is only counted: no help is worded for it.
                if !capped.wants(Code::PolicyUnknownKey) {
                    capped.skip(Code::PolicyUnknownKey);
                    continue;
                }
                if let Some(moved) = moves.of(instance_path, key) {
                    capped.push(indent::diagnostic(file, moved, index, text));
                    continue;
                }
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
            let what = node
                .and_then(|node| node.pointer(&format!("/properties/{property}/description")))
                .and_then(Value::as_str)
                .map_or_else(String::new, |d| format!(": {d}"));
            let under = if field.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("under `{key}`")
            };
            capped.push(
                Diagnostic::new(
                    Code::PolicyMissingField,
                    format!("missing required field `{full}`{what}"),
                )
                .at(file, route.at_key())
                .with_label(format!("`{property}` is missing here"))
                .with_help(format!(
                    "add it {under}:\n{}",
                    teach::example(property, document)
                )),
            );
        }
        ValidationErrorKind::Type { .. } => {
            let (message, help) = words::wrong_type(
                node.unwrap_or(&Value::Null),
                &field,
                key,
                found,
                raw(index, text, instance_path),
                document,
            );
            let expected = node
                .and_then(|node| node.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("another type");
            capped.push(
                Diagnostic::new(Code::PolicyWrongType, message)
                    .at(file, route)
                    .with_label(format!("expected {}", article(expected)))
                    .with_help(help),
            );
        }
        other => {
            let (message, help) = words::invalid(
                other,
                node.unwrap_or(&Value::Null),
                &field,
                key,
                found.unwrap_or(&Value::Null),
                document,
            )
            .unwrap_or_else(|| {
                (
                    format!("`{field}`: {}", fallback()),
                    description.unwrap_or_else(fallback),
                )
            });
            capped.push(
                Diagnostic::new(Code::PolicyInvalidValue, message)
                    .at(file, route)
                    .with_help(help),
            );
        }
    }
}

/// The file's own text of the value at `pointer`.
fn raw<'t>(index: &RouteIndex, text: &'t str, pointer: &str) -> Option<&'t str> {
    let (_, span) = index.get(pointer)?;
    text.get(span.start..span.end)
}

/// `/deployer/allow/0/action` → `deployer.allow[0].action`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = crate::base::source::unescape_segment(segment);
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

pub(super) fn type_name(value: &Value) -> &'static str {
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

pub(super) fn article(json_type: &str) -> String {
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
