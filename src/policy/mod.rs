//! Policy files: finding them, reading them safely, checking their shape against the schema and
//! their meaning, and handing the valid ones on as typed [`Policy`] values.
//!
//! Problems are collected, never thrown: every file is read to the end of its first phase that
//! fails (YAML, then schema, then meaning), and every file is read.

pub mod meaning;
pub mod model;
pub mod schema;
pub mod yaml;

pub use model::Policy;

use crate::codes::{Code, Severity};
use crate::diag::Diagnostic;
use crate::source::{FileId, Files, RouteIndex, SourceFile, Span};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A policy file larger than this is refused before it is parsed.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

const TOO_LARGE_HELP: &str = "a policy for one account is a few kilobytes; split or trim the file";

/// A policy that passed every check of its own file.
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    pub file: FileId,
    pub policy: Policy,
}

/// Everything `lint` learnt: the files read, the policies that survived, and every diagnostic.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub files: Files,
    pub policies: Vec<LoadedPolicy>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PolicySet {
    /// Policies whose files carry no error: the ones `check` may evaluate.
    pub fn valid(&self) -> impl Iterator<Item = &LoadedPolicy> {
        self.policies.iter().filter(|loaded| {
            !self
                .diagnostics
                .iter()
                // An expired waiver is an error, but the policy can still be evaluated.
                .any(|d| {
                    d.file == Some(loaded.file)
                        && d.severity == Severity::Error
                        && d.code != Code::WaiverExpired
                })
        })
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Expands `paths` (files, or directories of `*.yaml`/`*.yml`) in a stable order.
fn expand(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|p| {
                        p.is_file()
                            && matches!(
                                p.extension().and_then(|e| e.to_str()),
                                Some("yaml" | "yml")
                            )
                    })
                    .collect(),
                Err(error) => {
                    diagnostics.push(Diagnostic::new(
                        Code::PolicyUnreadable,
                        format!("cannot read directory {}: {error}", path.display()),
                    ));
                    continue;
                }
            };
            if found.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::PolicyNoFiles,
                        format!("no policy files (*.yaml, *.yml) in {}", path.display()),
                    )
                    .with_help("point the command at the directory that holds the policies"),
                );
            }
            found.sort();
            out.extend(found);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            diagnostics.push(
                Diagnostic::new(
                    Code::PolicyUnreadable,
                    format!("{}: no such file or directory", path.display()),
                )
                .with_help("give a policy file or a directory of policies (default: policies/)"),
            );
        }
    }
    out
}

/// What reading and checking one file on its own produced.
struct FileResult {
    source: SourceFile,
    index: Option<Arc<RouteIndex>>,
    policy: Option<Policy>,
    diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    fn new(name: &str) -> Self {
        FileResult {
            source: SourceFile::new(name, ""),
            index: None,
            policy: None,
            diagnostics: Vec::new(),
        }
    }

    /// Ends the checks of a file with `diagnostic`.
    fn fail(mut self, diagnostic: Diagnostic) -> Self {
        self.diagnostics.push(diagnostic);
        self
    }
}

/// Loads and lints every policy under `paths`.
/// Waivers are judged as of `today` when given; `check` passes `None` and judges them per account,
/// at the instant the account is judged.
pub fn load(paths: &[PathBuf], today: Option<jiff::civil::Date>) -> PolicySet {
    let mut set = PolicySet::default();
    let files = expand(paths, &mut set.diagnostics);
    let results: Vec<FileResult> = files
        .par_iter()
        .enumerate()
        .map(|(id, path)| load_file(id, path, today))
        .collect();
    for result in results {
        let id = set.files.add(result.source, result.index);
        if let Some(policy) = result.policy {
            set.policies.push(LoadedPolicy { file: id, policy });
        }
        set.diagnostics.extend(result.diagnostics);
    }
    let valid: Vec<(FileId, &Policy)> = set.valid().map(|l| (l.file, &l.policy)).collect();
    let mut across = Vec::new();
    meaning::check_across(&valid, &set.files, &mut across);
    for diagnostic in &mut across {
        if let Some(file) = diagnostic.file {
            locate(&set.files, file, std::slice::from_mut(diagnostic));
        }
    }
    set.diagnostics.extend(across);
    // Report in reading order: by file, then by position in it.
    let files = &set.files;
    set.diagnostics.sort_by_cached_key(|d| {
        (
            d.file.map_or(0, |f| f + 1),
            d.span(files).map_or(0, |s| s.start),
        )
    });
    set
}

