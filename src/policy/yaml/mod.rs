//! The one parse of a policy file: saphyr's YAML events into a JSON value plus a route index.
//!
//! The walk learns where every node sits (as byte spans: saphyr counts characters), types each
//! scalar ([`scalar::resolve`]), and refuses what a policy never needs and an attacker would use:
//! anchors and aliases, deep nesting, duplicate keys. The schema checks the value and the typed
//! model is deserialised from it, so there is no second parser to keep in agreement.

use super::offsets::ByteOffsets;
use super::scalar;
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Route, RouteIndex, Span};
use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value};

/// The policy format is five levels deep; anything past this is a mistake or an attack.
pub const MAX_DEPTH: usize = 32;

/// What the position-aware parse learnt about one file.
pub struct Parsed {
    /// The document as JSON, for schema validation; `None` when the file could not be read as one
    /// well-formed document.
    pub value: Option<Value>,
    pub index: RouteIndex,
    pub diagnostics: Vec<Diagnostic>,
}

enum Frame {
    Map {
        route: Route,
        start: usize,
        end: usize,
        map: Map<String, Value>,
        /// Each key's first span, for duplicate-key reports (hashed: a mapping may hold 100k keys).
        key_spans: std::collections::HashMap<String, Span>,
        pending: Option<(String, Span)>,
    },
    Seq {
        route: Route,
        start: usize,
        end: usize,
        items: Vec<Value>,
    },
}

/// What kind of file is parsed, for the words of its messages: the same parser reads the
/// infrastructure repository's cluster files, whose problems must not be called a policy's (a
/// cluster file's problem is reported by its message; the helps speak of policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Policy,
    ClusterFile,
    /// The sops-encrypted credentials file a cluster file names.
    SopsFile,
}

impl Document {
    /// (`a policy file`, `policies`), or the cluster file's.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Document::Policy => ("a policy file", "policies"),
            Document::ClusterFile => ("a cluster file", "cluster files"),
            Document::SopsFile => ("a sops file", "sops files"),
        }
    }
}

/// Parses `text` (the contents of `file`, a policy) into a JSON value and a route index,
/// collecting every structural problem it can before giving up.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_as(file, text, Document::Policy)
}

/// [`parse`], for a file of the kind `what`.
pub fn parse_as(file: FileId, text: &str, what: Document) -> Parsed {
    let offsets = ByteOffsets::new(text);
    let mut tree = Tree {
        file,
        stack: Vec::new(),
        root: None,
        index: RouteIndex::default(),
        diagnostics: Vec::new(),
    };
    let mut documents = 0usize;
    let mut reported_alias = false;

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) => {
                let at = offsets.byte(error.marker().index());
                // saphyr has its own nesting limit; it is the same refusal as ours.
                if error.info().contains("recursion limit") {
                    tree.diagnostics.push(
                        Diagnostic::new(
                            Code::PolicyTooDeep,
                            format!("the document nests deeper than {MAX_DEPTH} levels"),
                        )
                        .at_span(file, Span::point(at))
                        .with_help("a policy is at most five levels deep; flatten the document"),
                    );
                    return tree.finish(None);
                }
                // saphyr notices a tab only where it breaks the structure, often a line away
                // from it: point at the tab itself.
                let info = error.info();
                let at = if info.contains("tab") || info.contains("indent") {
                    tab_near(text, at).unwrap_or(at)
                } else {
                    at
                };
                tree.diagnostics.push(
                    Diagnostic::new(
                        Code::PolicySyntax,
                        format!("invalid YAML: {}", error.info()),
                    )
                    .at_span(
                        file,
                        Span::new(at, at + usize::from(text[at..].starts_with('\t'))),
                    )
                    .with_help(syntax_help(error.info())),
                );
                return tree.finish(None);
            }
        };
        let span = offsets.span(span);
        let anchor = match &event {
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _) => *anchor,
            _ => 0,
        };
        if (anchor != 0 || matches!(event, Event::Alias(_))) && !reported_alias {
            reported_alias = true;
            tree.diagnostics.push(
                Diagnostic::new(
                    Code::PolicyAlias,
                    format!(
                        "YAML anchors and aliases are not allowed in {}",
                        what.words().1
                    ),
                )
                .at_span(file, span)
                .with_help("write the repeated value out in full"),
            );
        }
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents == 2 {
                    tree.diagnostics.push(
                        Diagnostic::new(
                            Code::PolicySyntax,
                            format!("{} holds exactly one YAML document", what.words().0),
                        )
                        .at_span(file, span)
                        .with_help("put each account's policy in a file of its own"),
                    );
                    return tree.finish(None);
                }
            }
            Event::Alias(_) => {
                // Refused above; stand in a null so the rest of the document is still checked.
                tree.place(Value::Null, span);
            }
            Event::Scalar(text, style, _, tag) => {
                let value = match tag {
                    // Only `!!str` is honoured (it keeps an id like 012345678901 a string);
                    // any other tag would be read as if it were not there, so it is refused.
                    Some(tag)
                        if !((tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:")
                            && tag.suffix == "str") =>
                    {
                        tree.diagnostics.push(
                            Diagnostic::new(
                                Code::PolicySyntax,
                                format!(
                                    "YAML tag `{}{}` is not supported",
                                    if tag.handle == "tag:yaml.org,2002:" {
                                        "!!"
                                    } else {
                                        &tag.handle
                                    },
                                    tag.suffix
                                ),
                            )
                            .at_span(file, span)
                            .with_help("remove the tag; the policy format needs none"),
                        );
                        Value::Null
                    }
                    Some(_) => Value::String(text.into_owned()),
                    _ => scalar::resolve(&text, style),
                };
                tree.place(value, span);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if tree.stack.len() >= MAX_DEPTH {
                    tree.diagnostics.push(
                        Diagnostic::new(
                            Code::PolicyTooDeep,
                            format!("the document nests deeper than {MAX_DEPTH} levels"),
                        )
                        .at_span(file, span)
                        .with_help("a policy is at most five levels deep; flatten the document"),
                    );
                    return tree.finish(None);
                }
                let route = match tree.stack.last_mut() {
                    None => Route::root(),
                    Some(Frame::Seq { route, items, .. }) => route.child(items.len()),
                    Some(Frame::Map {
                        route,
                        pending: Some((key, _)),
                        ..
                    }) => route.child(key),
                    Some(Frame::Map { .. }) => {
                        tree.diagnostics.push(
                            Diagnostic::new(
                                Code::PolicySyntax,
                                "mapping keys must be plain strings",
                            )
                            .at_span(file, span)
                            .with_help("write the key as a string"),
                        );
                        return tree.finish(None);
                    }
                };
                tree.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            route,
                            start: span.start,
                            end: span.end,
                            map: Map::new(),
                            key_spans: std::collections::HashMap::new(),
                            pending: None,
                        }
                    } else {
                        Frame::Seq {
                            route,
                            start: span.start,
                            end: span.end,
                            items: Vec::new(),
                        }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = tree.stack.pop() else {
                    continue;
                };
                let (value, start, mut end) = match frame {
                    Frame::Map {
                        map, start, end, ..
                    } => (Value::Object(map), start, end),
                    Frame::Seq {
                        items, start, end, ..
                    } => (Value::Array(items), start, end),
                };
                // A flow collection's end event sits on its closing bracket; a block one's may sit
                // on the next line, so only a closing bracket extends the span.
                if matches!(text.as_bytes().get(span.start), Some(b'}' | b']')) {
                    end = end.max(span.end);
                }
                let whole = Span::new(start, end);
                tree.place(value, whole);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    let root = tree.root.take();
    tree.finish(root)
}

