//! Policy files: finding them, reading them safely, checking their shape against the schema and
//! their meaning, and handing the valid ones on as typed [`Policy`] values.
//!
//! Problems are collected, never thrown: every file is read to the end of its first phase that
//! fails (YAML, then schema, then meaning), and every file is read.
//!
//! A fleet's policies are never all held at once: a file that passes keeps only its account and
//! a fingerprint of its text, and is read again ([`Declared::read`]) when its account is judged.
//! Text is kept only for files that something points into.

mod files;
mod indent;
pub mod meaning;
pub mod model;
mod offsets;
mod pins;
mod read;
mod scalar;
pub mod schema;
mod sso;
mod teach;
mod words;
pub mod yaml;

pub use model::Policy;

use crate::base::codes::{Code, Severity};
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Files, RouteIndex};
use rayon::prelude::*;
use read::{FileResult, Fingerprint, TOO_LARGE_HELP, check_bytes, read_bounded};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A policy file larger than this is refused before it is parsed.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// A policy file that passed every check of its own, known by the account it declares.
#[derive(Debug, Clone)]
pub struct Declared {
    pub file: FileId,
    pub account: model::Account,
    path: PathBuf,
    /// The directory the file is confined to when read again (see [`crate::base::confined`]).
    root: Arc<Path>,
    fingerprint: Fingerprint,
}

/// A policy read again for judging, with the text that its findings point into and the route
/// index that the same parse built, which [`locate`] resolves them through.
pub struct Reread {
    pub policy: Policy,
    pub text: Arc<str>,
    pub index: RouteIndex,
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
                // An expired waiver is an error, but the policy can still be evaluated; so can
                // one that its cluster file contradicts (the account is still the policy's).
                .any(|d| {
                    d.file == Some(loaded.file)
                        && d.severity == Severity::Error
                        && !matches!(
                            d.code,
                            Code::WaiverExpired
                                | Code::InfrastructureMissing
                                | Code::InfrastructureMismatch
                        )
                })
        })
    }

    /// Puts the diagnostics in reading order: by file, then by position in it; what points at no
    /// place in its file (a count of problems left unreported, say) comes after what does.
    pub fn sort_diagnostics(&mut self) {
        let files = &self.files;
        self.diagnostics.sort_by_cached_key(|d| {
            (
                d.file.map_or(0, |f| f + 1),
                d.span(files).map_or(usize::MAX, |s| s.start),
            )
        });
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
        // This read's one parse, for the index the kept diagnostics are located through.
        let (_, index, _) = read::parse_indexed(file, &text);
        self.files.attach(file, text.into(), Some(Arc::new(index)));
        Ok(())
    }
}

/// Loads and lints every policy under `paths`.
/// Waivers are judged as of `today` when given; `check` passes `None` and judges them per account,
/// at the instant the account is judged.
pub fn load(paths: &[PathBuf], today: Option<jiff::civil::Date>) -> PolicySet {
    let mut set = PolicySet::default();
    let paths = files::expand(paths, &mut set.diagnostics);
    // Each file is reduced to what outlives lint as soon as it is checked (its account, and its
    // text only when a diagnostic points into it) and lands straight in its final place.
    let (sources, (declared, diagnostics)): (Vec<_>, (Vec<_>, Vec<_>)) = paths
        .into_par_iter()
        .enumerate()
        .map(|(id, (path, root))| {
            let result = load_file(id, &path, &root, today);
            let declared = result.policy.map(|policy| Declared {
                file: id,
                account: policy.account,
                path,
                root,
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
    set.sort_diagnostics();
    set
}

/// Reads and lints one file. A file refused unread (a link out of `root`, a pipe, a device) is
/// reported with no text: whatever it holds is not a policy, and must not reach an excerpt.
fn load_file(id: FileId, path: &Path, root: &Path, today: Option<jiff::civil::Date>) -> FileResult {
    let name = path.to_string_lossy().into_owned();
    let result = FileResult::new(&name);
    let fail = FileResult::fail;
    let unreadable = |message| Diagnostic::new(Code::PolicyUnreadable, message).in_file(id);
    let (file, metadata) = match crate::base::confined::open(path, root) {
        Ok(opened) => opened,
        Err(message) => return fail(result, unreadable(message)),
    };
    if metadata.len() > MAX_POLICY_BYTES {
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
    match read_bounded(file) {
        Ok(bytes) => check_bytes(id, name, bytes, today),
        Err(error) => fail(result, unreadable(format!("cannot read {name}: {error}"))),
    }
}

/// Turns every route of `diagnostics` (all in the file `index` was built from) into a byte span.
/// The index is the one [`Declared::read`] built with the policy: locating parses nothing.
pub fn locate(index: &RouteIndex, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        if let crate::base::diag::Location::Route(route) = &diagnostic.location {
            diagnostic.location = index.resolve(route).map_or(
                crate::base::diag::Location::None,
                crate::base::diag::Location::Span,
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "account:\n  id: \"123456789012\"\n  name: hub\n  contacts: [{email: ops@example.org}]\nmembers:\n  - user: alice\n";

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
        // The index comes from the same parse: findings are located without parsing again.
        let mut found = [Diagnostic::new(Code::MemberMissing, "x").at(
            0,
            crate::base::source::Route::of(["members"])
                .child(0)
                .child("user"),
        )];
        locate(&reread.index, &mut found);
        assert!(
            matches!(found[0].location, crate::base::diag::Location::Span(s) if &POLICY[s.start..s.end] == "alice")
        );
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

    #[test]
    fn a_file_of_many_problems_reports_a_hundred_of_each_then_counts_the_rest() {
        let mut text = POLICY.to_owned();
        for i in 0..250 {
            text.push_str(&format!("k{i}: 0\n"));
        }
        let (_, diagnostics) = lint_bytes("many.yaml", text.into_bytes(), None);
        assert_eq!(diagnostics.len(), 101);
        assert!(
            diagnostics[..100]
                .iter()
                .all(|d| d.code == Code::PolicyUnknownKey)
        );
        assert_eq!(
            diagnostics[99].message,
            "unknown key `k99` at the top level"
        );
        let rest = &diagnostics[100];
        assert_eq!(rest.code, Code::PolicyUnknownKey);
        assert_eq!(rest.message, "and 150 more unknown keys in this file");
        assert_eq!(rest.location, crate::base::diag::Location::None);
        let duplicated = format!("{POLICY}{}", "x: 0\n".repeat(103));
        let (_, diagnostics) = lint_bytes("dup.yaml", duplicated.into_bytes(), None);
        assert_eq!(diagnostics.len(), 101);
        assert_eq!(
            diagnostics[100].message,
            "and 2 more duplicate keys in this file"
        );
    }
}
