//! Reading one policy: its bytes, bounded, then one parse into values that carry their positions.
//!
//! The YAML parse ([`yaml::parse`]) yields the document as a JSON value and the route index of
//! every node; the schema checks that value, the typed [`Draft`] is deserialised from the same
//! value (never from the text again), the meaning phase turns it into a [`Policy`], and the index
//! built by that one parse is what locates every finding. Lint and the later re-read of a clean
//! policy ([`Declared::read`]) both go through [`parse_typed`].

use super::model::{Draft, Policy};
use super::{Declared, MAX_POLICY_BYTES, Reread, meaning, schema, yaml};
use crate::base::codes::Code;
use crate::base::diag::{Capped, Diagnostic};
use crate::base::source::{FileId, Route, RouteIndex, SourceFile, Span};
use serde_json::Value;
use std::sync::Arc;

pub(super) const TOO_LARGE_HELP: &str =
    "a policy for one account is a few kilobytes; split or trim the file";

impl Declared {
    /// Reads the whole policy again: one parse, whose route index comes back with the policy so
    /// that its findings are located without parsing again. A file that changed since it was
    /// linted is refused rather than judged unchecked.
    pub fn read(&self) -> Result<Reread, Box<Diagnostic>> {
        let text = self.read_text()?;
        let (value, index, problems) = parse_indexed(self.file, &text);
        // The same text passed lint moments ago; report rather than crash all the same.
        let refused = |diagnostic: Option<Diagnostic>| {
            Box::new(diagnostic.unwrap_or_else(|| {
                Diagnostic::new(Code::PolicyEmpty, "the policy file is empty").in_file(self.file)
            }))
        };
        let Some(value) = value.filter(|_| problems.is_empty()) else {
            return Err(refused(problems.into_iter().next()));
        };
        let draft = parse_typed(self.file, &text, value, &index)?;
        // Its meaning was reported at lint; this only reads the waivers again.
        let policy = meaning::check_policy(self.file, draft, None, &mut Vec::new());
        Ok(Reread {
            policy,
            text: text.into(),
            index,
        })
    }

    /// The file's text, as long as it is still the text that was linted.
    pub(super) fn read_text(&self) -> Result<String, Box<Diagnostic>> {
        let name = self.path.display();
        let unreadable = |message: String| -> Box<Diagnostic> {
            Diagnostic::new(Code::PolicyUnreadable, message)
                .in_file(self.file)
                .into()
        };
        // Confined again: the file may have become a link out of its folder since lint.
        let (file, _) = crate::base::confined::open(&self.path, &self.root).map_err(unreadable)?;
        let bytes = read_bounded(file)
            .map_err(|error| unreadable(format!("cannot read {name}: {error}")))?;
        let text = String::from_utf8(bytes)
            .ok()
            .filter(|text| Fingerprint::of(text) == self.fingerprint);
        text.ok_or_else(|| {
            Diagnostic::new(
                Code::PolicyUnreadable,
                format!("{name} changed while smce-guard was reading it"),
            )
            .in_file(self.file)
            .with_help("run again once the file is no longer being written")
            .into()
        })
    }
}

/// A text's length and hash: enough to notice that a file was rewritten between two reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Fingerprint(usize, u64);

impl Fingerprint {
    pub(super) fn of(text: &str) -> Self {
        use std::hash::{Hash, Hasher};
        // `DefaultHasher::new()` has fixed keys, so one text hashes alike in both reads.
        let mut hasher = std::hash::DefaultHasher::new();
        text.hash(&mut hasher);
        Fingerprint(text.len(), hasher.finish())
    }
}

/// Reads an opened policy (one [`crate::base::confined::open`] vetted as a regular file, on each read,
/// so a policy replaced by a pipe while the fleet is checked cannot block the second read) to at
/// most one byte past the size limit: a file's reported size is not to be trusted.
pub(super) fn read_bounded(file: std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_POLICY_BYTES + 1),
        &mut bytes,
    )?;
    Ok(bytes)
}

/// The one YAML parse of a text: its value, its finished route index and its structural problems.
pub(super) fn parse_indexed(
    file: FileId,
    text: &str,
) -> (Option<Value>, RouteIndex, Vec<Diagnostic>) {
    let parsed = yaml::parse(file, text);
    let mut index = parsed.index;
    index.finish();
    (parsed.value, index, parsed.diagnostics)
}

