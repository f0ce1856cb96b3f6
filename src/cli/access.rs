//! `access`: the command line's side of [`crate::pipelines::access`]. Reads the request (a
//! concrete action and resource) and the `--context KEY=VALUE` overrides, asks, prints the
//! answer and picks the exit code: 0 allowed, 1 denied or implicitly denied, 2 bad input, 3 the
//! account could not be read, 4 uncertain.

use super::output::{fail, text, unusable_selection};
use super::{ClockArgs, StateArgs};
use crate::outcome::Verdict;
use crate::pipelines::access::{AccessError, AccessOptions};
use crate::report::verification::AnswerFormat;
use std::process::ExitCode;

/// `access`'s arguments (the subcommand is declared in [`super::args`]).
#[derive(clap::Args, Debug)]
pub struct AccessArgs {
    /// The action, as IAM names it (e.g. eks:DescribeCluster); no wildcards.
    #[arg(value_name = "ACTION")]
    pub action: String,
    /// The resource's ARN; `*` (the default) for an action that takes none.
    #[arg(value_name = "RESOURCE")]
    pub resource: Option<String>,
    /// The account (`account.name`).
    #[arg(long, value_name = "NAME")]
    pub account: String,
    /// Ask for this IAM user of the account instead of the deployer (the same key-signed
    /// context, with this user's name, id, ARN and tags).
    #[arg(long = "as", value_name = "USER")]
    pub user: Option<String>,
    /// Give a condition key a value for this request (repeat a key for several values; `KEY=`
    /// makes it absent; for aws:SourceIp a CIDR range stands for each of its addresses).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    #[arg(long, value_enum, default_value_t = AnswerFormat::Human)]
    pub format: AnswerFormat,
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
}

/// Groups `KEY=VALUE` pairs by key (compared without regard to case), in the order given.
fn context(pairs: &[String]) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut out: Vec<(String, Vec<String>, bool)> = Vec::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "--context takes KEY=VALUE (or KEY= for an absent key), found `{pair}`"
            ));
        };
        let shaped = key.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.is_empty()
                && !name.chars().any(char::is_whitespace)
        });
        if !shaped {
            return Err(format!(
                "--context: `{key}` is not a condition key (service:name, e.g. aws:SourceIp)"
            ));
        }
        if crate::base::ci_context::holds_addresses(key)
            && !value.is_empty()
            && !crate::base::ci_context::is_address_or_range(value)
        {
            return Err(format!(
                "--context: `{key}` holds IP addresses, but `{value}` is neither an address nor a CIDR range (e.g. 203.0.113.7 or 203.0.113.0/24)"
            ));
        }
        let at = out.iter().position(|(k, _, _)| k.eq_ignore_ascii_case(key));
        let entry = match at {
            Some(i) => &mut out[i],
            None => {
                out.push((key.to_owned(), Vec::new(), false));
                out.last_mut().expect("just pushed")
            }
        };
        if value.is_empty() {
            entry.2 = true;
        } else {
            entry.1.push(value.to_owned());
        }
        if entry.2 && !entry.1.is_empty() {
            return Err(format!(
                "--context gives `{key}` values and makes it absent (`{key}=`): choose one"
            ));
        }
    }
    Ok(out.into_iter().map(|(k, v, _)| (k, v)).collect())
}

pub(super) fn run(args: AccessArgs) -> ExitCode {
    let resource = args.resource.clone().unwrap_or_else(|| "*".to_owned());
    // One action as IAM names it: `service:Name`, no wildcard, no space, one colon.
    let action_shaped = args.action.split_once(':').is_some_and(|(service, name)| {
        !service.is_empty()
            && !name.is_empty()
            && !name.contains(':')
            && !args.action.chars().any(char::is_whitespace)
    });
    if args.action.contains(['*', '?']) || !action_shaped {
        return fail(
            &format!(
                "`{}` is not one action: give it as IAM names it, e.g. eks:DescribeCluster (no wildcards)",
                args.action
            ),
            Verdict::INVALID,
        );
    }
    // An ARN has six parts (`arn:partition:service:region:account:resource`).
    let arn_shaped = resource.starts_with("arn:") && resource.splitn(6, ':').count() == 6;
    if resource != "*" && (resource.contains(['*', '?']) || !arn_shaped) {
        return fail(
            &format!(
                "`{resource}` is not one resource: give its ARN (no wildcards), or `*` for an action that takes none"
            ),
            Verdict::INVALID,
        );
    }
    let context = match context(&args.context) {
        Ok(context) => context,
        Err(message) => return fail(&message, Verdict::INVALID),
    };
    let options = AccessOptions {
        source: args.state.source(),
        paths: args.state.paths,
        account: args.account,
        user: args.user,
        action: args.action,
        resource,
        context,
        clock: args.clock.clock(),
        max_age_days: args.clock.max_age,
    };
    let answer = match crate::pipelines::access::run(&options) {
        Ok(answer) => answer,
        Err(AccessError::Usage(error)) => return unusable_selection(&error),
        Err(AccessError::Invalid(message)) => return fail(&message, Verdict::INVALID),
        Err(AccessError::Unobserved(message)) => {
            return fail(
                &format!("the account could not be read: {message}"),
                Verdict::UNOBSERVED,
            );
        }
    };
    let written = match args.format {
        AnswerFormat::Json => crate::report::access::json(&answer),
        AnswerFormat::Human => crate::report::access::human(&answer),
    };
    text(&written, answer.verdict(), None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn context_pairs_group_by_key() {
        let pairs: Vec<String> = [
            "aws:SourceIp=192.0.2.0/24",
            "AWS:sourceip=198.51.100.7",
            "aws:PrincipalOrgID=",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(
            super::context(&pairs).unwrap(),
            vec![
                (
                    "aws:SourceIp".to_owned(),
                    vec!["192.0.2.0/24".to_owned(), "198.51.100.7".to_owned()]
                ),
                ("aws:PrincipalOrgID".to_owned(), vec![]),
            ]
        );
        for bad in ["novalue", "SourceIp=1", "aws:x y=1"] {
            assert!(super::context(&[bad.to_owned()]).is_err(), "{bad}");
        }
        assert!(super::context(&["a:b=".to_owned(), "a:b=1".to_owned()]).is_err());
    }
}
