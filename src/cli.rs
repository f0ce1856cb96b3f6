//! The command line, and the only module that knows clap: argument definitions, their translation
//! into each pipeline's plain options before any work starts, printing, and the choice of exit
//! code from each pipeline's outcome (the codes are documented in README).

use crate::codes::Severity;
use crate::observe::Source;
use crate::observe::aws::LiveOptions;
use crate::report::expiries::ExpiriesFormat;
use crate::report::{self, Format, HumanStyle, Report};
use crate::select::{Selection, Shard, UnknownAccounts};
use clap::builder::PossibleValue;
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
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = Severity::Error)]
    pub fail_on: Severity,
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
    #[command(flatten)]
    pub select: SelectArgs,
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
    fn source_or_fixtures(&self, live: bool, fixtures: &std::path::Path) -> Source {
        if live {
            self.source()
        } else {
            Source::Fixtures(fixtures.to_path_buf())
        }
    }

    fn source(&self) -> Source {
        let mut options = LiveOptions::new();
        options.profile = self.profile.clone();
        options.role_name = self.role_name.clone();
        options.attempt_timeout = std::time::Duration::from_secs(self.timeout.max(1));
        options.report_budget = std::time::Duration::from_secs(self.report_wait);
        Source::Live {
            options,
            concurrency: usize::from(self.concurrency),
        }
    }
}

/// Which accounts a command reads; the same flags and meaning for every such command.
#[derive(clap::Args, Debug, Clone)]
pub struct SelectArgs {
    /// Only the account with this name (`account.name`); repeat for several. A name no policy
    /// declares is an error.
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
    /// Only shard K of N (a stable split by account id), for a CI matrix.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

impl SelectArgs {
    fn selection(&self) -> Selection {
        Selection {
            names: self.accounts.clone(),
            shard: self.shard,
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
    #[command(flatten)]
    pub select: SelectArgs,
    #[arg(long, value_enum, default_value_t = ExpiriesFormat::Table)]
    pub format: ExpiriesFormat,
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

// The output formats and severities are the library's own types; their command-line spelling
// lives here, so that nothing below the command line knows clap.
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Human,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Markdown,
            Format::Github,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Human => PossibleValue::new("human")
                .help("Diagnostics with the policy excerpt underlined (miette)"),
            Format::Json => {
                PossibleValue::new("json").help("The versioned JSON document described in README")
            }
            Format::Sarif => {
                PossibleValue::new("sarif").help("SARIF 2.1.0, for GitHub code scanning")
            }
            Format::Junit => PossibleValue::new("junit")
                .help("JUnit XML: a test suite per account, a test case per check performed"),
            Format::Markdown => PossibleValue::new("markdown")
                .help("Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY"),
            Format::Github => PossibleValue::new("github")
                .help("GitHub workflow commands (`::error file=...,line=...::message`)"),
        })
    }
}

impl ValueEnum for ExpiriesFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            ExpiriesFormat::Table,
            ExpiriesFormat::Json,
            ExpiriesFormat::Ics,
            ExpiriesFormat::Markdown,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            ExpiriesFormat::Table => "table",
            ExpiriesFormat::Json => "json",
            ExpiriesFormat::Ics => "ics",
            ExpiriesFormat::Markdown => "markdown",
        }))
    }
}

impl ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &[Severity::Error, Severity::Warning]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
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

/// What a command came to, in the terms its exit code is chosen from. The one place exit codes
/// are picked: invalid input (2) before an unobserved account (3) before drift (1).
#[derive(Clone, Copy, Debug, Default)]
struct Verdict {
    /// An invalid policy, recording or usage.
    invalid: bool,
    /// An account (or the organization) could not be read.
    unobserved: bool,
    /// A finding at or above the failure threshold.
    drift: bool,
}

impl Verdict {
    const OK: Verdict = Verdict {
        invalid: false,
        unobserved: false,
        drift: false,
    };
    const INVALID: Verdict = Verdict {
        invalid: true,
        unobserved: false,
        drift: false,
    };

    fn code(self) -> u8 {
        if self.invalid {
            exit::INVALID
        } else if self.unobserved {
            exit::UNOBSERVED
        } else if self.drift {
            exit::DRIFT
        } else {
            exit::OK
        }
    }
}

/// Prints one line on stderr, escaped for a terminal or a CI log: messages carry names and AWS
/// answers from outside, and a line break in them must not start a line the runner executes.
fn say(line: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        crate::report::escape::terminal(line)
    );
}

/// Reports a usage error about `--account` names (exit 2).
fn unknown_accounts(error: &UnknownAccounts) -> ExitCode {
    say(&format!("error: {error}"));
    ExitCode::from(Verdict::INVALID.code())
}

