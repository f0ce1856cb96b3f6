//! `init -v` says on stderr what it read (the recording, the cluster file, every user and key)
//! and what it decided and why; names from outside are escaped there and in the policy, so a
//! hostile recording starts no workflow command in a CI log.

use super::{fixtures, infrastructure, init};
use crate::common::{command, copy_tree, execute};

#[test]
fn verbose_says_what_was_read_and_decided() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    let run = init(
        dir.path(),
        "legacy-hub",
        &["-v", "--out", "policies/legacy-hub.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (fixtures, infrastructure) = (fixtures(), infrastructure());
    let expected = [
        format!(
            "init: read the cluster file config/clusters/legacy-hub/cluster.yaml in {}: account 246813579024, region us-east-1, cluster legacy-eks",
            infrastructure.display()
        ),
        format!(
            "init: read {} (account 246813579024, captured 2026-11-20T09:00:00Z): 4 IAM users, MaxPasswordAge 90",
            fixtures.join("legacy-hub").display()
        ),
        "init: found user `example-engineer-ada`: groups SMCE-ProjectAdmins, SMCE-UserRestrictions; no access key; console password; no MFA".to_owned(),
        "init: found user `hub-continuous-deployer`: groups SMCE-UserRestrictions; keys AKIAEXAMPLELEGACY001 active, created 2026-09-01T09:00:00Z; AKIAEXAMPLELEGACY002 active, created 2026-11-10T09:00:00Z; no console password; no MFA".to_owned(),
        "init: found user `old-contractor-example`: groups SMCE-ProjectAdmins, AccountDisabled; keys AKIAEXAMPLELEGACY003 active, created 2026-04-04T09:00:00Z; no console password; MFA".to_owned(),
        "init: found user `smce-audit-example`: no group; keys AKIAEXAMPLELEGACY004 active, created 2026-03-25T09:00:00Z; no console password; no MFA".to_owned(),
        "init: deployer `hub-continuous-deployer` declared on cluster `legacy-eks` (from config/clusters/legacy-hub/cluster.yaml) with SMCE's grant only (eks:DescribeCluster on that cluster)".to_owned(),
        "init: the deployer holds 1 grant(s) beyond it: not declared (listed in a comment); check reports deployer.excess-permission".to_owned(),
        "init: the deployer holds 2 active keys: active_keys stays 1 (SMCE's one deployer key); check reports deployer.key-count".to_owned(),
        "init: the deployer is in SMCE-UserRestrictions: not declared away; check reports it".to_owned(),
        "init: members: none (engineers sign in through SSO); 3 other IAM user(s) neither declared nor ignored, so check reports each as user.unmanaged: example-engineer-ada, old-contractor-example, smce-audit-example".to_owned(),
        "init: credentials: SMCE's 60-day limit (the default), not the account's MaxPasswordAge of 90: a password policy never governs access keys; check reports account.password-policy".to_owned(),
        "init: contacts and the deployer's owner: commented placeholders; lint warns (policy.no-contacts) until they are filled in".to_owned(),
        "init: $schema=policy.schema.json".to_owned(),
        "note: wrote policies/policy.schema.json (`smce-guard schema`), which the policy's $schema names".to_owned(),
    ];
    assert_eq!(run.stderr.lines().collect::<Vec<_>>(), expected);
    // Without -v, only what the user must know.
    let run = init(dir.path(), "sso-hub", &["--out", "policies/sso-hub.yaml"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

/// Text no IAM or cluster file should hold, but a recording or a checkout can: a line break, a
/// workflow command and the runner's legacy marker.
const HOSTILE: &str = "evil\n::error::pwned ##[group]x";

/// Asserts that `text` holds no line a GitHub runner would act on.
#[track_caller]
fn inert(stream: &str, text: &str) {
    assert!(!text.contains("##["), "{stream}:\n{text}");
    for line in text.lines() {
        assert!(!line.trim_start().starts_with("::"), "{stream}: {line}");
    }
}

#[test]
fn a_statement_from_the_recording_is_escaped_in_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("fixtures/clean-hub");
    copy_tree(&fixtures().join("clean-hub"), &recording);
    let details = recording.join("authorization-details.json");
    let mut gaad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&details).unwrap()).unwrap();
    // The workflow command sits in the resource: an action's name holds no second `:`, so an
    // action spelled with one would grant nothing (no action has that name).
    let statement = serde_json::json!({
        "Effect": "Allow",
        "Action": "eks:evil\n##[group]x",
        "Resource": format!("arn:aws:eks:us-west-2:975318642097:cluster/{HOSTILE}"),
    });
    gaad["UserDetailList"][0]["UserPolicyList"][0]["PolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(statement);
    std::fs::write(&details, gaad.to_string()).unwrap();
    let infrastructure = infrastructure();
    let args = [
        "init",
        "--account-name",
        "clean-hub",
        "--fixtures",
        "fixtures",
        "--infrastructure",
        infrastructure.to_str().unwrap(),
        "-v",
    ];
    let run = execute(command(dir.path(), args));
    assert_eq!(run.code, 0, "{}", run.stderr);
    inert("stdout", &run.stdout);
    inert("stderr", &run.stderr);
    let listed = (run.stdout.lines())
        .find(|l| l.starts_with("  #   - inline policy"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        listed.ends_with(
            ": eks:evil\\u{A}##\\u{5B}group]x on arn:aws:eks:us-west-2:975318642097:cluster/evil\\u{A}::error::pwned ##\\u{5B}group]x"
        ),
        "{listed}"
    );
    // The policy declares only what it should, and `check` reports the grant.
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/clean-hub.yaml"), &run.stdout).unwrap();
    let check = execute(command(
        dir.path(),
        [
            "check",
            "policies",
            "--fixtures",
            "fixtures",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        crate::common::findings(&check),
        [
            "- warning policy.no-contacts -",
            "clean-hub error deployer.excess-permission hub-continuous-deployer",
        ],
        "{}",
        check.stdout
    );
}

#[test]
fn a_cluster_file_s_values_are_escaped_on_stderr_and_refused_by_lint() {
    let dir = tempfile::tempdir().unwrap();
    let checkout = dir.path().join("infrastructure");
    copy_tree(&infrastructure(), &checkout);
    let file = checkout.join("config/clusters/clean-hub/cluster.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "clusterName: clean-hub",
        &format!("clusterName: {}", serde_json::to_string(HOSTILE).unwrap()),
    );
    std::fs::write(&file, text).unwrap();
    let fixtures = fixtures();
    let args = [
        "init",
        "--account-name",
        "clean-hub",
        "--fixtures",
        fixtures.to_str().unwrap(),
        "--infrastructure",
        "infrastructure",
        "--out",
        "clean-hub.yaml",
        "-v",
    ];
    let run = execute(command(dir.path(), args));
    // `deployer.cluster` would not lint: nothing is written, and stderr says why, escaped.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    inert("stderr", &run.stderr);
    assert!(
        run.stderr.starts_with("init: read the cluster file config/clusters/clean-hub/cluster.yaml in infrastructure: account 975318642097, region us-west-2, cluster evil\\u{a}::error::pwned #\\u{23}[group]x\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error: the policy written from this state does not lint (policy.invalid-value: `deployer.cluster`"), "{}", run.stderr);
    assert!(!dir.path().join("clean-hub.yaml").exists());
    assert!(!dir.path().join("policy.schema.json").exists());
}
