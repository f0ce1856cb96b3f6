//! Opening an input file (a policy, a recorded file, a cluster file) only when it is what it
//! claims to be: a regular file whose real place is inside the directory given on the command
//! line, on an ordinary filesystem rather than a kernel interface (procfs, sysfs and the like).
//!
//! Inputs are quoted in reports (a policy's excerpt, a broken recording's line), so following a
//! link anywhere would turn a policy linked to `~/.aws/credentials`, or a recording linked to
//! `/proc/self/environ`, into a report that prints secrets; and a link to a pipe or to `/proc/kmsg`
//! would block `lint` and `check` for ever. So a path is resolved first and its real place and
//! type vetted (devices, pipes and sockets are refused before they are opened: opening a device
//! can act, a pipe can block); then the resolved path is opened without following a last link and
//! without blocking (a pipe swapped in after the check opens at once instead of waiting for a
//! writer), and what was opened decides: the same file as the one vetted (device and inode), a
//! regular file (`fstat`), on a filesystem that is not a kernel interface (`fstatfs`). A file is
//! judged by what it is, not by its path: a regular file under `/dev/shm` (tmpfs, CI's scratch
//! space) is read; `/proc/self/environ` is not, however it is reached. Regular files always reach
//! their end, which is what bounds a read in time; callers bound it in size.
//!
//! Unix only (`#[cfg(unix)]`): the flags, the inode check and the filesystem check have no
//! Windows counterpart here, and the crate is built and tested on Linux and macOS only.

use std::fs::{File, Metadata};
#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

#[cfg(not(unix))]
compile_error!(
    "smce-guard reads its inputs through Unix-only safeguards (base/confined.rs); it is built and tested on Linux and macOS only"
);

