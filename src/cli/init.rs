//! `init`: the command line's side of [`crate::pipelines::init`]. Chooses the `$schema` comment for where
//! the policy is written, prints or writes it (never over an existing file), and picks the exit
//! code through [`Verdict`].

use super::output::{fail, say};
use super::{InfrastructureArgs, LiveArgs, NowArgs};
use crate::outcome::Verdict;
use crate::pipelines::init::{InitError, InitOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
/// `init`'s arguments (the subcommand is declared in [`super::args`]).
pub struct InitArgs {
    /// The account's short name (`account.name`); with --fixtures, its folder there.
    #[arg(long, value_name = "NAME")]
    pub account_name: String,
    /// The 12-digit account id; required with --live, else the recording's own (or the cluster
    /// file's).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// The directory holding recorded state, one folder per account name.
    #[arg(long, default_value = "fixtures", conflicts_with = "live")]
    pub fixtures: PathBuf,
    /// Read the account live through the AWS API instead of from --fixtures.
    #[arg(long, requires = "account_id")]
    pub live: bool,
    #[command(flatten)]
    pub infrastructure: InfrastructureArgs,
    /// Write the policy to this new file (never replacing one) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub aws: LiveArgs,
    #[command(flatten)]
    pub now: NowArgs,
}

/// The schema's published address, for a policy written where no `../schemas/` copy is.
const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/OWNER/smce-guard/main/schemas/policy.schema.json";

pub(super) fn run(args: InitArgs) -> ExitCode {
    // A policy beside a `schemas/` folder (this repository's layout) points at that copy, so
    // editors validate it offline; anywhere else at the published schema.
    let beside = args
        .out
        .as_deref()
        .map(crate::base::confined::parent_of)
        .map(|dir| dir.join("../schemas/policy.schema.json"));
    let schema = match beside {
        Some(path) if path.is_file() => "../schemas/policy.schema.json",
        _ => SCHEMA_URL,
    };
    // Refused before the account is read: a live read costs requests.
    if let Some(out) = &args.out
        && std::fs::symlink_metadata(out).is_ok()
    {
        say(&format!(
            "error: {} exists; init never replaces a policy (remove it, or choose another --out)",
            out.display()
        ));
        return ExitCode::from(Verdict::INVALID.code());
    }
    let options = InitOptions {
        account_name: args.account_name,
        account_id: args.account_id,
        source: args.aws.source_or_fixtures(args.live, &args.fixtures),
        infrastructure: args.infrastructure.infrastructure,
        schema: schema.to_owned(),
        clock: args.now.clock(),
    };
    let text = match crate::pipelines::init::run(&options) {
        Ok(text) => text,
        Err(InitError::Invalid(message)) => return fail(&message, Verdict::INVALID),
        Err(InitError::Unobserved(message)) => {
            return fail(
                &format!("the account could not be read: {message}"),
                Verdict::UNOBSERVED,
            );
        }
    };
    match &args.out {
        None => super::output::text(&text, Verdict::OK, None),
        Some(out) => match crate::base::atomic::write_new(out, text.as_bytes()) {
            Ok(()) => ExitCode::from(Verdict::OK.code()),
            Err(error) => fail(
                &format!("cannot write {}: {error}", out.display()),
                Verdict::INVALID,
            ),
        },
    }
}
