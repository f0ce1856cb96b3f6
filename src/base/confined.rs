//! Opening an input file (a policy, a recorded file) only when it is what it claims to be: a
//! regular file whose real place is inside the directory given on the command line, and never
//! anything under `/proc`, `/sys` or `/dev`.
//!
//! Inputs are quoted in reports (a policy's excerpt, a broken recording's line), so following a
//! link anywhere would turn a policy linked to `~/.aws/credentials`, or a recording linked to
//! `/proc/self/environ`, into a report that prints secrets; and a link to a pipe or to `/proc/kmsg`
//! would block `lint` and `check` for ever. So a path is resolved first and its real place and type
//! vetted; then the resolved path is opened without following a last link and without blocking
//! (a pipe swapped in after the check opens at once instead of waiting for a writer), and the
//! opened file is held to the one vetted (same device and inode, a regular file) before a byte is
//! read. Regular files always reach their end, which is what bounds a read in time; callers bound
//! it in size.

use std::fs::{File, Metadata};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Kernel interfaces, not files: reading them leaks the process's secrets or blocks for ever.
const PSEUDO: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Opens `path` for reading if it is a regular file whose real place is inside `root` (the
/// directory the command line named, the one `path` was found in) and outside [`PSEUDO`]; hands
/// back the opened file and its own metadata (its size included). The error is the whole
/// message for a report: it names `path` as given and says why it was not read.
pub fn open(path: &Path, root: &Path) -> Result<(File, Metadata), String> {
    let name = path.display();
    let cannot = |error: std::io::Error| format!("cannot read {name}: {error}");
    let link = std::fs::symlink_metadata(path)
        .map_err(cannot)?
        .file_type()
        .is_symlink();
    // A link that leads nowhere fails here: there but unreadable, not missing.
    let real = std::fs::canonicalize(path).map_err(cannot)?;
    let what = if link {
        "a symbolic link to a file"
    } else {
        // Not a link itself, yet outside: one of the folders on its way is a link.
        "reached through a symbolic link; it is a file"
    };
    if let Some(pseudo) = PSEUDO.iter().find(|pseudo| real.starts_with(pseudo)) {
        return Err(format!(
            "{name} is {what} under {pseudo}, a kernel interface rather than a file; refusing to read it"
        ));
    }
    let real_root = real_root(root)
        .map_err(|error| format!("cannot read {name}: {}: {error}", root.display()))?;
    if !real.starts_with(&real_root) {
        return Err(format!(
            "{name} is {what} outside {}; refusing to read it",
            shown(root)
        ));
    }
    let vetted = std::fs::metadata(&real).map_err(cannot)?;
    if !vetted.is_file() {
        let what = if link { "a symbolic link to " } else { "" };
        return Err(format!(
            "{name} is {what}{}, not a regular file",
            kind(&vetted)
        ));
    }
    // O_NONBLOCK: opening a pipe swapped in since the check must not wait for a writer (it has no
    // effect on a regular file's reads). O_NOFOLLOW: nor may a link swapped in be followed.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&real)
        .map_err(cannot)?;
    let opened = file.metadata().map_err(cannot)?;
    if !opened.is_file() || (opened.dev(), opened.ino()) != (vetted.dev(), vetted.ino()) {
        return Err(format!(
            "{name} was replaced while smce-guard was opening it; refusing to read it"
        ));
    }
    Ok((file, opened))
}

thread_local! {
    /// The last root resolved on this thread, and its real place: a fleet's files share one root,
    /// and resolving it again for each of them was a tenth of `check`'s system time.
    static ROOT: std::cell::RefCell<Option<(PathBuf, PathBuf)>> = const { std::cell::RefCell::new(None) };
}

/// The real place of `root`, resolved once per thread and root.
fn real_root(root: &Path) -> std::io::Result<PathBuf> {
    ROOT.with_borrow_mut(|cached| {
        if let Some((_, real)) = cached.as_ref().filter(|(given, _)| given == root) {
            return Ok(real.clone());
        }
        let real = std::fs::canonicalize(root)?;
        *cached = Some((root.to_owned(), real.clone()));
        Ok(real)
    })
}

/// `root` as a folder (`policies/`), as the user would write it.
fn shown(root: &Path) -> String {
    let root = root.display().to_string();
    if root.ends_with('/') {
        root
    } else {
        format!("{root}/")
    }
}

/// What a file that is not a regular file is, in words.
fn kind(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// The directory a policy given as a file argument is confined to: its own folder.
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &Path, root: &Path) -> String {
        open(path, root).expect_err("must be refused")
    }

    #[test]
    fn links_are_followed_only_inside_the_root_and_only_to_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("policies");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.yaml"), "inside").unwrap();
        std::fs::write(dir.path().join("secret"), "outside").unwrap();
        let link = |name: &str, to: &Path| {
            std::os::unix::fs::symlink(to, root.join(name)).unwrap();
            root.join(name)
        };
        // A file, and a link to a file beside it, are read.
        assert!(open(&root.join("a.yaml"), &root).is_ok());
        let (_, metadata) = open(&link("b.yaml", Path::new("a.yaml")), &root).unwrap();
        assert_eq!(metadata.len(), 6);
        // A link out of the root, even by `..`, is refused and named.
        let out = link("c.yaml", &dir.path().join("secret"));
        let message = refused(&out, &root);
        assert!(message.starts_with(&out.display().to_string()), "{message}");
        assert!(
            message.contains("symbolic link to a file outside"),
            "{message}"
        );
        assert!(
            message.ends_with("policies/; refusing to read it"),
            "{message}"
        );
        assert!(refused(&link("d.yaml", Path::new("../secret")), &root).contains("outside"));
        // Kernel interfaces are refused even when the root holds them.
        let environ = link("e.yaml", Path::new("/proc/self/environ"));
        assert!(refused(&environ, Path::new("/")).contains("under /proc"));
        assert!(refused(Path::new("/dev/null"), Path::new("/dev")).contains("under /dev"));
        // A folder is not a file, linked or not.
        std::fs::create_dir(root.join("sub.yaml")).unwrap();
        let message = refused(&root.join("sub.yaml"), &root);
        assert!(
            message.contains("is a directory, not a regular file"),
            "{message}"
        );
        // A link that leads nowhere cannot be read.
        let dangling = link("f.yaml", Path::new("nowhere.yaml"));
        assert!(refused(&dangling, &root).starts_with("cannot read"));
    }

    #[test]
    fn a_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let link = dir.path().join("p.yaml");
        std::os::unix::fs::symlink(&pipe, &link).unwrap();
        let message = refused(&link, dir.path());
        assert!(
            message.ends_with("is a symbolic link to a named pipe, not a regular file"),
            "{message}"
        );
        assert!(refused(&pipe, dir.path()).ends_with("is a named pipe, not a regular file"));
    }

    #[test]
    fn a_file_argument_is_confined_to_its_own_folder() {
        assert_eq!(parent_of(Path::new("x.yaml")), Path::new("."));
        assert_eq!(parent_of(Path::new("p/x.yaml")), Path::new("p"));
        assert_eq!(parent_of(Path::new("/x.yaml")), Path::new("/"));
    }
}
