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
    // maap: the active key expires in 10 days.
    let run = verify(
        &[
            &["--account", "maap", "--key-id", "AKIAEXAMPLEJFU3DIYZH"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (1, "expiring"));
    assert_eq!(run.json()["days_left"], 10);
    // nasa-veda: the key of 2026-03-09, never rotated since, expired.
    let run = verify(
        &[
            &["--account", "nasa-veda", "--key-id", "AKIAEXAMPLE35EMZB4UA"],
            &json[..],
        ]
        .concat(),
        None,
    );
    assert_eq!((run.code, verdict(&run).as_str()), (1, "expired"));
    assert_eq!(run.json()["days_left"], -195);
    // legacy-members: the deployer's previous key is inactive; another key is unknown.
    let run = verify(
        &[
            &[
                "--account",
                "legacy-members",
                "--key-id",
                "AKIAEXAMPLEPGCN5YLRN",
            ],
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
    // Recordings that are not a folder are a usage error naming it (they once made every
    // account unobserved); a folder without the account's recording leaves it unobserved.
    let typo = verify(
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
    assert_eq!(typo.code, 2, "{}", typo.stderr);
    assert!(
        typo.stderr
            .starts_with("error: --fixtures /nonexistent: no such folder"),
        "{}",
        typo.stderr
    );
    let elsewhere = crate::common::data("selection/fixtures");
    let unread = verify(
        &[
            "--account",
            "maap",
            "--key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--fixtures",
            elsewhere.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(unread.code, 3, "{}", unread.stderr);
}

/// `verify-key` in `tests/data/accounts/` (see its README) at the instant the tests run at.
fn verify_in_accounts(args: &[&str]) -> Run {
    let dir = crate::common::data("accounts");
    let mut cmd = command(&dir, [&["verify-key"], args].concat());
    cmd.stdin(Stdio::null());
    execute(cmd)
}

/// `rotated` was recorded 15 days before the instant judged. A recording that old cannot say
/// which key is current: it once answered "✓ CI holds the right key" for the key it holds, and
/// "deleted" for the key CI rotated to since. Both are `unproven` (exit 1), and the answer states
/// when the recording was captured; a `--max-age` that admits it answers from it again.
#[test]
fn a_recording_older_than_max_age_proves_no_key() {
    for key in ["AKIAEXAMPLEROTATED01", "AKIAEXAMPLEROTATED02"] {
        let args = ["--account", "rotated", "--key-id", key, "--max-age", "1"];
        let json = verify_in_accounts(&[&args[..], &["--format", "json"]].concat());
        assert_eq!(json.code, 1, "{key}: {}", json.stdout);
        let answer = json.json();
        assert_eq!(answer["verdict"], "unproven", "{key}");
        assert_eq!(answer["ok"], false);
        assert_eq!(answer["captured_at"], "2026-11-05T09:00:00Z");
        assert_eq!(answer["judged_at"], "2026-11-20T09:00:00Z");
        let sentence = format!(
            "the recording of `hub-continuous-deployer` in account `rotated` was captured at 2026-11-05T09:00:00Z, 15 days before the instant judged, longer ago than --max-age allows: it cannot prove whether {key} is the current key"
        );
        assert!(
            answer["message"].as_str().unwrap().starts_with(&sentence),
            "{key}: {}",
            answer["message"]
        );
        let human = verify_in_accounts(&args);
        assert_eq!(human.code, 1);
        assert!(
            human.stdout.starts_with(&format!("✗ {sentence}")),
            "{key}: {}",
            human.stdout
        );
        for claim in ["✓", "deleted", "right key"] {
            assert!(!human.stdout.contains(claim), "{key}: {}", human.stdout);
        }
    }
    // Young enough by the policy of the run, the recording answers.
    let held = [
        "--account",
        "rotated",
        "--max-age",
        "30",
        "--format",
        "json",
    ];
    let current = verify_in_accounts(&[&held[..], &["--key-id", "AKIAEXAMPLEROTATED01"]].concat());
    assert_eq!((current.code, verdict(&current).as_str()), (0, "current"));
    let unknown = verify_in_accounts(&[&held[..], &["--key-id", "AKIAEXAMPLEROTATED02"]].concat());
    assert_eq!((unknown.code, verdict(&unknown).as_str()), (1, "unknown"));
}

/// `expired-key`'s only key expired 20 days before the instant judged and is still in use: its
/// answer is `expired` (it once said `expiring` in JSON), with the days past as a negative count.
#[test]
fn an_expired_newest_key_is_named_expired() {
    let args = [
        "--account",
        "expired-key",
        "--key-id",
        "AKIAEXAMPLEEXPIRED01",
    ];
    let json = verify_in_accounts(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 1, "{}", json.stdout);
    let answer = json.json();
    assert_eq!(
        (
            &answer["verdict"],
            &answer["days_left"],
            &answer["expires_at"]
        ),
        (
            &serde_json::Value::from("expired"),
            &serde_json::Value::from(-20),
            &serde_json::Value::from("2026-10-31T09:00:00Z")
        )
    );
    let human = verify_in_accounts(&args);
    assert_eq!(human.code, 1);
    assert_eq!(
        human.stdout,
        "✗ AKIAEXAMPLEEXPIRED01 is the newest active key of `hub-continuous-deployer` in account `expired-key`, but it expired 20 days ago: SMCE deletes expired keys; rotate it now\n(judged at 2026-11-20T09:00:00Z)\n"
    );
}

/// The deployer's key is in a key listing that leaves `ada` out: it is still matched by its id.
#[test]
fn a_listing_that_leaves_others_out_still_proves_the_deployers_key() {
    let run = verify_in_accounts(&[
        "--account",
        "partial-keys",
        "--key-id",
        "AKIAEXAMPLEPARTIAL01",
        "--format",
        "json",
    ]);
    assert_eq!((run.code, verdict(&run).as_str()), (0, "current"));
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
