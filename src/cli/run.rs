//! Each command's run: its arguments become its pipeline's options, the pipeline's outcome is
//! written in the asked format, and the outcome's verdict is the exit code.

use super::args::*;
use super::output::{Progress, done, fail, policy_errors_note, say, text, unusable_selection};
use crate::base::codes::Severity;
use crate::observe::aws::LiveOptions;
use crate::outcome::Verdict;
use crate::report::expiries::ExpiriesFormat;
use crate::report::{self, Format, HumanStyle, Report};
use std::io::IsTerminal;
use std::process::ExitCode;

pub(super) fn lint(args: LintArgs, style: HumanStyle) -> ExitCode {
    let set = crate::pipelines::lint::run(&crate::pipelines::lint::LintOptions {
        paths: args.paths,
        infrastructure: args.infrastructure.infrastructure,
        clock: args.now.clock(),
    });
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
    done(verdict, args.output.output.as_deref(), &|w| {
        report::write(&report, args.output.format, style, w)
    })
}

pub(super) fn check(args: CheckArgs, style: HumanStyle) -> ExitCode {
    let verbose = args.state.aws.verbose;
    let show_passed = args.show_passed || (args.output.format == Format::Human && verbose);
    let options = crate::pipelines::check::CheckOptions {
        source: args.state.source(),
        paths: args.state.paths,
        selection: args.select.selection(),
        clock: args.clock.clock(),
        max_age_days: args.clock.max_age,
        list_checks: args.output.format == Format::Junit || show_passed,
        infrastructure: args.infrastructure.infrastructure,
    };
    let progress = Progress::new(args.state.live);
    let checked = crate::pipelines::check::run(&options, &|| progress.tick());
    drop(progress);
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => return unusable_selection(&error),
    };
    if verbose {
        for account in &checked.accounts {
            if let Some(requests) = account.requests {
                say(&format!("{}: {requests} AWS requests", account.name));
            }
        }
    }
    let report = Report {
        files: &checked.files,
        diagnostics: &checked.diagnostics,
        accounts: &checked.accounts,
        now: checked.now,
        check: true,
        show_passed,
        fail_on: args.fail_on,
    };
    done(
        checked.verdict(args.fail_on),
        args.output.output.as_deref(),
        &|w| report::write(&report, args.output.format, style, w),
    )
}

pub(super) fn expiries(args: ExpiriesArgs) -> ExitCode {
    let options = crate::pipelines::expiries::ExpiriesOptions {
        source: args.state.source(),
        paths: args.state.paths,
        selection: args.select.selection(),
        clock: args.clock.clock(),
        max_age_days: args.clock.max_age,
        within: args.within,
        infrastructure: args.infrastructure.infrastructure,
    };
    let expiries = match crate::pipelines::expiries::run(&options) {
        Ok(expiries) => expiries,
        Err(error) => return unusable_selection(&error),
    };
    // The table on stdout names unread accounts and stale recordings itself; anywhere else (a
    // machine format, a file) they are said on stderr. Either way each is said once.
    let table_on_stdout = args.format == ExpiriesFormat::Table && args.output.is_none();
    if !table_on_stdout {
        for failure in &expiries.failures {
            say(&format!(
                "error: account `{}` could not be read: {}",
                failure.account, failure.reason
            ));
        }
    }
    policy_errors_note(expiries.policy_errors);
    if !table_on_stdout {
        for stale in &expiries.stale {
            say(&format!("warning: {} ({})", stale.message, stale.help));
        }
    }
    if !table_on_stdout {
        for warning in &expiries.warnings {
            say(&format!(
                "warning[{}]: {} ({})",
                warning.code, warning.message, warning.help
            ));
        }
    }
    done(expiries.verdict(), args.output.as_deref(), &|w| {
        report::expiries::write(&expiries, args.format, w)
    })
}

pub(super) fn snapshot(args: SnapshotArgs) -> ExitCode {
    let options = crate::pipelines::snapshot::SnapshotOptions {
        paths: args.paths,
        selection: args.select.selection(),
        source: args.aws.source(),
        out: args.out,
    };
    let progress = Progress::new(true);
    let recorded = crate::pipelines::snapshot::run(&options, &|| progress.tick());
    drop(progress);
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(error) => return unusable_selection(&error),
    };
    for failure in &recorded.failures {
        say(&format!("error: {failure}"));
    }
    policy_errors_note(recorded.policy_errors);
    text(
        &crate::report::escape::terminal_lines(&recorded.written),
        recorded.verdict(),
        None,
    )
}

pub(super) fn accounts(args: AccountsArgs, style: HumanStyle) -> ExitCode {
    let mut live = LiveOptions::new();
    live.profile = args.profile.clone();
    live.attempt_timeout = std::time::Duration::from_secs(args.timeout.max(1));
    let options = crate::pipelines::accounts::AccountsOptions {
        paths: args.paths,
        live,
    };
    let coverage = crate::pipelines::accounts::run(&options);
    if let Some(failure) = &coverage.failure {
        return fail(
            &format!("the organization could not be listed: {failure}"),
            coverage.verdict(),
        );
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
    done(coverage.verdict(), args.output.output.as_deref(), &|w| {
        report::write(&report, args.output.format, style, w)
    })
}

/// `verify-key`: the key from `--key-id` or standard input, the answer on stdout.
pub(super) fn verify_key(args: VerifyArgs) -> ExitCode {
    use crate::pipelines::verify::{self, HeldKey, VerifyError};
    use crate::report::verification::{self as answer, AnswerFormat};
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
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    let options = verify::VerifyOptions {
        source: args.state.source(),
        paths: args.state.paths,
        account: args.account,
        held,
        clock: args.clock.clock(),
        max_age_days: args.clock.max_age,
    };
    let verified = match verify::run(&options) {
        Ok(verified) => verified,
        Err(VerifyError::Usage(error)) => return unusable_selection(&error),
        Err(VerifyError::Invalid(message)) => return fail(&message, Verdict::INVALID),
        Err(VerifyError::Unobserved(message)) => {
            return fail(
                &format!("the account could not be read: {message}"),
                Verdict::UNOBSERVED,
            );
        }
    };
    let verdict = Verdict {
        drift: !verified.ok(),
        ..Verdict::OK
    };
    let written = match args.format {
        AnswerFormat::Json => answer::json(&verified),
        AnswerFormat::Human => answer::human(&verified),
    };
    text(&written, verdict, None)
}
