//! Policy files: finding them, reading them safely, checking their shape against the schema and
//! their meaning, and handing the valid ones on as typed [`Policy`] values.
//!
//! Problems are collected, never thrown: every file is read to the end of its first phase that
//! fails (YAML, then schema, then meaning), and every file is read.
//!
//! A fleet's policies are never all held at once: a file that passes keeps only its account and
//! a fingerprint of its text, and is read again ([`Declared::read`]) when its account is judged.
//! Text is kept only for files that something points into.

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

/// A policy file that passed every check of its own, known by the account it declares.
#[derive(Debug, Clone)]
pub struct Declared {
    pub file: FileId,
    pub account: model::Account,
    path: PathBuf,
    fingerprint: Fingerprint,
}

/// A policy read again for judging, with the text that its findings point into.
pub struct Reread {
    pub policy: Policy,
    pub text: Arc<str>,
}

impl Declared {
    /// Reads the whole policy again. A file that changed since it was linted is refused rather
    /// than judged unchecked.
    pub fn read(&self) -> Result<Reread, Box<Diagnostic>> {
        let text = self.read_text()?;
        match serde_yaml::from_str::<Policy>(&text) {
            Ok(policy) => Ok(Reread {
                policy,
                text: text.into(),
            }),
            // The same text passed the schema moments ago; report rather than crash all the same.
            Err(error) => Err(Box::new(
                Diagnostic::new(Code::PolicyWrongType, error.to_string()).at_span(
                    self.file,
                    Span::point(error.location().map_or(0, |l| l.index())),
                ),
            )),
        }
    }

