//! `smce-guard lint`: the repository's own policies, and the JSON contract. (The codes page and
//! `explain` are tested in `docs`.)

use crate::common::smce_guard;

#[test]
fn repository_policies_lint_clean() {
    let run = smce_guard(["lint", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    for entry in std::fs::read_dir(crate::common::root().join("policies")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/policy.schema.json\n")
        );
    }
}

/// A code that does not exist is answered with the nearest ones: a misspelling, a word of a
/// code's name, or a word its explanation uses.
#[test]
fn explain_suggests_the_nearest_codes() {
    for (asked, suggested) in [
        ("rotation", "did you mean `deployer.rotation-incomplete`?"),
        ("key.expird", "did you mean `key.expired`?"),
        (
            "mfa",
            "did you mean `member.mfa-missing` or `root.mfa-missing`?",
        ),
    ] {
        let run = smce_guard(["explain", asked]);
        assert_eq!(run.code, 2, "{asked}");
        assert!(
            run.stderr
                .contains(&format!("unknown code `{asked}`; {suggested}")),
            "{asked}: {}",
            run.stderr
        );
    }
    let run = smce_guard(["explain", "terraform"]);
    assert!(
        run.stderr.contains("did you mean `deployer."),
        "{}",
        run.stderr
    );
}

/// An account id that is quoted already but has 11 digits is told what is wrong with it, not to
/// quote it; one left unquoted is told both.
#[test]
fn an_account_id_of_eleven_digits_is_told_it_has_eleven() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.yaml");
    std::fs::write(&path, "account:\n  id: \"12345678901\"\n  name: hub\n").unwrap();
    let run = smce_guard(["lint", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 2);
    let diagnostic = &run.json()["diagnostics"][0];
    assert_eq!(
        diagnostic["message"],
        "`account.id` must be 12 digits, found \"12345678901\": it has 11 digits; an AWS account id has 12"
    );
    let help = diagnostic["help"].as_str().unwrap();
    assert!(!help.contains("quote"), "{help}");
    std::fs::write(&path, "account:\n  id: 12345678901\n  name: hub\n").unwrap();
    let run = smce_guard(["lint", path.to_str().unwrap(), "--format", "json"]);
    let diagnostic = &run.json()["diagnostics"][0];
    let help = diagnostic["help"].as_str().unwrap();
    assert!(help.contains("id: \"12345678901\""), "{help}");
    assert!(
        help.ends_with("And it has 11 digits; an AWS account id has 12."),
        "{help}"
    );
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let run = smce_guard(["schema"]);
    assert_eq!(run.code, 0);
    let committed =
        std::fs::read_to_string(crate::common::root().join("schemas/policy.schema.json")).unwrap();
    assert_eq!(run.stdout, committed);
}

#[test]
fn every_help_has_an_example() {
    // The subcommands as the top-level help lists them, so a new one cannot be forgotten here.
    let top = smce_guard(["--help"]);
    let subcommands: Vec<String> = top
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description continues deeper; a subcommand starts two spaces in.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(
        subcommands.iter().any(|s| s == "check") && subcommands.iter().any(|s| s == "lint"),
        "{subcommands:?}"
    );
    let mut runs = vec![vec!["--help".to_owned()]];
    runs.extend(
        subcommands
            .iter()
            .map(|s| vec![s.clone(), "--help".to_owned()]),
    );
    for args in runs {
        let run = smce_guard(&args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(
            run.stdout.contains("Example"),
            "{args:?} help lacks an example:\n{}",
            run.stdout
        );
    }
}