fn load_file(id: FileId, path: &Path, today: Option<jiff::civil::Date>) -> FileResult {
    let name = path.to_string_lossy().into_owned();
    let result = FileResult::new(&name);
    let fail = FileResult::fail;
    // A pipe or a device would block or never end: only regular files are policies.
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            let message = format!("{name} is not a regular file");
            return fail(
                result,
                Diagnostic::new(Code::PolicyUnreadable, message).in_file(id),
            );
        }
        Ok(metadata) if metadata.len() > MAX_POLICY_BYTES => {
            let message = format!(
                "the file is {} bytes; policies are limited to {MAX_POLICY_BYTES} bytes",
                metadata.len()
            );
            return fail(
                result,
                Diagnostic::new(Code::PolicyTooLarge, message)
                    .in_file(id)
                    .with_help(TOO_LARGE_HELP),
            );
        }
        _ => {}
    }
    // Read at most one byte past the limit: a file's reported size is not to be trusted.
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(f, MAX_POLICY_BYTES + 1),
            &mut bytes,
        )
    });
    if let Err(error) = read {
        let message = format!("cannot read {name}: {error}");
        return fail(
            result,
            Diagnostic::new(Code::PolicyUnreadable, message).in_file(id),
        );
    }
    check_bytes(id, name, bytes, today)
}

/// Turns every route of `diagnostics` (all in `file`) into a byte span, parsing the file's text
/// again for its index when it has none: a clean policy's index is not kept while a fleet is
/// checked, only rebuilt for the accounts that have findings.
pub fn locate(files: &Files, file: FileId, diagnostics: &mut [Diagnostic]) {
    if diagnostics
        .iter()
        .all(|d| !matches!(d.location, crate::diag::Location::Route(_)))
    {
        return;
    }
    let rebuilt;
    let index = match files.index(file) {
        Some(index) => index,
        None => {
            let mut index = yaml::parse(file, &files.get(file).text).index;
            index.finish();
            rebuilt = index;
            &rebuilt
        }
    };
    for diagnostic in diagnostics {
        if let crate::diag::Location::Route(route) = &diagnostic.location {
            diagnostic.location = index
                .resolve(route)
                .map_or(crate::diag::Location::None, crate::diag::Location::Span);
        }
    }
}

/// Lints one policy given as bytes: size, encoding, YAML, schema, then meaning. `name` is how
/// reports name the file. Never panics, whatever the bytes (a property test and a fuzz target
/// hold it to that).
pub fn lint_bytes(
    name: &str,
    bytes: Vec<u8>,
    today: Option<jiff::civil::Date>,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let result = check_bytes(0, name.to_owned(), bytes, today);
    (result.policy, result.diagnostics)
}

fn check_bytes(
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
    result.source = SourceFile::new(name, text.as_str());
    let parsed = yaml::parse(id, &text);
    let mut index = parsed.index;
    index.finish();
    result.index = Some(Arc::new(index));
    if !parsed.diagnostics.is_empty() {
        result.diagnostics = parsed.diagnostics;
        return result;
    }
    let document = match parsed.value {
        None | Some(serde_json::Value::Null) => {
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
    result.diagnostics = schema::validate(id, &document);
    if !result.diagnostics.is_empty() {
        return result;
    }
    match serde_yaml::from_str::<Policy>(&text) {
        Ok(policy) => {
            meaning::check_policy(id, &policy, today, &mut result.diagnostics);
            result.policy = Some(policy);
        }
        Err(error) => {
            // The schema and the model describe the same format, so this is a bug; still report it
            // at its place rather than crash.
            let at = error.location().map_or(0, |l| l.index());
            result.diagnostics.push(
                Diagnostic::new(Code::PolicyWrongType, error.to_string())
                    .at_span(id, Span::point(at)),
            );
        }
    }
    // A clean file's index is not kept: a fleet of policies would hold one each until the report
    // is written. `locate` rebuilds it for the few files a later finding points into.
    if result.diagnostics.is_empty() {
        result.index = None;
    }
    result
}
