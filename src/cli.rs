//! The command line: argument definitions, and the wiring of policy → observe → engine → report
//! for each subcommand. This is the only module that prints or picks an exit code.

use crate::codes::Severity;
use crate::report::{self, Format, HumanStyle, Report};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, documented in README.
pub mod exit {
    /// No finding at or above the failure threshold.
    pub const OK: u8 = 0;
    /// Drift: a finding at or above `--fail-on`.
    pub const DRIFT: u8 = 1;
    /// An invalid policy, an invalid fixture, or a usage error.
    pub const INVALID: u8 = 2;
    /// An account could not be observed.
    pub const UNOBSERVED: u8 = 3;
}

#[derive(Parser, Debug)]
#[command(
    name = "smce-guard",
    version,
    about = "Declared IAM state for NASA SMCE AWS accounts, checked against what the accounts hold.",
    after_help = "Examples:\n  smce-guard lint                      # lint every policy in policies/\n  smce-guard check                     # compare policies/ with fixtures/\n  smce-guard check --format json       # the same, as JSON for CI\n  smce-guard schema > policy.schema.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check policy files against the schema and for mistakes of meaning.
    #[command(
        after_help = "Examples:\n  smce-guard lint\n  smce-guard lint policies/nasa-veda.yaml --format json\n\nExit codes: 0 no error (warnings allowed), 2 an error."
    )]
    Lint {
        /// Policy files or directories of *.yaml / *.yml files.
        #[arg(default_value = "policies")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Compare each policy with the account's recorded IAM state and report drift.
    #[command(
        after_help = "Examples:\n  smce-guard check\n  smce-guard check --account nasa-veda --now 2026-12-01T00:00:00Z\n  smce-guard check policies/ --fixtures fixtures/ --format json --fail-on warning\n\nExit codes: 0 no finding at or above --fail-on, 1 drift, 2 invalid policy, fixture or usage,\n3 an account could not be observed (when several apply: 2, then 3, then 1)."
    )]
    Check(CheckArgs),
    /// List every active access key and console password with its exact expiry.
    #[command(
        after_help = "Examples:\n  smce-guard expiries\n  smce-guard expiries --within 30\n  smce-guard expiries --format ics --output smce-expiry.ics   # a calendar the team subscribes to\n  smce-guard expiries --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n\nExit codes: 0, 2 an invalid policy or recording, 3 an account could not be observed."
    )]
    Expiries(ExpiriesArgs),
    /// Read accounts live and write their state in the fixture format (AWS CLI shapes).
    #[command(
        after_help = "Examples:\n  smce-guard snapshot                              # every policy's account, into fixtures/\n  smce-guard snapshot --account nasa-veda --profile veda\n  smce-guard snapshot --role-name OrganizationAccountAccessRole --out /tmp/state\n\nEach file is written to a temporary name and renamed into place; an account that could not\nbe read keeps its previous fixture. Exit codes: 0, 2 invalid policies, 3 an account could not be read."
    )]
    Snapshot(SnapshotArgs),
    /// Compare the caller's AWS Organization with the policies: uncovered, foreign and suspended accounts.
    #[command(
        after_help = "Examples:\n  smce-guard accounts --profile org-management\n  smce-guard accounts --format json\n\nNeeds organizations:ListAccounts (the management or a delegated-admin account).\nExit codes: 0, 1 a finding, 2 invalid policies, 3 the organization could not be listed."
    )]
    Accounts(AccountsArgs),
    /// Explain a diagnostic code: what it checks, why it matters on SMCE, how to fix it.
    #[command(
        after_help = "Examples:\n  smce-guard explain                  # list every code\n  smce-guard explain key.expiring\n  smce-guard explain --markdown       # the table in README"
    )]
    Explain {
        /// The code to explain; without it, every code is listed.
        code: Option<crate::codes::Code>,
        /// Print the code table as markdown.
        #[arg(long, conflicts_with = "code")]
        markdown: bool,
    },
    /// Print the policy JSON Schema (draft 2020-12).
    #[command(after_help = "Example:\n  smce-guard schema > schemas/policy.schema.json")]
    Schema,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// The directory holding recorded state, one folder per account name.
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Judge as of this instant (RFC 3339) instead of the recording's capture time.
    #[arg(long, value_parser = parse_timestamp)]
    pub now: Option<jiff::Timestamp>,
    /// Check only the account with this name.
    #[arg(long)]
    pub account: Option<String>,
    /// Check only shard K of N (a stable split by account id), for a CI matrix.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Read the accounts live through the AWS API instead of from --fixtures.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: LiveArgs,
}

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// Where to write, one folder per account name.
    #[arg(long, default_value = "fixtures")]
    pub out: PathBuf,
    /// Snapshot only the account with this name.
    #[arg(long)]
    pub account: Option<String>,
    /// Only shard K of N (a stable split by account id).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub aws: LiveArgs,
}

