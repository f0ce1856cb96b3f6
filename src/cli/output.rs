//! How the command line writes: reports to stdout or atomically to `--output`, one escaped line
//! at a time to stderr, a progress bar for live runs, and the exit code from the outcome's
//! [`Verdict`].

use crate::outcome::Verdict;
use crate::pipelines::select::SelectError;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// A progress bar on stderr for live runs when stderr is a terminal; nothing otherwise. Cleared
/// when dropped, so it never mixes with the report.
pub(super) struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub(super) fn new(live: bool) -> Self {
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

    pub(super) fn tick(&self) {
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

/// Prints one line on stderr, escaped for a terminal or a CI log: messages carry names and AWS
/// answers from outside, and a line break in them must not start a line the runner executes.
pub(super) fn say(line: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        crate::report::escape::terminal(line)
    );
}

/// Says `error: {message}` and ends with `verdict`'s exit code.
pub(super) fn fail(message: &str, verdict: Verdict) -> ExitCode {
    say(&format!("error: {message}"));
    ExitCode::from(verdict.code())
}

/// Reports a usage error about what a command reads: `--account`, `--shard`, `--fixtures`
/// (exit 2).
pub(super) fn unusable_selection(error: &SelectError) -> ExitCode {
    fail(&error.to_string(), Verdict::INVALID)
}

pub(super) fn policy_errors_note(count: usize) {
    if count > 0 {
        say(&format!(
            "error: {count} policy error(s); run `smce-guard lint`"
        ));
    }
}

/// Writes a command's output and returns its exit code; a failed write is exit 2.
pub(super) fn done(
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
        Some(path) => crate::base::atomic::write_file(path, write)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
    };
    match written {
        Ok(()) => ExitCode::from(verdict.code()),
        Err(message) => fail(&message, Verdict::INVALID),
    }
}

/// Writes `text` as a command's output.
pub(super) fn text(text: &str, verdict: Verdict, file: Option<&std::path::Path>) -> ExitCode {
    done(verdict, file, &|w| w.write_all(text.as_bytes()))
}
