//! Account selection: `--account` (repeatable) and `--shard` mean the same in every command that
//! reads accounts, and a name no policy declares, a selection of no account and `--fixtures` that
//! is no folder are usage errors (exit 2), found before any account is read; policies in
//! subfolders and recordings no policy declares are reported, never passed over in silence.

use crate::common::{finding_codes, smce_guard};

const KNOWN: &str = "known: disasters, legacy-members, maap, nasa-ghg-hub, nasa-veda";

#[test]
fn an_unknown_account_is_a_usage_error_in_every_command() {
    for command in [
        vec!["check", "--account", "nasa-veda", "--account", "nope"],
        vec!["expiries", "--account", "nope"],
        // Refused before any AWS request: no endpoint is needed to see it.
        vec!["snapshot", "--account", "nope", "--out", "/nonexistent"],
    ] {
        let run = smce_guard(&command);
        assert_eq!(run.code, 2, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("no policy declares account `nope`") && run.stderr.contains(KNOWN),
            "{command:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{command:?}");
    }
}

#[test]
fn repeated_accounts_select_exactly_those_accounts() {
    let run = smce_guard([
        "check",
        "--account",
        "maap",
        "--account",
        "disasters",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<&str> = json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["disasters", "maap"]);
    assert!(!finding_codes(&json).is_empty());
    let expiries = smce_guard(["expiries", "--account", "nasa-veda", "--format", "json"]);
    assert_eq!(expiries.code, 0, "{}", expiries.stderr);
    let json: serde_json::Value = serde_json::from_str(&expiries.stdout).unwrap();
    let credentials = json["credentials"].as_array().unwrap();
    assert!(!credentials.is_empty());
    assert!(
        credentials.iter().all(|c| c["account_name"] == "nasa-veda"),
        "{credentials:?}"
    );
}

/// `smce-guard ARGS` in `tests/data/selection/`: `policies/hub.yaml` (clean),
/// `policies/archive/old-hub.yaml` (a subfolder, not read; its key expired) and recordings of
/// `hub`, `old-hub` and `retired-hub` (no policy at all).
fn in_selection(args: &[&str]) -> crate::common::Run {
    crate::common::execute(crate::common::command(
        &crate::common::data("selection"),
        args,
    ))
}

/// A selection of no account judged nothing and passed (`check --shard 1/1000`: exit 0). It is
/// a usage error in every command that selects, found before any account is read.
#[test]
fn a_selection_of_no_account_is_a_usage_error() {
    for command in [
        vec!["check", "--shard", "1/1000"],
        vec!["check", "--shard", "1/1000", "--format", "json"],
        vec!["check", "--account", "nasa-veda", "--shard", "1/2"],
        vec!["expiries", "--shard", "1/1000"],
        vec!["snapshot", "--shard", "1/1000", "--out", "/nonexistent"],
    ] {
        let run = smce_guard(&command);
        assert_eq!(run.code, 2, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("selects none of the")
                && run
                    .stderr
                    .contains("a run that judges no account would pass"),
            "{command:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{command:?}");
    }
    let run = smce_guard(["check", "--account", "nasa-veda", "--shard", "1/2"]);
    assert!(
        run.stderr
            .starts_with("error: --account nasa-veda --shard 1/2 selects none of the 5 account(s)"),
        "{}",
        run.stderr
    );
    // A shard that holds an account is judged as before: 1/2 holds maap's even id alone.
    let run = smce_guard(["check", "--shard", "1/2", "--format", "json"]);
    assert_eq!(
        crate::common::statuses(&run),
        ["maap drift"],
        "{}",
        run.stdout
    );
}

/// `--fixtures fixture` (a typo for `fixtures`) made every account `account.unobserved` (exit
/// 3); it is a usage error naming the folder, in every command that reads recordings.
#[test]
fn recordings_that_are_not_a_folder_are_a_usage_error() {
    for command in [
        vec!["check", "--fixtures", "fixture"],
        vec!["check", "--fixtures", "fixture", "--format", "sarif"],
        vec!["expiries", "--fixtures", "fixture"],
        vec![
            "verify-key",
            "--account",
            "hub",
            "--key-id",
            "AKIAEXAMPLEHUBKEY001",
            "--fixtures",
            "fixture",
        ],
        // A file is no folder either.
        vec!["check", "--fixtures", "policies/hub.yaml"],
    ] {
        let run = in_selection(&command);
        assert_eq!(run.code, 2, "{command:?}: {}", run.stderr);
        let folder = command.last().unwrap();
        let folder = if *folder == "sarif" {
            "fixture"
        } else {
            folder
        };
        assert!(
            run.stderr
                .starts_with(&format!("error: --fixtures {folder}: no such folder")),
            "{command:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{command:?}");
    }
    // Live runs read no recordings: no folder is needed (nothing listens on port 9, so the
    // account is unobserved, exit 3, not a usage error).
    let live = crate::common::execute({
        let mut command = crate::common::command(
            &crate::common::data("selection"),
            ["check", "--live", "--fixtures", "fixture", "--timeout", "1"],
        );
        command
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    });
    assert_eq!(live.code, 3, "{}", live.stderr);
}

/// A policy in a subfolder of the directory given is not read; it was skipped without a word, so
/// its account (here with an expired key) went unchecked. Every command that reads policies now
/// says where it is and why it was not read.
#[test]
fn policies_in_subfolders_are_reported_not_read() {
    let lint = in_selection(&["lint", "--format", "json"]);
    assert_eq!(lint.code, 0, "{}", lint.stderr);
    let json = lint.json();
    let skipped: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "policy.skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{}", lint.stdout);
    assert_eq!(skipped[0]["severity"], "warning");
    assert_eq!(
        skipped[0]["message"],
        "policies/archive holds 1 policy file (old-hub.yaml) that is not read: only the files directly in policies are policies, so its account is not checked"
    );
    let check = in_selection(&["check", "--format", "json", "--fail-on", "warning"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert_eq!(
        finding_codes(&check.json())
            .iter()
            .filter(|c| **c == "policy.skipped")
            .count(),
        1
    );
    // Given as well, the folder is read: its account is checked and its expired key found.
    let both = in_selection(&["check", "policies", "policies/archive", "--format", "json"]);
    let codes = finding_codes(&both.json()).join(" ");
    assert!(codes.contains("key.expired"), "{}", both.stdout);
    assert_eq!(both.code, 1);
}

/// A recording no policy declares is an account nobody checks any more: reported when a whole
/// directory of policies is checked, and only then (with `--account`, `--shard` or a single
/// policy file, the other policies are unknown).
#[test]
fn orphan_recordings_are_reported_when_the_whole_directory_is_checked() {
    let run = in_selection(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let orphans: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "fixture.orphan")
        .map(|f| crate::common::text(&f["message"]))
        .collect();
    assert_eq!(
        orphans,
        [
            "fixtures/old-hub is a recording of account `old-hub`, which no policy declares: nobody checks it",
            "fixtures/retired-hub is a recording of account `retired-hub`, which no policy declares: nobody checks it",
        ]
    );
    for narrowed in [
        vec!["check", "--account", "hub", "--format", "json"],
        vec!["check", "--shard", "1/1", "--format", "json"],
        vec!["check", "policies/hub.yaml", "--format", "json"],
    ] {
        let run = in_selection(&narrowed);
        assert_eq!(run.code, 0, "{narrowed:?}: {}", run.stderr);
        assert!(
            !finding_codes(&run.json()).contains(&"fixture.orphan"),
            "{narrowed:?}: {}",
            run.stdout
        );
    }
    // Warnings: `--fail-on warning` fails on them.
    let strict = in_selection(&["check", "--fail-on", "warning"]);
    assert_eq!(strict.code, 1, "{}", strict.stdout);
}
