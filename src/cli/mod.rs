//! The command line, and the only module that knows clap: each subcommand's arguments (in
//! [`args`]) become its pipeline's plain options before any work starts ([`run`]); [`output`]
//! prints, writes files and turns the outcome's [`Verdict`] into the exit code.

mod access;
mod args;
mod init;
mod inventory;
mod man;
mod output;
mod run;
mod values;

pub use args::*;

use crate::outcome::Verdict;
use crate::report::{self, HumanStyle};
use clap::{CommandFactory, Parser};
use output::{done, text};
use std::io::IsTerminal;
use std::process::ExitCode;

pub use crate::outcome::verdict::exit;

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
        Command::Man => done(Verdict::OK, None, &|w| man::man_page(w)),
        Command::VerifyKey(args) => run::verify_key(args),
        Command::Access(args) => access::run(args),
        Command::Init(args) => init::run(args),
        Command::Inventory(args) => inventory::run(args),
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
        Command::Lint(args) => run::lint(args, style),
        Command::Expiries(args) => run::expiries(args),
        Command::Snapshot(args) => run::snapshot(args),
        Command::Accounts(args) => run::accounts(args, style),
        Command::Check(args) => run::check(args, style),
    }
}
