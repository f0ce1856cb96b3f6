//! `init`: the command line's side of [`crate::pipelines::init`]. Finds the schema for where the
//! policy is written (and writes it beside the policy when there is none), prints or writes the
//! policy (never over an existing file), says on stderr what was read and decided with `-v`, and
//! picks the exit code through [`Verdict`].

use super::output::{fail, say};
use super::{InfrastructureArgs, LiveArgs, NowArgs};
use crate::outcome::Verdict;
use crate::pipelines::init::{InitError, InitOptions, schema};
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

pub(super) fn run(args: InitArgs) -> ExitCode {
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
    let verbose = args.aws.verbose;
    let dir = args.out.as_deref().map(crate::base::confined::parent_of);
    let place = match schema::place(dir.as_deref()) {
        Ok(place) => place,
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    let options = InitOptions {
        account_name: args.account_name,
        account_id: args.account_id,
        source: args.aws.source_or_fixtures(args.live, &args.fixtures),
        infrastructure: args.infrastructure.infrastructure,
        schema: place.reference.clone(),
        clock: args.now.clock(),
    };
    let mut notes = Vec::new();
    let written = crate::pipelines::init::run(&options, &mut notes);
    if verbose {
        for note in &notes {
            say(&format!("init: {note}"));
        }
    }
    let policy = match written {
        Ok(policy) => policy,
        Err(InitError::Invalid(message)) => return fail(&message, Verdict::INVALID),
        Err(InitError::Unobserved(message)) => {
            return fail(
                &format!("the account could not be read: {message}"),
                Verdict::UNOBSERVED,
            );
        }
    };
    if verbose {
        say(&format!("init: $schema={}", place.reference));
    }
    if let Some(note) = &place.note {
        say(&format!("note: {note}"));
    }
    let Some(out) = &args.out else {
        return super::output::text(&policy, Verdict::OK, None);
    };
    // The schema first: a policy is never left naming a schema that is not there.
    match schema::provide(&place) {
        Ok(Some(written)) => say(&format!("note: {written}")),
        Ok(None) => {}
        Err(message) => return fail(&message, Verdict::INVALID),
    }
    match crate::base::atomic::write_new(out, policy.as_bytes()) {
        Ok(()) => ExitCode::from(Verdict::OK.code()),
        Err(error) => fail(
            &format!("cannot write {}: {error}", out.display()),
            Verdict::INVALID,
        ),
    }
}