#[derive(clap::Args, Debug)]
pub struct AccountsArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// The AWS profile of the organization's management (or delegated-admin) account.
    #[arg(long)]
    pub profile: Option<String>,
    /// Seconds one request attempt may take.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    pub timeout: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How live runs reach AWS.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Live AWS access")]
pub struct LiveArgs {
    /// A named AWS profile for every account (`account.profile` wins).
    #[arg(long)]
    pub profile: Option<String>,
    /// Assume arn:aws:iam::<account.id>:role/NAME in every account (`account.role_arn` wins).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// How many accounts to read at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Seconds one request attempt may take before it is retried or fails.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    pub timeout: u64,
    /// Seconds to wait for IAM to generate the credential report.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub report_wait: u64,
    /// Print the number of AWS requests per account on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

impl LiveArgs {
    /// The AWS API when `live`, else the recorded state under `fixtures`.
    pub fn source_or_fixtures(
        &self,
        live: bool,
        fixtures: &std::path::Path,
    ) -> crate::observe::Source {
        if live {
            self.source()
        } else {
            crate::observe::Source::Fixtures(fixtures.to_path_buf())
        }
    }

    pub fn source(&self) -> crate::observe::Source {
        let mut options = crate::observe::aws::LiveOptions::new();
        options.profile = self.profile.clone();
        options.role_name = self.role_name.clone();
        options.attempt_timeout = std::time::Duration::from_secs(self.timeout.max(1));
        options.report_budget = std::time::Duration::from_secs(self.report_wait);
        crate::observe::Source::Live {
            options,
            concurrency: usize::from(self.concurrency),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ExpiriesArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// The directory holding recorded state, one folder per account name.
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Judge as of this instant (RFC 3339) instead of each recording's capture time.
    #[arg(long, value_parser = parse_timestamp)]
    pub now: Option<jiff::Timestamp>,
    /// Only credentials with at most this many days left (expired ones included).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<i64>,
    /// Only shard K of N (a stable split by account id).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[arg(long, value_enum, default_value_t = crate::report::expiries::ExpiriesFormat::Table)]
    pub format: crate::report::expiries::ExpiriesFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read the accounts live through the AWS API instead of from --fixtures.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: LiveArgs,
}

/// Where and how a report is written.
#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of stdout; the exit code is unchanged.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// One of N stable slices of the accounts, by account id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected K/N with 1 <= K <= N, such as 2/4; found `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the account with this id falls into this shard. Account ids are numbers, so the
    /// split is the id modulo N: stable across runs and machines.
    pub fn contains(&self, account_id: &str) -> bool {
        let number = account_id.parse::<u64>().unwrap_or_else(|_| {
            account_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        });
        number % self.count == self.index - 1
    }
}

/// Writes `text` to stdout, or atomically to `path`: a temporary file beside it, then a rename,
/// so a reader never sees half a report.
fn emit(
    path: Option<&std::path::Path>,
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`smce-guard check | head`) is not a failure of the check.
        let _ = write(&mut stdout).and_then(|()| stdout.flush());
        return Ok(());
    };
    // A device or a pipe (`--output /dev/null`, `--output /dev/stdout`) is written to as it is:
    // renaming a temporary file over it would replace the device with a plain file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut device| write(&mut device).and_then(|()| device.flush()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::File::create(&temporary)
        .and_then(|mut file| write(&mut file).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write {}: {e}", path.display())
        })
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

