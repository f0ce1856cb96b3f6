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
