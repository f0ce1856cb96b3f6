//! The `lint` pipeline: every policy against the schema and for mistakes of meaning, waivers
//! judged on the run's day (`--now`), and, with `--infrastructure`, each policy held to its
//! cluster file.

use crate::base::clock::{Clock, utc_date};
use crate::policy::PolicySet;
use std::path::PathBuf;

/// What `lint` is asked.
pub struct LintOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    /// A checkout of the infrastructure repository to hold the policies to.
    pub infrastructure: Option<PathBuf>,
    /// The run's clock: a waiver is expired from the day after its `until`, as of this instant.
    pub clock: Clock,
}

/// Lints the policies; the set holds every diagnostic.
pub fn run(options: &LintOptions) -> PolicySet {
    let mut set = crate::policy::load(&options.paths, Some(utc_date(options.clock.now)));
    if let Some(dir) = &options.infrastructure {
        crate::infrastructure::apply(&mut set, dir);
    }
    set
}
