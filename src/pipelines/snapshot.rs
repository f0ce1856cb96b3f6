//! The `snapshot` pipeline: read accounts live and write their state in the recording format, so CI
//! can judge them offline later.

use crate::observe::{self, ObserveError, Source, Target, recorded};
use crate::outcome::Snapshotted;
use crate::pipelines::select::{SelectError, Selection};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What `snapshot` is asked: plain domain options, built by the command line.
pub struct SnapshotOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    /// The AWS API (a live source).
    pub source: Source,
    /// Where to write, one folder per account name.
    pub out: PathBuf,
}

pub fn run(
    options: &SnapshotOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Snapshotted, SelectError> {
    let selected = options
        .selection
        .apply(crate::policy::load(&options.paths, None))?;
    let accounts: Vec<Target> = (selected.policies())
        .map(|d| super::judging::target(&d.account))
        .collect();
    let observations =
        observe::observe_each(&accounts, &options.source, progress, &|_, observation| {
            observation
        });
    let mut outcome = Snapshotted {
        written: String::new(),
        failures: Vec::new(),
        policy_errors: selected.policy_errors(),
    };
    for (account, observation) in accounts.iter().zip(observations) {
        let name = &account.name;
        let requests = observation.requests.unwrap_or(0);
        let mismatch = observation
            .state
            .as_ref()
            .ok()
            .filter(|s| s.account_ids.iter().any(|id| *id != account.id));
        match (observation.texts, &observation.state) {
            (_, Ok(_)) if mismatch.is_some() => outcome.failures.push(format!(
                "{name}: the credentials reach account {}, not {}; the previous recording is kept",
                mismatch
                    .map(|s| s.account_ids.iter().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                account.id
            )),
            (Some(texts), Ok(_)) => {
                let dir = options.out.join(name);
                match write(&dir, &texts) {
                    Ok(()) => {
                        let _ = writeln!(
                            outcome.written,
                            "{name}: wrote {} ({requests} AWS requests)",
                            dir.display()
                        );
                    }
                    Err(error) => outcome
                        .failures
                        .push(format!("{name}: cannot write {}: {error}", dir.display())),
                }
            }
            (_, Err(ObserveError::Unobserved(reason))) => outcome
                .failures
                .push(format!("{name}: {reason}; the previous recording is kept")),
            (_, Err(ObserveError::Invalid(input))) => outcome.failures.push(format!(
                "{name}: {}: {}; the previous recording is kept",
                input.file, input.message
            )),
            (None, Ok(_)) => outcome.failures.push(format!("{name}: nothing was read")),
        }
    }
    Ok(outcome)
}

/// Writes `texts` into `dir` as a recording folder through the one atomic writer: every file is
/// staged first and renamed into place only once all are written, so a failed run leaves the
/// previous recording untouched. A folder or file that is a symbolic link is refused: a recording
/// is written where the user asked, never through a link to somewhere else.
fn write(dir: &Path, texts: &recorded::Texts) -> std::io::Result<()> {
    if crate::base::atomic::is_symlink(dir) {
        return Err(std::io::Error::other(
            "it is a symbolic link; refusing to write through it",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let staged: Vec<(PathBuf, &[u8])> = texts
        .files()
        .map(|(name, text)| (dir.join(name), text.as_bytes()))
        .collect();
    if let Some((link, _)) = staged
        .iter()
        .find(|(path, _)| crate::base::atomic::is_symlink(path))
    {
        return Err(std::io::Error::other(format!(
            "{} is a symbolic link; refusing to write through it",
            link.display()
        )));
    }
    crate::base::atomic::write_files(&staged)
}