/// A progress bar on stderr for live runs when stderr is a terminal; nothing otherwise. Cleared
/// when dropped, so it never mixes with the report.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(live: bool) -> Self {
        Progress((live && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner().with_message("accounts read");
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({elapsed})")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }

    fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn parse_timestamp(text: &str) -> Result<jiff::Timestamp, String> {
    text.parse()
        .map_err(|e| format!("expected an RFC 3339 instant such as 2026-12-01T00:00:00Z: {e}"))
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap uses 2 for usage errors already; help and version are not errors.
            return ExitCode::from(if error.use_stderr() {
                exit::INVALID
            } else {
                exit::OK
            });
        }
    };
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let style = HumanStyle {
        color: match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
        },
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100),
    };
    match cli.command {
        Command::Schema => text(crate::policy::schema::SCHEMA, exit::OK, None),
        Command::Explain {
            code: Some(code), ..
        } => text(&report::explain::one(code), exit::OK, None),
        Command::Explain {
            code: None,
            markdown,
        } => text(
            &if markdown {
                report::explain::markdown_table()
            } else {
                report::explain::list()
            },
            exit::OK,
            None,
        ),
        Command::Lint { paths, output } => {
            let today = crate::engine::utc_date(jiff::Timestamp::now());
            let set = crate::policy::load(&paths, Some(today));
            let report = Report {
                files: &set.files,
                diagnostics: &set.diagnostics,
                accounts: &[],
                now: None,
                check: false,
            };
            let code = if set.has_errors() {
                exit::INVALID
            } else {
                exit::OK
            };
            done(code, output.output.as_deref(), &|w| {
                report::write(&report, output.format, style, w)
            })
        }
        Command::Expiries(args) => {
            let expiries = crate::expiries::run(&args);
            for crate::expiries::Failure {
                account, reason, ..
            } in &expiries.failures
            {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: account `{account}` could not be read: {reason}"
                );
            }
            let code = if expiries.policy_errors > 0 || expiries.failures.iter().any(|f| f.invalid)
            {
                exit::INVALID
            } else if !expiries.failures.is_empty() {
                exit::UNOBSERVED
            } else {
                exit::OK
            };
            if expiries.policy_errors > 0 {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {} policy error(s); run `smce-guard lint`",
                    expiries.policy_errors
                );
            }
            text(
                &report::expiries::render(&expiries, args.format),
                code,
                args.output.as_deref(),
            )
        }
        Command::Snapshot(args) => {
            let progress = Progress::new(true);
            let outcome = crate::snapshot::run(&args, &|| progress.tick());
            drop(progress);
            for failure in &outcome.failures {
                let _ = writeln!(std::io::stderr(), "error: {failure}");
            }
            let code = if outcome.policy_errors > 0 {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {} policy error(s); run `smce-guard lint`",
                    outcome.policy_errors
                );
                exit::INVALID
            } else if !outcome.failures.is_empty() {
                exit::UNOBSERVED
            } else {
                exit::OK
            };
            text(&outcome.written, code, None)
        }
        Command::Accounts(args) => {
            let outcome = crate::accounts::run(&args);
            if let Some(failure) = &outcome.failure {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: the organization could not be listed: {failure}"
                );
                return ExitCode::from(exit::UNOBSERVED);
            }
            let report = Report {
                files: &outcome.files,
                diagnostics: &outcome.diagnostics,
                accounts: &outcome.accounts,
                now: None,
                check: true,
            };
            let tally = report.tally();
            let invalid = outcome
                .diagnostics
                .iter()
                .any(|d| d.account.is_none() && d.severity == Severity::Error);
            let code = if invalid {
                exit::INVALID
            } else if tally.errors + tally.warnings > 0 {
                exit::DRIFT
            } else {
                exit::OK
            };
            done(code, args.output.output.as_deref(), &|w| {
                report::write(&report, args.output.format, style, w)
            })
        }
        Command::Check(args) => {
            let progress = Progress::new(args.live);
            let result = crate::check::run(&args, &|| progress.tick());
            drop(progress);
            match result {
                Ok(outcome) => {
                    if args.aws.verbose {
                        for account in &outcome.accounts {
                            if let Some(requests) = account.requests {
                                let _ = writeln!(
                                    std::io::stderr(),
                                    "{}: {requests} AWS requests",
                                    account.name
                                );
                            }
                        }
                    }
                    let report = outcome.report();
                    let code = outcome.exit_code(args.fail_on.threshold());
                    done(code, args.output.output.as_deref(), &|w| {
                        report::write(&report, args.output.format, style, w)
                    })
                }
                Err(message) => {
                    let _ = writeln!(std::io::stderr(), "error: {message}");
                    ExitCode::from(exit::INVALID)
                }
            }
        }
    }
}

/// Writes a command's output and returns its exit code; a failed write is exit 2.
fn done(
    code: u8,
    file: Option<&std::path::Path>,
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> ExitCode {
    match emit(file, write) {
        Ok(()) => ExitCode::from(code),
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::from(exit::INVALID)
        }
    }
}

fn text(text: &str, code: u8, file: Option<&std::path::Path>) -> ExitCode {
    done(code, file, &|w| w.write_all(text.as_bytes()))
}