    fn read_text(&self) -> Result<String, Box<Diagnostic>> {
        let name = self.path.display();
        let bytes = read_bounded(&self.path).map_err(|error| -> Box<Diagnostic> {
            Diagnostic::new(
                Code::PolicyUnreadable,
                format!("cannot read {name}: {error}"),
            )
            .in_file(self.file)
            .into()
        })?;
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
struct Fingerprint(usize, u64);

impl Fingerprint {
    fn of(text: &str) -> Self {
        use std::hash::{Hash, Hasher};
        // `DefaultHasher::new()` has fixed keys, so one text hashes alike in both reads.
        let mut hasher = std::hash::DefaultHasher::new();
        text.hash(&mut hasher);
        Fingerprint(text.len(), hasher.finish())
    }
}

/// Everything `lint` learnt: the files read, the policies that survived, and every diagnostic.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub files: Files,
    pub policies: Vec<Declared>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PolicySet {
    /// Policies whose files carry no error: the ones `check` may evaluate.
    pub fn valid(&self) -> impl Iterator<Item = &Declared> {
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

    /// Makes sure the text of `file` is held, so that diagnostics pointing into it by route can
    /// be rendered; fails for a file that changed since it was linted.
    pub fn keep_text(&mut self, file: FileId) -> Result<(), Box<Diagnostic>> {
        if self.files.index(file).is_some() {
            return Ok(());
        }
        // `policies` is in file order (load pushes them so), so a file is found by bisection:
        // `accounts` calls this once per file a finding points into.
        let Ok(at) = self.policies.binary_search_by_key(&file, |d| d.file) else {
            return Ok(());
        };
        let declared = &self.policies[at];
        let text = declared.read_text()?;
        let mut index = yaml::parse(file, &text).index;
        index.finish();
        self.files.attach(file, text.into(), Some(Arc::new(index)));
        Ok(())
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
                    // Whatever its type: a policy that is a broken link, a pipe or a folder is
                    // reported by `load_file`, not skipped, or its account would go unchecked.
                    .filter(|p| {
                        p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                        })
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
        } else if std::fs::symlink_metadata(path).is_ok() {
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
    fingerprint: Fingerprint,
    diagnostics: Vec<Diagnostic>,
}

impl FileResult {
    fn new(name: &str) -> Self {
        FileResult {
            source: SourceFile::new(name, ""),
            index: None,
            policy: None,
            fingerprint: Fingerprint::default(),
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
    let paths = expand(paths, &mut set.diagnostics);
    // Each file is reduced to what outlives lint as soon as it is checked (its account, and its
    // text only when a diagnostic points into it) and lands straight in its final place.
    let (sources, (declared, diagnostics)): (Vec<_>, (Vec<_>, Vec<_>)) = paths
        .into_par_iter()
        .enumerate()
        .map(|(id, path)| {
            let result = load_file(id, &path, today);
            let declared = result.policy.map(|policy| Declared {
                file: id,
                account: policy.account,
                path,
                fingerprint: result.fingerprint,
            });
            (
                (result.source, result.index),
                (declared, result.diagnostics),
            )
        })
        .unzip();
    set.files = Files::from(sources);
    set.policies = declared.into_iter().flatten().collect();
    set.diagnostics.extend(diagnostics.into_iter().flatten());
    let valid: Vec<(FileId, &model::Account)> = set.valid().map(|d| (d.file, &d.account)).collect();
    let mut across = Vec::new();
    meaning::check_across(&valid, &set.files, &mut across);
    for file in across.iter().filter_map(|d| d.file) {
        if let Err(diagnostic) = set.keep_text(file) {
            set.diagnostics.push(*diagnostic);
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
    match read_bounded(path) {
        Ok(bytes) => check_bytes(id, name, bytes, today),
        Err(error) => {
            let message = format!("cannot read {name}: {error}");
            fail(
                result,
                Diagnostic::new(Code::PolicyUnreadable, message).in_file(id),
            )
        }
    }
}

/// Reads at most one byte past the size limit: a file's reported size is not to be trusted.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    // Checked here too, not only before the first read: a policy replaced by a pipe while the
    // fleet is checked must not block the second read.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path)?;
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_POLICY_BYTES + 1),
        &mut bytes,
    )?;
    Ok(bytes)
}

/// Turns every route of `diagnostics` (all in the file whose text is `text`) into a byte span.
/// A clean policy's index is not kept while a fleet is checked; it is rebuilt here for the
/// accounts that have findings.
pub fn locate(text: &str, diagnostics: &mut [Diagnostic]) {
    let Some(file) = diagnostics
        .iter()
        .find(|d| matches!(d.location, crate::diag::Location::Route(_)))
        .and_then(|d| d.file)
    else {
        return;
    };
    let mut index = yaml::parse(file, text).index;
    index.finish();
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
    result.source = SourceFile::new(name.as_str(), text.as_str());
    result.fingerprint = Fingerprint::of(&text);
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
    // A clean file's text and index are not kept: a fleet of policies would hold one each until
    // the report is written. They are read again for the few files a later finding points into.
    if result.diagnostics.is_empty() {
        result.index = None;
        result.source = SourceFile::new(name, "");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str =
        "account:\n  id: \"123456789012\"\n  name: hub\nmembers:\n  - user: alice\n";

    #[test]
    fn a_clean_policy_keeps_its_account_and_is_read_again_whole() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hub.yaml"), POLICY).unwrap();
        let set = load(&[dir.path().to_owned()], None);
        assert!(set.diagnostics.is_empty(), "{:?}", set.diagnostics);
        // Its text is let go after lint: nothing points into it yet.
        assert_eq!(&*set.files.get(0).text, "");
        let declared = &set.policies[0];
        assert_eq!(declared.account.name, "hub");
        let reread = declared.read().unwrap();
        assert_eq!(&*reread.text, POLICY);
        assert_eq!(reread.policy.members[0].user, "alice");
    }

    #[test]
    fn a_policy_rewritten_after_lint_is_refused_not_judged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.yaml");
        std::fs::write(&path, POLICY).unwrap();
        let set = load(std::slice::from_ref(&path), None);
        std::fs::write(&path, POLICY.replace("alice", "mallory")).unwrap();
        let refused = set.policies[0].read().err().unwrap();
        assert_eq!(refused.code, Code::PolicyUnreadable);
        assert!(
            refused.message.contains("changed while"),
            "{}",
            refused.message
        );
        assert_eq!(refused.file, Some(0));
    }

    #[test]
    fn a_policy_replaced_by_a_pipe_after_lint_fails_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.yaml");
        std::fs::write(&path, POLICY).unwrap();
        let set = load(std::slice::from_ref(&path), None);
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // Opening a pipe with no writer would block forever; the read must refuse it first.
        let refused = set.policies[0].read().err().unwrap();
        assert_eq!(refused.code, Code::PolicyUnreadable);
        assert!(
            refused.message.contains("not a regular file"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn duplicates_across_files_point_at_a_line_of_a_clean_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), POLICY).unwrap();
        std::fs::write(dir.path().join("b.yaml"), POLICY.replace("hub", "other")).unwrap();
        let set = load(&[dir.path().to_owned()], None);
        let duplicate = set
            .diagnostics
            .iter()
            .find(|d| d.code == Code::PolicyDuplicateAccountId)
            .unwrap();
        assert_eq!(duplicate.line_col(&set.files), Some((2, 7)));
        assert_eq!(&*set.files.get(1).text, POLICY.replace("hub", "other"));
    }
}