fn policy_errors_note(count: usize) {
    if count > 0 {
        say(&format!(
            "error: {count} policy error(s); run `smce-guard lint`"
        ));
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap uses 2 for usage errors already; help and version are not errors.
            return ExitCode::from(if error.use_stderr() {
                Verdict::INVALID.code()
            } else {
                Verdict::OK.code()
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
        Command::Schema => text(crate::policy::schema::SCHEMA, Verdict::OK, None),
        Command::Explain {
            code: Some(code), ..
        } => text(&report::explain::one(code), Verdict::OK, None),
        Command::Explain {
            code: None,
            markdown,
        } => text(
            &if markdown {
                report::explain::markdown_table()
            } else {
                report::explain::list()
            },
            Verdict::OK,
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
            let verdict = Verdict {
                invalid: set.has_errors(),
                ..Verdict::OK
            };
            done(verdict, output.output.as_deref(), &|w| {
                report::write(&report, output.format, style, w)
            })
        }
        Command::Expiries(args) => {
            let options = crate::expiries::ExpiriesOptions {
                paths: args.paths,
                selection: args.select.selection(),
                source: args.aws.source_or_fixtures(args.live, &args.fixtures),
                now: args.now,
                within: args.within,
            };
            let expiries = match crate::expiries::run(&options) {
                Ok(expiries) => expiries,
                Err(error) => return unknown_accounts(&error),
            };
            for crate::expiries::Failure {
                account, reason, ..
            } in &expiries.failures
            {
                say(&format!(
                    "error: account `{account}` could not be read: {reason}"
                ));
            }
            let verdict = Verdict {
                invalid: expiries.policy_errors > 0 || expiries.failures.iter().any(|f| f.invalid),
                unobserved: !expiries.failures.is_empty(),
                drift: false,
            };
            policy_errors_note(expiries.policy_errors);
            text(
                &report::expiries::render(&expiries, args.format),
                verdict,
                args.output.as_deref(),
            )
        }
        Command::Snapshot(args) => {
            let options = crate::snapshot::SnapshotOptions {
                paths: args.paths,
                selection: args.select.selection(),
                source: args.aws.source(),
                out: args.out,
            };
            let progress = Progress::new(true);
            let recorded = crate::snapshot::run(&options, &|| progress.tick());
            drop(progress);
            let recorded = match recorded {
                Ok(recorded) => recorded,
                Err(error) => return unknown_accounts(&error),
            };
            for failure in &recorded.failures {
                say(&format!("error: {failure}"));
            }
            policy_errors_note(recorded.policy_errors);
            let verdict = Verdict {
                invalid: recorded.policy_errors > 0,
                unobserved: !recorded.failures.is_empty(),
                drift: false,
            };
            text(
                &crate::report::escape::terminal_lines(&recorded.written),
                verdict,
                None,
            )
        }
        Command::Accounts(args) => {
            let mut live = LiveOptions::new();
            live.profile = args.profile.clone();
            live.attempt_timeout = std::time::Duration::from_secs(args.timeout.max(1));
            let options = crate::accounts::AccountsOptions {
                paths: args.paths,
                live,
            };
            let coverage = crate::accounts::run(&options);
            if let Some(failure) = &coverage.failure {
                say(&format!(
                    "error: the organization could not be listed: {failure}"
                ));
                let verdict = Verdict {
                    unobserved: true,
                    ..Verdict::OK
                };
                return ExitCode::from(verdict.code());
            }
            let report = Report {
                files: &coverage.files,
                diagnostics: &coverage.diagnostics,
                accounts: &coverage.accounts,
                now: None,
                check: true,
            };
            let tally = report.tally();
            let verdict = Verdict {
                invalid: coverage
                    .diagnostics
                    .iter()
                    .any(|d| d.account.is_none() && d.severity == Severity::Error),
                unobserved: false,
                drift: tally.errors + tally.warnings > 0,
            };
            done(verdict, args.output.output.as_deref(), &|w| {
                report::write(&report, args.output.format, style, w)
            })
        }
        Command::Check(args) => {
            let options = crate::check::CheckOptions {
                paths: args.paths,
                selection: args.select.selection(),
                source: args.aws.source_or_fixtures(args.live, &args.fixtures),
                now: args.now,
                list_checks: args.output.format == Format::Junit,
            };
            let progress = Progress::new(args.live);
            let checked = crate::check::run(&options, &|| progress.tick());
            drop(progress);
            let checked = match checked {
                Ok(checked) => checked,
                Err(error) => return unknown_accounts(&error),
            };
            if args.aws.verbose {
                for account in &checked.accounts {
                    if let Some(requests) = account.requests {
                        say(&format!("{}: {requests} AWS requests", account.name));
                    }
                }
            }
            let report = checked.report();
            let verdict = Verdict {
                invalid: checked.invalid(),
                unobserved: checked.unobserved(),
                drift: checked.drift(args.fail_on),
            };
            done(verdict, args.output.output.as_deref(), &|w| {
                report::write(&report, args.output.format, style, w)
            })
        }
    }
}

/// Writes a command's output and returns its exit code; a failed write is exit 2.
fn done(
    verdict: Verdict,
    file: Option<&std::path::Path>,
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> ExitCode {
    let written = match file {
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`smce-guard check | head`) is not a failure of the check.
            let _ = write(&mut stdout).and_then(|()| stdout.flush());
            Ok(())
        }
        Some(path) => crate::atomic::write_file(path, write)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
    };
    match written {
        Ok(()) => ExitCode::from(verdict.code()),
        Err(message) => {
            say(&format!("error: {message}"));
            ExitCode::from(Verdict::INVALID.code())
        }
    }
}

fn text(text: &str, verdict: Verdict, file: Option<&std::path::Path>) -> ExitCode {
    done(verdict, file, &|w| w.write_all(text.as_bytes()))
}
