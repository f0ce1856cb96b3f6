//! Indentation mistakes: a key that is unknown where it stands but is a key of a neighbouring
//! mapping one level deeper, such as `cluster:` dedented to column 1 below `deployer:`.
//!
//! The schema sees two unrelated problems there (an unknown top-level key, and a `deployer` that
//! is empty or lacks `cluster`); the user made one mistake, so it is reported once, as "indent
//! it under `deployer`", with the corrected lines as help.

use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Route, RouteIndex};
use serde_json::Value;
use std::collections::HashMap;

/// A key found at `parent` that belongs under its preceding sibling `neighbour`.
pub struct Move {
    pub parent: String,
    pub key: String,
    pub neighbour: String,
}

impl Move {
    fn neighbour_pointer(&self) -> String {
        format!("{}/{}", self.parent, self.neighbour)
    }
}

/// The move for unknown `key` in the mapping at `parent` (whose schema node is `node`), if a
/// sibling before it in the file is a mapping (or empty) whose schema defines `key` and that does
/// not hold it yet.
///
/// Only the schema's own keys can be such a sibling, so they are the ones looked up, each by name:
/// a mapping of 100,000 unknown keys costs 100,000 lookups of a dozen names, not a scan of every
/// sibling for every unknown key (issue 20: that was 272 s for a 1 MB policy).
pub fn find(
    document: &Value,
    index: &RouteIndex,
    node: Option<&Value>,
    parent: &str,
    key: &str,
) -> Option<Move> {
    let siblings = document.pointer(parent)?.as_object()?;
    let properties = node?.get("properties")?.as_object()?;
    let at = |name: &str| {
        let route = Route {
            pointer: parent.to_owned(),
            key: false,
        };
        index.get(&route.child(name).pointer)?.0.map(|s| s.start)
    };
    let key_at = at(key)?;
    properties
        .iter()
        .filter(|(_, schema)| {
            (schema.get("properties")).is_some_and(|defined| defined.get(key).is_some())
        })
        .filter(|(name, _)| match siblings.get(name.as_str()) {
            Some(Value::Null) => true,
            Some(Value::Object(map)) => !map.contains_key(key),
            _ => false,
        })
        .filter_map(|(name, _)| Some((at(name)?, name)))
        .filter(|&(start, _)| start < key_at)
        .max()
        .map(|(_, name)| Move {
            parent: parent.to_owned(),
            key: key.to_owned(),
            neighbour: name.clone(),
        })
}

/// The moves found in one document, looked up by the dedented key and by the neighbour: each
/// schema error asks about its own place, so the cost stays linear in the errors.
#[derive(Default)]
pub struct Moves {
    by_key: HashMap<(String, String), Move>,
    /// The neighbour's pointer → the keys dedented out of it.
    by_neighbour: HashMap<String, Vec<String>>,
}

impl Moves {
    pub fn add(&mut self, m: Move) {
        (self.by_neighbour.entry(m.neighbour_pointer()).or_default()).push(m.key.clone());
        self.by_key.insert((m.parent.clone(), m.key.clone()), m);
    }

    /// The move of `key` out of the mapping at `parent`, if it was one.
    pub fn of(&self, parent: &str, key: &str) -> Option<&Move> {
        self.by_key.get(&(parent.to_owned(), key.to_owned()))
    }

    /// Whether a schema error at `instance_path` is a symptom of a move: the neighbour left
    /// empty (wrong type: null), or missing the very key that was dedented.
    pub fn folded(&self, instance_path: &str, missing: Option<&str>, document: &Value) -> bool {
        self.by_neighbour
            .get(instance_path)
            .is_some_and(|keys| match missing {
                Some(property) => keys.iter().any(|k| k == property),
                None => document.pointer(instance_path).is_some_and(Value::is_null),
            })
    }
}

/// The one diagnostic of a move, at the dedented key, with the lines as they should read.
pub fn diagnostic(file: FileId, m: &Move, index: &RouteIndex, text: &str) -> Diagnostic {
    let parent = Route {
        pointer: m.parent.clone(),
        key: false,
    };
    let place = match super::schema::dotted(&m.parent) {
        field if field.is_empty() => "at the top level".to_owned(),
        field => format!("in `{field}`"),
    };
    let route = parent.child(&m.key);
    let mut help = format!("indent it under `{}`", m.neighbour);
    if let (Some((Some(neighbour), _)), Some((Some(key), value))) = (
        index.get(&parent.child(&m.neighbour).pointer),
        index.get(&route.pointer),
    ) {
        let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
        let indent = neighbour.start - line_start(neighbour.start);
        let head = text[line_start(neighbour.start)..]
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end();
        let end = text[value.end.max(key.end)..]
            .find('\n')
            .map_or(text.len(), |i| value.end.max(key.end) + i);
        let shift = (indent + 2).saturating_sub(key.start - line_start(key.start));
        let body: Vec<String> = text[line_start(key.start)..end]
            .lines()
            .map(|line| format!("{}{}", " ".repeat(shift), line.trim_end()))
            .collect();
        help = format!("{help}:\n{head}\n{}", body.join("\n"));
    }
    Diagnostic::new(
        Code::PolicyUnknownKey,
        format!(
            "unknown key `{}` {place}: it is a key of `{}`, indent it under `{}`",
            m.key, m.neighbour, m.neighbour
        ),
    )
    .at(file, route.at_key())
    .with_label(format!("belongs under `{}`", m.neighbour))
    .with_help(help)
}