/// The typed draft, deserialised from the value the parse built. After the schema it cannot fail
/// but for an integer written as a float (`1e3`, `60.0`): JSON Schema counts those as integers and
/// the model does not. That mistake is reported at the value, worded as before the one parse.
pub(super) fn parse_typed(
    file: FileId,
    text: &str,
    value: Value,
    index: &RouteIndex,
) -> Result<Draft, Box<Diagnostic>> {
    // Found before the value is given away: only the failure path needs it.
    let mut pointer = String::new();
    let float = first_float(&value, &mut pointer);
    serde_json::from_value::<Draft>(value).map_err(|error| {
        let route = Route {
            pointer: if float { pointer } else { String::new() },
            key: false,
        };
        let at = index.resolve(&route).map_or(0, |span| span.start);
        let (line, column) = SourceFile::new("", text).line_col(at);
        let path = schema::dotted(&route.pointer);
        let path = if path.is_empty() { path } else { path + ": " };
        Box::new(
            Diagnostic::new(
                Code::PolicyWrongType,
                format!("{path}{error} at line {line} column {column}"),
            )
            .at_span(file, Span::point(at)),
        )
    })
}

/// Whether `value` holds a number that is not an integer, leaving `pointer` at the first one in
/// the order serde visits a value (sorted keys, then items in order).
fn first_float(value: &Value, pointer: &mut String) -> bool {
    let len = pointer.len();
    let found = match value {
        Value::Number(n) => !n.is_i64() && !n.is_u64(),
        // The pointer is written only along the way to a float: most policies hold none.
        Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
            has_float(item) && {
                pointer.push_str(&format!("/{i}"));
                first_float(item, pointer)
            }
        }),
        Value::Object(map) => map.iter().any(|(key, item)| {
            has_float(item) && {
                pointer.push('/');
                pointer.push_str(&crate::base::source::escape_segment(key));
                first_float(item, pointer)
            }
        }),
        _ => false,
    };
    if !found {
        pointer.truncate(len);
    }
    found
}

/// Whether `value` holds a number that is not an integer anywhere.
fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => !n.is_i64() && !n.is_u64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// What reading and checking one file on its own produced.
pub(super) struct FileResult {
    pub source: SourceFile,
    pub index: Option<Arc<RouteIndex>>,
    pub policy: Option<Policy>,
    pub fingerprint: Fingerprint,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    pub(super) fn new(name: &str) -> Self {
        FileResult {
            source: SourceFile::new(name, ""),
            index: None,
            policy: None,
            fingerprint: Fingerprint::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Ends the checks of a file with `diagnostic`.
    pub(super) fn fail(mut self, diagnostic: Diagnostic) -> Self {
        self.diagnostics.push(diagnostic);
        self
    }
}

/// Lints one file's bytes: size, encoding, then the one parse, the schema, the typed model and
/// its meaning.
pub(super) fn check_bytes(
    id: FileId,
    name: String,
    bytes: Vec<u8>,
    today: Option<jiff::civil::Date>,
) -> FileResult {
    let mut result = FileResult::new(&name);
    let fail = FileResult::fail;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        let message =
            format!("the file is over {MAX_POLICY_BYTES} bytes; policies are limited to that");
        return fail(
            result,
            Diagnostic::new(Code::PolicyTooLarge, message)
                .in_file(id)
                .with_help(TOO_LARGE_HELP),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            result.source =
                SourceFile::new(name, String::from_utf8_lossy(error.as_bytes()).into_owned());
            let message = format!("the file is not valid UTF-8 (byte {at})");
            return fail(
                result,
                Diagnostic::new(Code::PolicyNotUtf8, message)
                    .at_span(id, Span::new(at, at + 1))
                    .with_help("re-save the file as UTF-8"),
            );
        }
    };
    result.source = SourceFile::new(name.as_str(), text.as_str());
    result.fingerprint = Fingerprint::of(&text);
    let (value, index, problems) = parse_indexed(id, &text);
    let index = Arc::new(index);
    result.index = Some(index.clone());
    if !problems.is_empty() {
        result.diagnostics = Capped::cap(id, problems);
        return result;
    }
    let document = match value {
        None | Some(Value::Null) => {
            return fail(
                result,
                Diagnostic::new(Code::PolicyEmpty, "the policy file is empty")
                    .in_file(id)
                    .with_help(
                        "declare at least `account.id` and `account.name`, or delete the file",
                    ),
            );
        }
        Some(document) => document,
    };
    result.diagnostics = schema::validate(id, &document, &index, &text);
    if !result.diagnostics.is_empty() {
        return result;
    }
    match parse_typed(id, &text, document, &index) {
        Ok(draft) => {
            let policy = meaning::check_policy(id, draft, today, &mut result.diagnostics);
            result.policy = Some(policy);
        }
        Err(diagnostic) => result.diagnostics.push(*diagnostic),
    }
    result.diagnostics = Capped::cap(id, std::mem::take(&mut result.diagnostics));
    // A clean file's text and index are not kept: a fleet of policies would hold one each until
    // the report is written. They are read again for the few files a later finding points into.
    if result.diagnostics.is_empty() {
        result.index = None;
        result.source = SourceFile::new(name, "");
    }
    result
}
