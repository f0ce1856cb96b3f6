//! `init`: the command line's side of [`crate::pipelines::init`]. For one account: finds the
//! schema for where the policy is written (and writes it beside the policy when there is none),
//! prints or writes the policy (never over an existing file). For the estate (`--infrastructure`
//! without `--account-name`): the policies the pipeline wrote, listed on stdout. Both say on
//! stderr what was read and decided with `-v`, and pick the exit code through [`Verdict`].

use super::output::{fail, say};
use super::{InfrastructureArgs, LiveArgs, NowArgs};
use crate::outcome::Verdict;
use crate::pipelines::init::{InitError, InitOptions, schema};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
/// `init`'s arguments (the subcommand is declared in [`super::args`]).
pub struct InitArgs {
    /// The account's short name (`account.name`); with --fixtures, its folder there. Without
    /// it, --infrastructure writes a policy for every AWS cluster that has none (see --out-dir).
    #[arg(long, value_name = "NAME")]
    pub account_name: Option<String>,
    /// The 12-digit account id; required with --live, else the recording's own (or the cluster
    /// file's).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// The directory holding recorded state, one folder per account name [default: fixtures].
    #[arg(long, conflicts_with = "live")]
    pub fixtures: Option<PathBuf>,
    /// Read the account live through the AWS API instead of from --fixtures.
    #[arg(long, requires = "account_id")]
    pub live: bool,
    #[command(flatten)]
    pub infrastructure: InfrastructureArgs,
    /// Write the policy to this new file (never replacing one) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// For the estate (--infrastructure without --account-name): the folder the policies go
    /// into, one `<cluster>.yaml` per AWS cluster whose account has no policy there yet.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["account_name", "out"])]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub aws: LiveArgs,
    #[command(flatten)]
    pub now: NowArgs,
}

pub(super) fn run(args: InitArgs) -> ExitCode {
    let Some(account_name) = args.account_name.clone() else {
        return estate(args);
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
    let verbose = args.aws.verbose;
    let dir = args.out.as_deref().map(crate::base::confined::parent_of);
    let place = match schema::place(dir.as_deref()) {
        Ok(place) => place,
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    let fixtures = args.fixtures.unwrap_or_else(|| PathBuf::from("fixtures"));
    let options = InitOptions {
        account_name,
        account_id: args.account_id,
        source: args.aws.source_or_fixtures(args.live, &fixtures),
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

/// `init --infrastructure DIR` without `--account-name`: a policy for every AWS cluster without
/// one, into `--out-dir` (default `policies`); no account is read, so the flags that say how to
/// read one are refused rather than ignored.
fn estate(args: InitArgs) -> ExitCode {
    let Some(infrastructure) = args.infrastructure.infrastructure else {
        return fail(
            "give --account-name NAME for one account, or --infrastructure DIR for a policy per AWS cluster of the checkout",
            Verdict::INVALID,
        );
    };
    let readers = [
        ("--account-id", args.account_id.is_some()),
        ("--live", args.live),
        ("--fixtures", args.fixtures.is_some()),
        ("--out", args.out.is_some()),
    ];
    if let Some((flag, _)) = readers.iter().find(|(_, given)| *given) {
        return fail(
            &format!(
                "{flag} is for one account (--account-name); for the estate, init reads only the cluster files and writes into --out-dir"
            ),
            Verdict::INVALID,
        );
    }
    let options = crate::pipelines::init::estate::EstateOptions {
        infrastructure,
        out_dir: args.out_dir.unwrap_or_else(|| PathBuf::from("policies")),
    };
    let mut notes = Vec::new();
    let done = crate::pipelines::init::estate::run(&options, &mut notes);
    if args.aws.verbose {
        for note in &notes {
            say(&format!("init: {note}"));
        }
    }
    let done = match done {
        Ok(done) => done,
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    for note in &done.notes {
        say(&format!("note: {note}"));
    }
    super::output::text(&crate::report::init::render(&done), done.verdict(), None)
}
