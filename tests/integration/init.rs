//! `init`: a policy written from an account's recorded state lints clean, and `check` on that
//! state then finds nothing init could have declared (only credential age, which a policy cannot
//! change, and the state's own drift that init must not hide).

use crate::common::{command, data, execute, findings, root};

/// `init --account-name NAME --fixtures fixtures --infrastructure ... --out DIR/policies/NAME.yaml`.
fn init(dir: &std::path::Path, name: &str) -> crate::common::Run {
    let out = dir.join(format!("policies/{name}.yaml"));
    let (fixtures, infrastructure) = (root().join("fixtures"), data("infrastructure"));
    let args = [
        "init",
        "--account-name",
        name,
        "--fixtures",
        fixtures.to_str().unwrap(),
        "--infrastructure",
        infrastructure.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    execute(command(&root(), args))
}

#[test]
fn init_then_lint_is_clean_and_check_finds_only_what_the_state_itself_is() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    for name in ["disasters", "maap", "nasa-ghg-hub", "nasa-veda"] {
        let run = init(dir.path(), name);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let text =
            std::fs::read_to_string(dir.path().join(format!("policies/{name}.yaml"))).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{text}"
        );
    }
    let lint = execute(command(
        dir.path(),
        [
            "lint",
            "policies",
            "--infrastructure",
            data("infrastructure").to_str().unwrap(),
        ],
    ));
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(
        lint.stdout.contains("0 errors, 0 warnings in 4 files"),
        "{}",
        lint.stdout
    );
    let fixtures = root().join("fixtures");
    let check = execute(command(
        dir.path(),
        [
            "check",
            "policies",
            "--fixtures",
            fixtures.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    let credential_age = [
        "key.expiring",
        "key.expired",
        "key.unused",
        "password.expiring",
        "password.expired",
        "password.unused",
    ];
    // What the recorded accounts hold that no policy may declare away: a member without MFA,
    // an unprocessed exemption, a disabled member, a leftover grant (listed in a comment).
    let state = [
        "maap error member.mfa-missing example-engineer-linus",
        "maap error deployer.restricted hub-continuous-deployer",
        "disasters error member.disabled example-engineer-edsger",
        "disasters error deployer.excess-permission hub-continuous-deployer",
    ];
    for finding in findings(&check) {
        let code = finding.split(' ').nth(2).unwrap();
        assert!(
            credential_age.contains(&code) || state.contains(&finding.as_str()),
            "{finding}\n{}",
            check.stdout
        );
    }
    let disasters = std::fs::read_to_string(dir.path().join("policies/disasters.yaml")).unwrap();
    assert!(
        disasters.contains(
            "#   - managed policy `arn:aws:iam::515966502221:policy/legacy-eks-wildcard`"
        ),
        "{disasters}"
    );
    assert!(
        disasters.contains("  - \"smce-audit-example\"  # found, not approved"),
        "{disasters}"
    );
}

#[test]
fn init_never_replaces_a_file_and_refuses_an_unknown_account() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    let out = dir.path().join("policies/nasa-veda.yaml");
    std::fs::write(&out, "kept").unwrap();
    let run = init(dir.path(), "nasa-veda");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("exists"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept");
    // No recording and no cluster file: nothing to write a policy from.
    let run = init(dir.path(), "nowhere");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!dir.path().join("policies/nowhere.yaml").exists());
}
