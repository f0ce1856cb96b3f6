//! `init`: the command line's side of [`crate::init`]. Chooses the `$schema` comment for where
//! the policy is written, prints or writes it (never over an existing file), and picks the exit
//! code through [`Verdict`].

use super::{InitArgs, Verdict, say};
use crate::init::{InitError, InitOptions};
use std::process::ExitCode;

/// The schema's published address, for a policy written where no `../schemas/` copy is.
const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/OWNER/smce-guard/main/schemas/policy.schema.json";

pub(super) fn run(args: InitArgs) -> ExitCode {
    // A policy beside a `schemas/` folder (this repository's layout) points at that copy, so
    // editors validate it offline; anywhere else at the published schema.
    let beside = args
        .out
        .as_deref()
        .map(crate::confined::parent_of)
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
    };
    let text = match crate::init::run(&options) {
        Ok(text) => text,
        Err(InitError::Invalid(message)) => {
            say(&format!("error: {message}"));
            return ExitCode::from(Verdict::INVALID.code());
        }
        Err(InitError::Unobserved(message)) => {
            say(&format!("error: the account could not be read: {message}"));
            let verdict = Verdict {
                unobserved: true,
                ..Verdict::OK
            };
            return ExitCode::from(verdict.code());
        }
    };
    match &args.out {
        None => super::text(&text, Verdict::OK, None),
        Some(out) => match crate::atomic::write_new(out, text.as_bytes()) {
            Ok(()) => ExitCode::from(Verdict::OK.code()),
            Err(error) => {
                say(&format!("error: cannot write {}: {error}", out.display()));
                ExitCode::from(Verdict::INVALID.code())
            }
        },
    }
}
