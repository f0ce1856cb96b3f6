//! Credentials that reach the live reader from outside (an endpoint URL with `user:pass@` or a
//! signed query; a failing `credential_process`'s stderr, with `password hunter2-p4ss` and a
//! secret key without digits on the line that is shown) never reach any output: every format on
//! stdout, stderr with `-v`, files written by `--output` and `snapshot`. Each secret is a
//! distinctive string searched for in all of them.

use super::{ROLE, Workspace, clean, days_from_now, policy, tree};
use crate::common::{Run, only, text};
use crate::moto::{Moto, free_port, smce_guard_env};
use serde_json::json;
use std::path::Path;

/// Every way `check` prints a report.
const FORMATS: [&str; 6] = ["json", "sarif", "human", "markdown", "github", "junit"];

/// Runs each of `runs` and collects stdout, stderr and every file then below `dir`, by place.
fn outputs(dir: &Path, runs: Vec<(String, Run)>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (args, run) in runs {
        all.push((format!("stdout of {args}"), run.stdout));
        all.push((format!("stderr of {args}"), run.stderr));
    }
    for (path, bytes) in tree(dir) {
        all.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    all
}

#[track_caller]
fn assert_nowhere(outputs: &[(String, String)], secrets: &[&str]) {
    for (place, output) in outputs {
        for secret in secrets {
            assert!(
                !output.contains(secret),
                "{place} shows {secret}:\n{output}"
            );
        }
    }
}

#[test]
fn endpoint_url_credentials_are_never_printed_or_written() {
    let moto = Moto::start();
    moto.seed(&json!({"accounts": [clean("390000000001", "veda")]}));
    let ws = Workspace::new();
    ws.policy("veda", &policy("390000000001", "veda", &["alice"]));
    let scratch = tempfile::tempdir().unwrap();
    // moto ignores the userinfo and the query; the service-specific variable wins for IAM and is
    // what `snapshot.json` names, so both carry secrets.
    let host = moto.proxy().url().replace("http://", "");
    let endpoint = format!("http://user:PASSDISTINCT42@{host}/?token=TOKDISTINCT42");
    let iam = format!("http://iam:PASSDISTINCT43@{host}/?X-Amz-Security-Token=TOKDISTINCT43");
    let env = [("AWS_ENDPOINT_URL_IAM", Some(iam.as_str()))];
    let now = days_from_now(61);
    let mut runs = Vec::new();
    let mut run = |args: Vec<&str>, expected: i32| {
        let run = smce_guard_env(ws.path(), &endpoint, scratch.path(), &env, &args);
        assert_eq!(
            run.code, expected,
            "{args:?}\n{}\n{}",
            run.stdout, run.stderr
        );
        runs.push((format!("{args:?}"), run));
    };
    let snap = ["snapshot", "--role-name", ROLE, "--out", "snap", "-v"];
    run(snap.to_vec(), 0);
    for format in FORMATS {
        let output = format!("report.{format}");
        let check = ["check", "--live", "--role-name", ROLE, "--now", &now, "-v"];
        let mut args = check.to_vec();
        args.extend(["--format", format]);
        run(args.clone(), 1);
        args.extend(["--output", &output]);
        run(args, 1);
    }
    run(
        vec!["expiries", "--live", "--role-name", ROLE, "--now", &now],
        0,
    );
    // A failing read's message is where the SDK would quote the URL.
    let dead = format!(
        "http://user:PASSDISTINCT42@127.0.0.1:{}/?token=TOKDISTINCT42",
        free_port()
    );
    let failed = smce_guard_env(
        ws.path(),
        &dead,
        scratch.path(),
        &[],
        ["check", "--live", "--timeout", "2", "--format", "json"],
    );
    assert_eq!(failed.code, 3, "{}", failed.stderr);
    assert!(text(&only(&failed, "account.unobserved")["message"]).contains("ConnectionFailed"));
    runs.push(("dead endpoint".to_owned(), failed));

    let snapshot: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("snap/veda/snapshot.json")).unwrap())
            .unwrap();
    assert_eq!(
        snapshot["source"],
        format!("smce-guard live read of http://{host}/")
    );
    let all = outputs(ws.path(), runs);
    assert!(
        all.iter().any(|(p, _)| p == "report.junit"),
        "--output wrote"
    );
    assert_nowhere(
        &all,
        &[
            "PASSDISTINCT42",
            "TOKDISTINCT42",
            "PASSDISTINCT43",
            "TOKDISTINCT43",
        ],
    );
}

/// A secret key of 42 characters without a digit, which a rule of "letters and digits" let
/// through.
const NO_DIGITS: &str = "qHvTzBnMwXkRsLpDfGjYcVbNmZxQwErTyUiOpAsDfG";

#[test]
fn credential_process_stderr_is_one_masked_line() {
    let ws = Workspace::new();
    ws.policy(
        "veda",
        &policy("390000000002", "veda", &["alice"])
            .replace("  name: veda\n", "  name: veda\n  profile: broken\n"),
    );
    let script = ws.path().join("creds.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\n\
         echo 'SECRETDISTINCT99 password hunter2-p4ss {NO_DIGITS} aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' >&2\n\
         echo 'LATERDISTINCT77 {{\"SessionToken\": \"TOKENDISTINCT77\"}}' >&2\n\
         echo 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' >&2\n\
         exit 1\n"),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = ws.path().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile broken]\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    // Nothing listens: the credentials fail before any request would.
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let config = config.display().to_string();
    let env = [
        ("AWS_CONFIG_FILE", Some(config.as_str())),
        ("AWS_ACCESS_KEY_ID", None),
        ("AWS_SECRET_ACCESS_KEY", None),
    ];
    let mut runs = Vec::new();
    let mut run = |args: Vec<&str>| {
        let run = smce_guard_env(ws.path(), &endpoint, scratch.path(), &env, &args);
        assert_eq!(run.code, 3, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        runs.push((format!("{args:?}"), run));
    };
    for format in FORMATS {
        let output = format!("report.{format}");
        run(vec!["check", "--live", "-v", "--format", format]);
        run(vec![
            "check", "--live", "--format", format, "--output", &output,
        ]);
    }
    run(vec!["expiries", "--live"]);
    run(vec!["expiries", "--live", "--format", "json"]);
    run(vec!["snapshot", "--out", "snap", "-v"]);

    let message = text(&only(&runs[0].1, "account.unobserved")["message"]);
    assert!(
        message.contains(
            "Stderr: SECRETDISTINCT99 password **** **** aws_secret_access_key=**** (hint:"
        ),
        "the finding says the first line, masked: {message}"
    );
    let all = outputs(ws.path(), runs);
    // The script itself holds them; it is not output.
    let all: Vec<_> = all.into_iter().filter(|(p, _)| p != "creds.sh").collect();
    assert_nowhere(
        &all,
        &[
            "wJalrXUtnFEMI",
            "EXAMPLEKEY",
            "LATERDISTINCT77",
            "TOKENDISTINCT77",
            "AKIAIOSFODNN7EXAMPLE",
            "hunter2",
            "p4ss",
            NO_DIGITS,
            &NO_DIGITS[10..30],
        ],
    );
    assert!(
        all.iter()
            .filter(|(p, _)| p.starts_with("report."))
            .all(|(_, o)| o.contains("SECRETDISTINCT99")),
        "every format shows the masked first line"
    );
}
