//! The `$schema` comment of a policy `init` writes resolves, as an editor's YAML language server
//! resolves it (relative to the policy's folder), to this version's schema, which the policy
//! validates against: a `schemas/` copy beside the policies' folder, else `policy.schema.json`
//! in it, written by `init` when missing and never over another file. Never a URL.

use super::init;
use crate::common::smce_guard;
use std::path::Path;

/// What `smce-guard schema` prints.
fn schema() -> String {
    let run = smce_guard(["schema"]);
    assert_eq!(run.code, 0);
    run.stdout
}

/// The `$schema` a policy's first line names.
fn named(policy: &str) -> String {
    let first = policy.lines().next().unwrap_or_default();
    first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("no $schema comment on the first line: {first}"))
        .to_owned()
}

/// Asserts that the policy at `path` names a schema that exists relative to it and that the
/// policy validates against it; returns the schema file's path.
#[track_caller]
fn resolves(path: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(path).unwrap();
    let reference = named(&text);
    assert!(!reference.contains("://"), "{reference}");
    let file = path.parent().unwrap().join(&reference);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let policy = smce_guard::policy::yaml::parse(0, &text).value.unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&policy)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    file
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    dir
}

#[test]
fn a_schemas_folder_beside_the_policies_folder_is_named_relatively() {
    let dir = folder();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    std::fs::write(dir.path().join("schemas/policy.schema.json"), schema()).unwrap();
    let run = init(
        dir.path(),
        "legacy-hub",
        &["--out", "policies/legacy-hub.yaml"],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let policy = dir.path().join("policies/legacy-hub.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert_eq!(named(&text), "../schemas/policy.schema.json");
    assert!(resolves(&policy).ends_with("schemas/policy.schema.json"));
    assert!(!dir.path().join("policies/policy.schema.json").exists());
}

#[test]
fn without_a_schema_init_writes_it_beside_the_policy_once() {
    let dir = folder();
    let run = init(
        dir.path(),
        "legacy-hub",
        &["--out", "policies/legacy-hub.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = dir.path().join("policies/policy.schema.json");
    assert_eq!(
        run.stderr,
        format!(
            "note: wrote {} (`smce-guard schema`), which the policy's $schema names\n",
            Path::new("policies").join("policy.schema.json").display()
        )
    );
    assert_eq!(std::fs::read_to_string(&written).unwrap(), schema());
    assert_eq!(
        resolves(&dir.path().join("policies/legacy-hub.yaml")),
        written
    );
    // The next policy in that folder finds it: nothing more is written or said.
    let run = init(dir.path(), "sso-hub", &["--out", "policies/sso-hub.yaml"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(resolves(&dir.path().join("policies/sso-hub.yaml")), written);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), schema());
}

#[test]
fn a_schema_file_that_differs_is_never_replaced_and_the_user_hears_so() {
    let dir = folder();
    let older = dir.path().join("policies/policy.schema.json");
    std::fs::write(&older, "{\"title\": \"an older schema\"}").unwrap();
    let run = init(
        dir.path(),
        "clean-hub",
        &["--out", "policies/clean-hub.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&older).unwrap(),
        "{\"title\": \"an older schema\"}"
    );
    assert!(
        run.stderr.starts_with("note: policies/policy.schema.json differs from this version's schema and is left as it is"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(dir.path().join("policies/clean-hub.yaml")).unwrap();
    assert_eq!(named(&text), "policy.schema.json");
}

#[test]
fn a_folder_where_the_schema_would_go_refuses_before_anything_is_written() {
    let dir = folder();
    std::fs::create_dir(dir.path().join("policies/policy.schema.json")).unwrap();
    let run = init(
        dir.path(),
        "clean-hub",
        &["--out", "policies/clean-hub.yaml"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("policies/clean-hub.yaml").exists());
}

#[test]
fn a_policy_on_stdout_names_the_schema_beside_it_and_says_how_to_save_it() {
    let dir = folder();
    let run = init(dir.path(), "clean-hub", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(named(&run.stdout), "policy.schema.json");
    assert!(!run.stdout.contains("OWNER") && !run.stdout.contains("://"));
    assert!(
        run.stderr
            .contains("`smce-guard schema > policy.schema.json` in the policy's folder"),
        "{}",
        run.stderr
    );
    // Saved as the note says, the policy resolves.
    std::fs::write(dir.path().join("policies/clean-hub.yaml"), &run.stdout).unwrap();
    std::fs::write(dir.path().join("policies/policy.schema.json"), schema()).unwrap();
    resolves(&dir.path().join("policies/clean-hub.yaml"));
}
