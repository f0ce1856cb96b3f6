//! Finding policy files: the paths given, each directory's own `*.yaml`/`*.yml` files in a
//! stable order, and `policy.skipped` for policy files in a directory's subfolders, which are
//! not read: a policy moved into a subfolder must not leave its account unchecked without a word.

use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How deep below a directory of policies subfolders are looked into, and how many entries in
/// all: enough for any checkout, bounded for a link loop or a huge tree given by mistake.
const MAX_DEPTH: usize = 8;
const MAX_ENTRIES: usize = 10_000;
/// How many skipped files one finding names before it counts the rest.
const NAMED: usize = 5;

fn is_policy_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Expands `paths` (files, or directories of `*.yaml`/`*.yml`) in a stable order, each with the
/// directory its reads are confined to: the directory argument it was found in, or a file
/// argument's own folder.
pub(super) fn expand(
    paths: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, Arc<Path>)> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let root: Arc<Path> = path.as_path().into();
            let mut found: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    // Whatever its type: a policy that is a broken link, a pipe or a folder is
                    // reported by `load_file`, not skipped, or its account would go unchecked.
                    .filter(|p| is_policy_name(p))
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
            out.extend(found.into_iter().map(|p| (p, root.clone())));
            diagnostics.extend(skipped(path));
        } else if std::fs::symlink_metadata(path).is_ok() {
            out.push((path.clone(), crate::base::confined::parent_of(path).into()));
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

/// `policy.skipped` for each subfolder of `dir` (at any depth) that directly holds policy files,
/// naming the folder and its files; the files are not read. Links to folders are followed, to
/// the depth and entry bounds above.
fn skipped(dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut pending: Vec<(PathBuf, usize)> = subfolders(dir).into_iter().map(|d| (d, 1)).collect();
    let mut seen = 0;
    while let Some((folder, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            seen += 1;
            if seen > MAX_ENTRIES {
                break;
            }
            let path = entry.path();
            if path.is_dir() {
                if depth < MAX_DEPTH {
                    pending.push((path, depth + 1));
                }
            } else if is_policy_name(&path) {
                files.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        if files.is_empty() {
            continue;
        }
        files.sort();
        let mut named = files[..files.len().min(NAMED)].join(", ");
        if files.len() > NAMED {
            named.push_str(&format!(" and {} more", files.len() - NAMED));
        }
        let noun = if files.len() == 1 { "file" } else { "files" };
        out.push(
            Diagnostic::new(
                Code::PolicySkipped,
                format!(
                    "{} holds {} policy {noun} ({named}) that {} not read: only the files directly in {} are policies, so {} account{} not checked",
                    folder.display(),
                    files.len(),
                    if files.len() == 1 { "is" } else { "are" },
                    dir.display(),
                    if files.len() == 1 { "its" } else { "their" },
                    if files.len() == 1 { " is" } else { "s are" },
                ),
            )
            .with_detail("folder", folder.display().to_string())
            .with_detail("files", files)
            .with_help(format!(
                "move the files up into {}, give the folder as well (`smce-guard check {} {}`), or delete them",
                dir.display(),
                crate::base::shell::quote(&dir.display().to_string()),
                crate::base::shell::quote(&folder.display().to_string())
            )),
        );
        if seen > MAX_ENTRIES {
            break;
        }
    }
    out.sort_by(|a, b| a.message.cmp(&b.message));
    out
}

/// The folders directly in `dir`, but for one named like a policy: `load` reports that one.
fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir() && !is_policy_name(path))
        .collect()
}
