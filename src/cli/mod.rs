//! The command line, and the only module that knows clap: each subcommand's arguments (in
//! [`args`]) become its pipeline's plain options before any work starts; this file runs the
//! pipeline, prints, writes files, and chooses the exit code from the outcome in one place
//! ([`Verdict`]; the codes are documented in README).

mod args;
mod init;

pub use args::*;

use crate::codes::Severity;
use crate::observe::aws::LiveOptions;
use crate::report::{self, Format, HumanStyle, Report};
use crate::select::UnknownAccounts;
use clap::{CommandFactory, Parser};
use std::io::{IsTerminal, Write};
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
        Command::Completions { shell } => done(Verdict::OK, None, &|w| {
            clap_complete::generate(shell, &mut Cli::command(), "smce-guard", w);
            Ok(())
        }),
        Command::Man => done(Verdict::OK, None, &|w| man_page(w)),
        Command::VerifyKey(args) => verify_key(args),
        Command::Init(args) => init::run(args),
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
        Command::Lint {
            paths,
            output,
            infrastructure,
        } => {
            let today = crate::engine::utc_date(jiff::Timestamp::now());
            let mut set = crate::policy::load(&paths, Some(today));
            if let Some(dir) = &infrastructure.infrastructure {
                crate::infrastructure::apply(&mut set, dir);
            }
            let report = Report {
                files: &set.files,
                diagnostics: &set.diagnostics,
                accounts: &[],
                now: None,
                check: false,
                show_passed: false,
                fail_on: Severity::Error,
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
                clock: args.clock.clock(),
                max_age_days: args.clock.max_age,
                within: args.within,
                infrastructure: args.infrastructure.infrastructure,
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
            for stale in &expiries.stale {
                say(&format!("warning: {} ({})", stale.message, stale.help));
            }
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
                show_passed: false,
                fail_on: Severity::Error,
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
            let show_passed =
                args.show_passed || (args.output.format == Format::Human && args.aws.verbose);
            let options = crate::check::CheckOptions {
                paths: args.paths,
                selection: args.select.selection(),
                source: args.aws.source_or_fixtures(args.live, &args.fixtures),
                clock: args.clock.clock(),
                max_age_days: args.clock.max_age,
                list_checks: args.output.format == Format::Junit || show_passed,
                infrastructure: args.infrastructure.infrastructure,
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
            let mut report = checked.report();
            report.show_passed = show_passed;
            report.fail_on = args.fail_on;
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

/// `verify-key`: the key from `--key-id` or standard input, the answer on stdout.
fn verify_key(args: VerifyArgs) -> ExitCode {
    use crate::verify::{self, AnswerFormat, HeldKey, VerifyError};
    let held = match &args.key_id {
        Some(id) if verify::is_key_id(id) => Ok(HeldKey {
            id: id.clone(),
            user: None,
        }),
        Some(_) => Err("--key-id is not an access key id (20 uppercase letters and digits, starting AKIA or ASIA)".to_owned()),
        None if std::io::stdin().is_terminal() => Err("give --key-id, or pipe the JSON `aws iam create-access-key` prints (e.g. `sops -d enc-deployer-credentials.secret.json | smce-guard verify-key --account NAME`)".to_owned()),
        None => {
            let mut bytes = Vec::new();
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(std::io::stdin().lock(), verify::MAX_STDIN_BYTES + 1),
                &mut bytes,
            );
            match read {
                Err(error) => Err(format!("cannot read standard input: {error}")),
                Ok(n) if n as u64 > verify::MAX_STDIN_BYTES => {
                    Err("standard input is larger than one key's JSON".to_owned())
                }
                Ok(_) => verify::parse_held(&bytes),
            }
        }
    };
    let held = match held {
        Ok(held) => held,
        Err(message) => {
            say(&format!("error: {message}"));
            return ExitCode::from(Verdict::INVALID.code());
        }
    };
    let options = verify::VerifyOptions {
        paths: args.paths,
        account: args.account,
        held,
        source: args.aws.source_or_fixtures(args.live, &args.fixtures),
        clock: args.clock.clock(),
    };
    let verified = match verify::run(&options) {
        Ok(verified) => verified,
        Err(VerifyError::Unknown(error)) => return unknown_accounts(&error),
        Err(VerifyError::Invalid(message)) => {
            say(&format!("error: {message}"));
            return ExitCode::from(Verdict::INVALID.code());
        }
        Err(VerifyError::Unobserved(message)) => {
            say(&format!("error: the account could not be read: {message}"));
            let verdict = Verdict {
                unobserved: true,
                ..Verdict::OK
            };
            return ExitCode::from(verdict.code());
        }
    };
    let verdict = Verdict {
        drift: !verified.ok(),
        ..Verdict::OK
    };
    let answer = match args.format {
        AnswerFormat::Json => verify::json(&verified),
        AnswerFormat::Human => {
            let mark = if verified.ok() { "✓" } else { "✗" };
            crate::report::escape::terminal_lines(&format!(
                "{mark} {}\n(judged at {})\n",
                verified.sentence(),
                verified.judged_at
            ))
        }
    };
    text(&answer, verdict, None)
}

/// The man page, one page for the whole tool: clap_mangen's NAME, SYNOPSIS, DESCRIPTION and
/// OPTIONS, then SUBCOMMANDS with each subcommand's synopsis, options and examples in full (not
/// clap_mangen's list of `smce-guard-NAME(1)` pages, which are not installed), then VERSION.
fn man_page(w: &mut dyn Write) -> std::io::Result<()> {
    use clap_mangen::roff::{Roff, bold, italic, roman};
    let mut command = Cli::command();
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    let mut roff = Roff::new();
    roff.control("SH", ["SUBCOMMANDS"]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub = sub.clone();
        roff.control("SS", [format!("smce-guard {}", sub.get_name()).as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            roff.text([roman(about.to_string())]);
        }
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        roff.control("PP", []);
        roff.text([bold(usage)]);
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let name = match (arg.get_short(), arg.get_long()) {
                (Some(s), Some(l)) => format!("-{s}, --{l}"),
                (None, Some(l)) => format!("--{l}"),
                (Some(s), None) => format!("-{s}"),
                (None, None) => format!("<{}>", arg.get_id().as_str().to_uppercase()),
            };
            roff.control("TP", []);
            roff.text([bold(name)]);
            if let Some(help) = arg.get_long_help().or(arg.get_help()) {
                roff.text([roman(help.to_string())]);
            }
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !values.is_empty() && arg.get_action().takes_values() {
                roff.text([italic(format!(" [possible values: {}]", values.join(", ")))]);
            }
        }
        if let Some(after) = sub.get_after_help() {
            roff.control("PP", []);
            roff.control("nf", []);
            for line in after.to_string().lines() {
                roff.text([roman(line)]);
            }
            roff.control("fi", []);
        }
    }
    roff.to_writer(w)?;
    man.render_version_section(w)?;
    Ok(())
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
