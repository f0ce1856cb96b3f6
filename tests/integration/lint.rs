//! `smce-guard lint`: the repository's own policies, and the JSON contract.

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
fn readme_code_table_is_explain_markdown() {
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- codes:start -->\n")
        .expect("README has the codes table")
        + "<!-- codes:start -->\n".len();
    let end = readme.find("<!-- codes:end -->").unwrap();
    let run = smce_guard(["explain", "--markdown"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        &readme[start..end],
        run.stdout,
        "README's code table is stale: paste `smce-guard explain --markdown`"
    );
    for line in run.stdout.lines().skip(2) {
        assert!(line.starts_with("| `"), "{line}");
    }
}

#[test]
fn explain_knows_every_listed_code() {
    let list = smce_guard(["explain"]);
    assert_eq!(list.code, 0);
    let codes: Vec<&str> = list
        .stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(codes.len() >= 40, "{codes:?}");
    for code in codes {
        let one = smce_guard(["explain", code]);
        assert_eq!(one.code, 0, "{code}");
        assert!(
            one.stdout.starts_with(code)
                && one.stdout.contains("Why: ")
                && one.stdout.contains("Fix: "),
            "{}",
            one.stdout
        );
    }
    assert_eq!(smce_guard(["explain", "no.such-code"]).code, 2);
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
    for args in [
        vec!["--help"],
        vec!["lint", "--help"],
        vec!["check", "--help"],
        vec!["explain", "--help"],
        vec!["schema", "--help"],
        vec!["expiries", "--help"],
        vec!["snapshot", "--help"],
        vec!["accounts", "--help"],
    ] {
        let run = smce_guard(&args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(
            run.stdout.contains("Example"),
            "{args:?} help lacks an example:\n{}",
            run.stdout
        );
    }
}