/// Opens `path` for reading if it is a regular file whose real place is inside `root` (the
/// directory the command line named, the one `path` was found in) and not on a kernel
/// interface; hands back the opened file and its own metadata (its size included). The error is
/// the whole message for a report: it names `path` as given and says why it was not read.
pub fn open(path: &Path, root: &Path) -> Result<(File, Metadata), String> {
    let name = path.display();
    let cannot = |error: std::io::Error| format!("cannot read {name}: {error}");
    let link = std::fs::symlink_metadata(path)
        .map_err(cannot)?
        .file_type()
        .is_symlink();
    // A link that leads nowhere fails here: there but unreadable, not missing.
    let real = std::fs::canonicalize(path).map_err(cannot)?;
    let real_root = real_root(root)
        .map_err(|error| format!("cannot read {name}: {}: {error}", root.display()))?;
    if !real.starts_with(&real_root) {
        let what = if link {
            "a symbolic link to a file"
        } else {
            // Not a link itself, yet outside: one of the folders on its way is a link.
            "reached through a symbolic link; it is a file"
        };
        // Refused unopened; its filesystem (read without opening it) names the worse reason.
        if let Some(interface) = kernel_interface(rustix::fs::statfs(&real).ok()) {
            return Err(refusal(&name, what, interface));
        }
        return Err(format!(
            "{name} is {what} outside {}; refusing to read it",
            shown(root)
        ));
    }
    let linked = if link { "a symbolic link to " } else { "" };
    let vetted = std::fs::metadata(&real).map_err(cannot)?;
    if !vetted.is_file() {
        return Err(format!(
            "{name} is {linked}{}, not a regular file",
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
    if let Some(interface) = kernel_interface(rustix::fs::fstatfs(&file).ok()) {
        let what = if link {
            "a symbolic link to a file"
        } else {
            "a file"
        };
        return Err(refusal(&name, what, interface));
    }
    Ok((file, opened))
}

/// Why a file on a kernel interface is not read.
fn refusal(name: &impl std::fmt::Display, what: &str, interface: &str) -> String {
    format!(
        "{name} is {what} on {interface}, a kernel interface rather than a file; refusing to read it"
    )
}

/// The kernel interface a filesystem is, by its `statfs` type (Linux's magic numbers): reading
/// its files leaks the process's secrets (procfs), answers for the machine (sysfs, debugfs) or
/// blocks for ever. `None` for an ordinary filesystem (ext4, xfs, btrfs, tmpfs, overlayfs, NFS,
/// ...), or when the type cannot be read.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_interface(stat: Option<rustix::fs::StatFs>) -> Option<&'static str> {
    // The type's bits, whatever the width of `f_type` on this platform.
    let magic = stat?.f_type as u32;
    KERNEL_INTERFACES
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// Elsewhere (macOS) there is no procfs or sysfs, and `/dev` holds only devices, which are
/// refused by their type.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_interface(_: Option<rustix::fs::StatFs>) -> Option<&'static str> {
    None
}

/// Linux's kernel interfaces that show up as filesystems of regular-looking files
/// (`linux/magic.h`).
#[cfg(any(target_os = "linux", target_os = "android"))]
const KERNEL_INTERFACES: &[(u32, &str)] = &[
    (0x9fa0, "procfs (/proc)"),
    (0x6265_6572, "sysfs (/sys)"),
    (0x6462_6720, "debugfs"),
    (0x7472_6163, "tracefs"),
    (0x7363_6673, "securityfs"),
    (0x0027_e0eb, "cgroupfs"),
    (0x6367_7270, "cgroup2"),
    (0x6265_6570, "configfs"),
    (0xde5e_81e4, "efivarfs"),
    (0x6165_676c, "pstore"),
    (0xcafe_4a11, "bpffs"),
    (0xf97c_ff8c, "selinuxfs"),
    (0x4341_5d53, "smackfs"),
    (0x6573_5543, "fusectl"),
    (0x4249_4e4d, "binfmt_misc"),
    (0x1cd1, "devpts"),
    (0x1980_0202, "mqueue"),
    (0x6e73_6673, "nsfs"),
];

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
        // Kernel interfaces are refused even when the root holds them, and named.
        let environ = link("e.yaml", Path::new("/proc/self/environ"));
        let message = refused(&environ, Path::new("/"));
        assert!(
            message.ends_with("e.yaml is a symbolic link to a file on procfs (/proc), a kernel interface rather than a file; refusing to read it"),
            "{message}"
        );
        let message = refused(&environ, &root);
        assert!(message.contains("on procfs (/proc)"), "{message}");
        let message = refused(Path::new("/dev/null"), Path::new("/dev"));
        assert_eq!(message, "/dev/null is a device, not a regular file");
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

    #[test]
    fn a_file_is_judged_by_what_it_is_not_by_its_path() {
        // procfs and sysfs hold regular files; they are kernel interfaces all the same.
        let message = refused(Path::new("/proc/self/status"), Path::new("/proc/self"));
        assert_eq!(
            message,
            "/proc/self/status is a file on procfs (/proc), a kernel interface rather than a file; refusing to read it"
        );
        let message = refused(Path::new("/sys/kernel/uevent_seqnum"), Path::new("/sys"));
        assert!(message.ends_with("is a file on sysfs (/sys), a kernel interface rather than a file; refusing to read it"), "{message}");
        // A regular file under /dev/shm (tmpfs, CI's scratch space) is an ordinary file.
        let dir = tempfile::tempdir_in("/dev/shm").expect("/dev/shm, a tmpfs, as on CI runners");
        std::fs::write(dir.path().join("hub.yaml"), "account: {}\n").unwrap();
        let (_, metadata) = open(&dir.path().join("hub.yaml"), dir.path()).expect("read");
        assert_eq!(metadata.len(), 12);
        // Reached through a link, too.
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path(), elsewhere.path().join("shm")).unwrap();
        let path = elsewhere.path().join("shm/hub.yaml");
        assert!(open(&path, &elsewhere.path().join("shm")).is_ok());
    }
}
