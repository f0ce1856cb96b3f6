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
        assert!(text.starts_with("# yaml-language-server: $schema=../schemas/policy.schema.json\n"));
    }
}
