//! Account selection: `--account` (repeatable) and `--shard` mean the same in every command that
//! reads accounts, and a name no policy declares is a usage error (exit 2) naming the known ones,
//! found before any account is read.

use crate::common::{finding_codes, smce_guard};

const KNOWN: &str = "known: disasters, maap, nasa-ghg-hub, nasa-veda";

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