/// What the event walk builds: the open collections, the finished root, the route index and the
/// problems found.
struct Tree {
    file: FileId,
    stack: Vec<Frame>,
    root: Option<Value>,
    index: RouteIndex,
    diagnostics: Vec<Diagnostic>,
}

impl Tree {
    fn finish(self, value: Option<Value>) -> Parsed {
        Parsed {
            value,
            index: self.index,
            diagnostics: self.diagnostics,
        }
    }

    /// Puts a finished node where it belongs: as a key, a mapping value, a sequence item or the root.
    fn place(&mut self, value: Value, span: Span) {
        let Tree {
            file,
            stack,
            root,
            index,
            diagnostics,
        } = self;
        let file = *file;
        let Some(frame) = stack.last_mut() else {
            index.insert(String::new(), None, span);
            *root = Some(value);
            return;
        };
        match frame {
            Frame::Seq {
                route, items, end, ..
            } => {
                index.insert(route.child(items.len()).pointer, None, span);
                items.push(value);
                *end = (*end).max(span.end);
            }
            Frame::Map {
                route,
                map,
                key_spans,
                pending,
                end,
                ..
            } => match pending.take() {
                None => {
                    let key = match value {
                        Value::String(key) => key,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    if let Some(first) = key_spans.get(&key) {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::PolicyDuplicateKey,
                                format!("key `{key}` appears twice in this mapping"),
                            )
                            .at_span(file, span)
                            .with_label("repeated here")
                            .with_detail("first", first.start),
                        );
                    } else {
                        key_spans.insert(key.clone(), span);
                    }
                    *pending = Some((key, span));
                    *end = (*end).max(span.end);
                }
                Some((key, key_span)) => {
                    index.insert(route.child(&key).pointer, Some(key_span), span);
                    map.entry(key).or_insert(value);
                    *end = (*end).max(span.end);
                }
            },
        }
    }
}

/// The byte offset of the tab in a line's indentation nearest to `at`, if any line is indented
/// with one.
fn tab_near(text: &str, at: usize) -> Option<usize> {
    let mut start = 0;
    let mut best: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent].find('\t') {
            let tab = start + tab;
            if best.is_none_or(|b| tab.abs_diff(at) < b.abs_diff(at)) {
                best = Some(tab);
            }
        }
        start += line.len();
    }
    best
}

fn syntax_help(info: &str) -> String {
    if info.contains("tab") {
        "replace the tab with spaces; YAML does not allow tabs for indentation".to_owned()
    } else {
        "check the indentation and quoting around the marked position".to_owned()
    }
}

#[cfg(test)]
mod tests;
