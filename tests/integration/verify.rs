//! `verify-key`: which key CI holds, from `--key-id` or the JSON `aws iam create-access-key`
//! prints on standard input, against the repository's example; and the secret in that JSON
//! reaches no output, in any format or error.

use crate::common::{Run, command, execute, root, run_of, with_stdin};
use std::process::Stdio;

const SECRET: &str = "SECRETDISTINCT4242/wJalrXUtnFEMI/K7MDENGbPxRfiCY";

/// `verify-key` with `stdin` piped in (when given), in the repository.
fn verify(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = command(&root(), [&["verify-key"], args].concat());
    let Some(input) = stdin else {
        cmd.stdin(Stdio::null());
        return execute(cmd);
    };
    run_of(with_stdin(cmd, input))
}

fn created_key(id: &str) -> String {
    format!(
        r#"{{"AccessKey": {{"UserName": "hub-continuous-deployer", "AccessKeyId": "{id}", "Status": "Active", "SecretAccessKey": "{SECRET}", "CreateDate": "2026-11-10T09:00:00Z"}}}}"#
    )
}

fn verdict(run: &Run) -> String {
    run.json()["verdict"].as_str().unwrap().to_owned()
}

#[test]
fn verify_key_names_what_the_key_ci_holds_is() {
    let json = ["--format", "json"];
    // nasa-ghg-hub: one active key, fresh.
    let run = verify(
        &[
            &[
                "--account",
                "nasa-ghg-hub",
                "--key-id",
                "AKIAEXAMPLEFHJPNN7FG",
            ],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!(
        (run.code, verdict(&run).as_str()),
        (0, "current"),
        "{}",
        run.stdout
    );
    // disasters: mid-rotation; the newer key is current, the older is not.
    let run = verify(
        &[
            &["--account", "disasters", "--key-id", "AKIAEXAMPLEMTUILP47P"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (0, "current"));
    let run = verify(
        &[
            &["--account", "disasters", "--key-id", "AKIAEXAMPLEI5DW4Y5QM"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (1, "older"));
    assert_eq!(run.json()["newer_key_id"], "AKIAEXAMPLEMTUILP47P");
    // nasa-veda: the active key expires in 10 days; the old one is inactive; another is unknown.
    let run = verify(
        &[
            &["--account", "nasa-veda", "--key-id", "AKIAEXAMPLEGZQBEFHQR"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (1, "expiring"));
    assert_eq!(run.json()["days_left"], 10);
    let run = verify(
        &[
            &["--account", "nasa-veda", "--key-id", "AKIAEXAMPLE35EMZB4UA"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (1, "inactive"));
    let run = verify(
        &["--account", "nasa-veda", "--key-id", "AKIAIOSFODNN7EXAMPLE"],
        None,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("✗ AKIAIOSFODNN7EXAMPLE is not a key of `hub-continuous-deployer`")
            && run.stdout.contains("UnrecognizedClientException"),
        "{}",
        run.stdout
    );

    // Bad input is exit 2, an unreadable account exit 3.
    assert_eq!(
        verify(
            &["--account", "nope", "--key-id", "AKIAIOSFODNN7EXAMPLE"],
            None
        )
        .code,
        2
    );
    assert_eq!(
        verify(&["--account", "maap", "--key-id", "not-a-key"], None).code,
        2
    );
    let unread = verify(
        &[
            "--account",
            "maap",
            "--key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--fixtures",
            "/nonexistent",
        ],
        None,
    );
    assert_eq!(unread.code, 3, "{}", unread.stderr);
}

#[test]
fn the_key_is_read_from_standard_input_and_its_secret_never_written() {
    let mut runs = Vec::new();
    for format in ["human", "json"] {
        // The deployer's current key, the older one, and one the account does not know.
        for id in [
            "AKIAEXAMPLEMTUILP47P",
            "AKIAEXAMPLEI5DW4Y5QM",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            let run = verify(
                &["--account", "disasters", "--format", format],
                Some(&created_key(id)),
            );
            assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
            assert!(run.stdout.contains(id), "{}", run.stdout);
            runs.push(run);
        }
        // Broken JSON holding the secret: refused, the secret not quoted.
        let whole = created_key("AKIAEXAMPLEMTUILP47P");
        let truncated = &whole[..whole.find(SECRET).unwrap() + 20];
        assert!(
            truncated.contains("SECRETDISTINCT"),
            "the cut keeps the secret in"
        );
        for broken in [
            truncated.to_owned(),
            format!("\"{SECRET}\""),
            created_key("AKIAEXAMPLEMTUILP47P").replace("\"AKIAEXAMPLEMTUILP47P\"", "7"),
        ] {
            let run = verify(
                &["--account", "disasters", "--format", format],
                Some(&broken),
            );
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(
                run.stderr.contains("aws iam create-access-key"),
                "{}",
                run.stderr
            );
            runs.push(run);
        }
    }
    let first = &runs[0];
    assert_eq!(first.code, 0, "{}", first.stdout);
    for run in &runs {
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains("SECRETDISTINCT"),
                "the secret leaked:\n{text}"
            );
        }
    }
}
