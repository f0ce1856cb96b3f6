//! The one writer of files: `--output` reports, `snapshot` recordings and `init` policies.
//!
//! A reader never sees half a file: each file is written to a temporary file created exclusively,
//! with an unpredictable name, in the target's own directory (so the rename cannot cross file
//! systems), synced, then renamed over the target. A new file is created `0600` (reports and
//! recordings name users and keys; the user widens them deliberately); a file that is replaced
//! keeps its mode. Devices and pipes (`--output /dev/stdout`) are written to as they are: renaming
//! over them would replace the device with a plain file. A named pipe is opened without waiting:
//! with no reader it is refused at once instead of blocking the run for ever.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes one file atomically through `write`.
pub fn write_file(path: &Path, write: &dyn Fn(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut device = open_device(path)?;
        write(&mut device)?;
        return device.flush();
    }
    let mut staged = Staged::new(path)?;
    write(staged.file.as_file_mut())?;
    staged.commit()
}

/// Opens a device or pipe for writing. Opened without blocking: a named pipe with no reader
/// would otherwise block the open for ever (the kernel answers ENXIO instead, which is refused);
/// once open, writes block again as they should.
#[cfg(unix)]
fn open_device(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Err(error) if error.raw_os_error() == Some(libc::ENXIO) => {
            return Err(io::Error::other(
                "it is a named pipe with no reader; start its reader first (smce-guard does not wait for one)",
            ));
        }
        other => other?,
    };
    let flags = rustix::fs::fcntl_getfl(&file)?;
    rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
    Ok(file)
}

/// Writes a new file atomically, never replacing one: `AlreadyExists` if `path` exists, even
/// when it appears while the file is being written (the rename refuses to replace it).
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    let mut staged = Staged::new(path)?;
    staged.file.as_file_mut().write_all(bytes)?;
    staged.file.as_file().sync_all()?;
    staged
        .file
        .persist_noclobber(path)
        .map(drop)
        .map_err(|e| e.error)
}

/// Writes several files so that each appears whole, and none is replaced unless every one could
/// be written: all are staged first, then renamed into place one after another.
pub fn write_files(files: &[(PathBuf, &[u8])]) -> io::Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let mut file = Staged::new(path)?;
        file.file.as_file_mut().write_all(bytes)?;
        staged.push(file);
    }
    staged.into_iter().try_for_each(Staged::commit)
}

/// Whether `path` is itself a symbolic link (not what it points to).
pub fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// A temporary file beside its target, removed unless committed.
struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    fn new(target: &Path) -> io::Result<Self> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Exclusive creation (O_EXCL) with a random suffix: a link planted at a guessable name
        // cannot redirect the write.
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(directory)?;
        // The mode of a regular file being replaced; a link at the target is replaced, and its
        // target's mode is not copied.
        if let Some(existing) = std::fs::symlink_metadata(target)
            .ok()
            .filter(|m| m.is_file())
        {
            file.as_file().set_permissions(existing.permissions())?;
        }
        Ok(Staged {
            file,
            target: target.to_owned(),
        })
    }

    fn commit(self) -> io::Result<()> {
        self.file.as_file().sync_all()?;
        self.file
            .persist(&self.target)
            .map(drop)
            .map_err(|e| e.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_file_is_private_and_a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_file(&path, &|w| w.write_all(b"one")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_file(&path, &|w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(mode(&path), 0o644);
        // Nothing but the target is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "kept").unwrap();
        let failed = write_file(&path, &|_| Err(io::Error::other("no")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"kept");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.yaml");
        write_new(&path, b"one").unwrap();
        let again = write_new(&path, b"two").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_link_at_the_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let path = dir.path().join("report.json");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_file(&path, &|w| w.write_all(b"report")).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!is_symlink(&path));
        assert_eq!(std::fs::read(&path).unwrap(), b"report");
    }

    #[test]
    fn a_pipe_without_a_reader_is_refused_at_once_and_one_with_a_reader_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("report.fifo");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let refused = write_file(&pipe, &|w| w.write_all(b"report")).unwrap_err();
        assert!(
            refused.to_string().contains("named pipe with no reader"),
            "{refused}"
        );
        // With a reader, the whole report goes through, however large (the writes block).
        let reader = {
            let pipe = pipe.clone();
            std::thread::spawn(move || std::fs::read(pipe).unwrap())
        };
        let report = vec![b'x'; 1 << 20];
        let mut written = Err(io::Error::other("not tried"));
        for _ in 0..500 {
            written = write_file(&pipe, &|w| w.write_all(&report));
            if written.is_ok() {
                break;
            }
            // The reader may not have opened its end yet.
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        written.unwrap();
        assert_eq!(reader.join().unwrap().len(), report.len());
        // The pipe is still a pipe, not replaced by a file.
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo());
    }
}
