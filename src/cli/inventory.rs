//! `inventory`: the command line's side of [`crate::pipelines::inventory`]. Its arguments, the
//! run, and the exit code its outcome's verdict picks: 0 every credential within its limit and
//! every judged account clean of errors; 1 a credential past its limit or an account with an
//! unwaived error; 2 bad input (no clusters folder, a cluster whose files cannot be read, a
//! policy error, a broken recording); 3 an account that could not be read.

use super::output::{Progress, fail, policy_errors_note, say, text};
use super::{ClockArgs, LiveArgs};
use crate::outcome::Verdict;
use crate::report::inventory::InventoryFormat;
use std::path::PathBuf;
use std::process::ExitCode;

/// `inventory`'s arguments (the subcommand is declared in [`super::args`]).
#[derive(clap::Args, Debug)]
pub struct InventoryArgs {
    /// A checkout of a 2i2c-style infrastructure repository: every `config/clusters/*/cluster.yaml`.
    #[arg(long, env = "SMCE_GUARD_INFRASTRUCTURE", value_name = "DIR")]
    pub infrastructure: PathBuf,
    /// Policy files or directories; without any, `policies/` when it exists. A cluster whose
    /// account a policy declares is held to that policy's `credentials.max_age_days` and judged.
    pub paths: Vec<PathBuf>,
    /// The directory holding the recordings, one folder per account name; an account without
    /// one is listed as "no recording".
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Judge the covered accounts live through the AWS API instead of from --fixtures.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: LiveArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(args: InventoryArgs) -> ExitCode {
    let options = crate::pipelines::inventory::InventoryOptions {
        infrastructure: args.infrastructure,
        paths: (!args.paths.is_empty()).then_some(args.paths),
        source: args.aws.source_or_fixtures(args.live, &args.fixtures),
        clock: args.clock.clock(),
        max_age_days: args.clock.max_age,
    };
    let progress = Progress::new(args.live);
    let inventory = crate::pipelines::inventory::run(&options, &|| progress.tick());
    drop(progress);
    let inventory = match inventory {
        Ok(inventory) => inventory,
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    for cluster in &inventory.clusters {
        for problem in &cluster.problems {
            say(&format!("error: cluster `{}`: {problem}", cluster.name));
        }
    }
    policy_errors_note(inventory.policy_errors);
    text(
        &crate::report::inventory::render(&inventory, args.format),
        inventory.verdict(),
        args.output.as_deref(),
    )
}
