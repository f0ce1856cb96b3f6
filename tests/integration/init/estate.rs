//! `init --infrastructure DIR` without an account name: a policy for every AWS cluster of the
//! checkout whose account has none, from the cluster files alone. On the real 30 folders it
//! writes 20 lint-clean policies (the contacts warning aside) and skips the 10 other clouds; run
//! again, it writes nothing; the policies it writes report every problem a recording holds, as
//! one account's `init` does; existing policies (by id and by name), broken clusters and files in
//! the way are skipped with the reason, and nothing is ever replaced.

use super::EVERY_PROBLEM;
use crate::common::{Run, command, data, execute, findings, root};
use crate::infrastructure::copy;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// `smce-guard ARGS` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Run {
    execute(command(dir, args))
}

/// `init --infrastructure INFRA` in `dir`, with `extra` arguments.
fn init_estate(dir: &Path, infra: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["init", "--infrastructure", infra.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// The files of a folder, by name, with their bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The lines of stdout that start with `prefix`.
fn lines<'a>(run: &'a Run, prefix: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

#[test]
fn every_aws_cluster_of_the_real_checkout_gets_a_lint_clean_policy_once() {
    let dir = tempfile::tempdir().unwrap();
    let infra = data("infrastructure");
    let first = init_estate(dir.path(), &infra, &[]);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    // What the inventory of the same checkout lists is what init wrote for.
    let inventory = run(
        dir.path(),
        &[
            "inventory",
            "--infrastructure",
            infra.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
    .json();
    let clusters = inventory["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 30);
    let policies = dir.path().join("policies");
    let mut wrote = 0;
    for cluster in clusters {
        let name = cluster["name"].as_str().unwrap();
        let path = policies.join(format!("{name}.yaml"));
        if cluster["covered"] == false {
            assert!(!path.exists(), "{name}");
            let line = format!(
                "skipped {name}: not covered (provider: {}): smce-guard checks AWS accounts only",
                cluster["provider"].as_str().unwrap()
            );
            assert!(first.stdout.lines().any(|l| l == line), "{line}");
            continue;
        }
        wrote += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let declared = smce_guard::policy::yaml::parse(0, &text).value.unwrap();
        assert_eq!(
            declared,
            json!({
                "account": {"id": cluster["account_id"], "name": name, "region": cluster["region"]},
                "members": [],
                "deployer": {"user": "hub-continuous-deployer", "cluster": cluster["cluster_name"]},
                "ignore_users": [],
            }),
            "{text}"
        );
        let line = format!(
            "wrote {} (cluster {name}, account {}, {})",
            Path::new("policies").join(format!("{name}.yaml")).display(),
            cluster["account_id"].as_str().unwrap(),
            cluster["region"].as_str().unwrap()
        );
        assert!(first.stdout.lines().any(|l| l == line), "{line}");
        // Written from the cluster file alone, the permission sets left to the team.
        for said in [
            format!("# Written from config/clusters/{name}/cluster.yaml alone"),
            "# sso:\n#   permission_sets:\n#     - name: Project-Admin\n#     - name: Project-Power-User\n#     - name: Project-Read-Only\n".to_owned(),
        ] {
            assert!(text.contains(&said), "{said}\n{text}");
        }
    }
    assert_eq!(wrote, 20);
    assert_eq!(
        first.stdout.lines().last().unwrap(),
        "20 written into policies, 10 skipped: 0 with a policy, 10 not covered, 0 broken, 0 not written"
    );
    assert_eq!(first.stdout.lines().count(), 31);
    // The schema each names, beside them; nothing else (no temporary file left behind).
    let files = contents(&policies);
    assert_eq!(files.len(), 21, "{:?}", files.keys());
    assert_eq!(
        files["policy.schema.json"],
        run(dir.path(), &["schema"]).stdout.as_bytes()
    );
    assert!(
        first.stderr.contains("wrote policies/policy.schema.json"),
        "{}",
        first.stderr
    );

    // Lint-clean against the checkout: the unfilled contacts are the only thing it reports.
    let lint = |dir: &Path| {
        let run = run(
            dir,
            &[
                "lint",
                "policies",
                "--infrastructure",
                infra.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        let codes: Vec<String> = (run.json()["diagnostics"].as_array().unwrap().iter())
            .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["severity"]))
            .collect();
        (run.code, codes)
    };
    let (code, codes) = lint(dir.path());
    assert_eq!(code, 0, "{codes:?}");
    assert_eq!(codes, vec!["policy.no-contacts \"warning\""; 20]);
    // The commented permission sets, uncommented, are a valid `sso:` section.
    let veda = policies.join("nasa-veda.yaml");
    let text = std::fs::read_to_string(&veda).unwrap();
    std::fs::write(
        &veda,
        text.replace("# sso:", "sso:")
            .replace("#   permission_sets:", "  permission_sets:")
            .replace("#     - name:", "    - name:"),
    )
    .unwrap();
    let (code, codes) = lint(dir.path());
    assert_eq!((code, codes.len()), (0, 20), "{codes:?}");
    let reread = smce_guard::policy::yaml::parse(0, &std::fs::read_to_string(&veda).unwrap());
    assert_eq!(
        reread.value.unwrap()["sso"],
        json!({"permission_sets": [{"name": "Project-Admin"}, {"name": "Project-Power-User"}, {"name": "Project-Read-Only"}]})
    );

    // Again: nothing written, nothing changed, every AWS cluster's account has its policy.
    let before = contents(&policies);
    let again = init_estate(dir.path(), &infra, &["-v"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(lines(&again, "wrote ").len(), 0, "{}", again.stdout);
    assert_eq!(
        again.stdout.lines().last().unwrap(),
        "0 written into policies, 30 skipped: 20 with a policy, 10 not covered, 0 broken, 0 not written"
    );
    assert!(
        again.stdout.contains(
            "skipped nasa-veda: account 444055461661 has a policy: policies/nasa-veda.yaml"
        ),
        "{}",
        again.stdout
    );
    assert_eq!(contents(&policies), before);
    assert!(
        again
            .stderr
            .contains("init: read 20 policies in policies: 20 account ids"),
        "{}",
        again.stderr
    );
}

/// Each finding of a `check --format json` run, without where it points in the policy (the two
/// policies compared are different files).
fn judged(run: &Run) -> Vec<Value> {
    (run.json()["findings"].as_array().unwrap().iter())
        .map(|f| {
            let mut f = f.clone();
            for key in ["file", "line", "column"] {
                f.as_object_mut().unwrap().remove(key);
            }
            f
        })
        .collect()
}

/// For every account of the repository's example that has both a recording and a cluster folder
/// in the real checkout, the policy the estate's init writes is judged against its recording
/// exactly as the policy one account's `init` writes from that recording (which reports every
/// problem the account holds: see `check_right_after_init_reports_every_problem_the_accounts_hold`):
/// the same findings, at the instant the example was recorded. Which accounts and problems those are is
/// read from the example, not written here, since its recordings change.
#[test]
fn the_estates_policies_report_every_problem_the_example_recordings_hold() {
    let dir = tempfile::tempdir().unwrap();
    let infra = data("infrastructure");
    let estate = init_estate(dir.path(), &infra, &["--out-dir", "estate"]);
    assert_eq!(estate.code, 0, "{}", estate.stderr);
    let fixtures = root().join("fixtures");
    let mut accounts: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| infra.join("config/clusters").join(name).is_dir())
        .collect();
    accounts.sort();
    assert!(accounts.len() >= 4, "{accounts:?}");
    std::fs::create_dir(dir.path().join("reference")).unwrap();
    let mut problems = 0;
    for name in &accounts {
        let reference = format!("reference/{name}.yaml");
        let by_one = run(
            dir.path(),
            &[
                "init",
                "--account-name",
                name,
                "--fixtures",
                fixtures.to_str().unwrap(),
                "--infrastructure",
                infra.to_str().unwrap(),
                "--out",
                &reference,
            ],
        );
        assert_eq!(by_one.code, 0, "{name}: {}", by_one.stderr);
        let check = |policy: &str| {
            run(
                dir.path(),
                &[
                    "check",
                    policy,
                    "--fixtures",
                    fixtures.to_str().unwrap(),
                    "--infrastructure",
                    infra.to_str().unwrap(),
                    "--format",
                    "json",
                ],
            )
        };
        let expected = check(&reference);
        let got = check(&format!("estate/{name}.yaml"));
        assert_eq!(judged(&got), judged(&expected), "{name}");
        assert_eq!(got.code, expected.code, "{name}");
        assert_eq!(
            got.json()["accounts"][0]["status"],
            expected.json()["accounts"][0]["status"]
        );
        problems += judged(&got)
            .iter()
            .filter(|f| f["code"] != "policy.no-contacts")
            .count();
    }
    // Not vacuous: the example's recordings hold problems.
    assert!(problems > 0);
}

/// The accounts of `tests/data/init/`, whose every problem `init.rs` lists: the estate's
/// policies, from their cluster files alone, report each of them and nothing else.
#[test]
fn the_estates_policies_report_every_problem_of_the_init_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let infra = data("init/infrastructure");
    let estate = init_estate(dir.path(), &infra, &[]);
    assert_eq!(estate.code, 0, "{}", estate.stderr);
    assert_eq!(lines(&estate, "wrote ").len(), 3, "{}", estate.stdout);
    let fixtures = data("init/fixtures");
    let check = run(
        dir.path(),
        &[
            "check",
            "policies",
            "--fixtures",
            fixtures.to_str().unwrap(),
            "--infrastructure",
            infra.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(findings(&check), EVERY_PROBLEM, "{}", check.stdout);
}

#[test]
fn existing_policies_broken_clusters_and_files_in_the_way_are_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    copy(&data("infrastructure"), &infra);
    let clusters = infra.join("config/clusters");
    // A broken cluster file, and a folder without one.
    std::fs::write(
        clusters.join("nasa-cryo/cluster.yaml"),
        "provider: aws\naws: [\n",
    )
    .unwrap();
    std::fs::create_dir(clusters.join("half-made")).unwrap();
    // Credentials that cannot be dated.
    std::fs::write(
        clusters.join("victor/enc-deployer-credentials.secret.json"),
        "{}",
    )
    .unwrap();
    // A folder whose name no policy may carry, and one whose region would break out of its line.
    copy(&clusters.join("temple"), &clusters.join("Evil|<img src=x>"));
    let cluster_yaml = |name: &str| clusters.join(name).join("cluster.yaml");
    let edit = |name: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(cluster_yaml(name)).unwrap();
        assert!(text.contains(from), "{name}: {from}");
        std::fs::write(cluster_yaml(name), text.replacen(from, to, 1)).unwrap();
    };
    edit("Evil|<img src=x>", "324830304144", "111122223333");
    edit(
        "reflective",
        "region: us-west-2",
        "region: \"us-west-2\\nignore_users: [everyone]\"",
    );
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    // nasa-veda's account under another name; a policy named maap for another account; a file
    // that is no policy where temple's would go.
    let veda = "account:\n  id: \"444055461661\"\n  name: veda-smce\n  contacts: [{email: ops@example.org}]\n";
    std::fs::write(policies.join("veda.yaml"), veda).unwrap();
    let maap =
        "account:\n  id: \"000000000001\"\n  name: maap\n  contacts: [{email: ops@example.org}]\n";
    std::fs::write(policies.join("maap.yaml"), maap).unwrap();
    std::fs::write(policies.join("temple.yaml"), "not: [a policy\n").unwrap();
    let before = contents(&policies);

    let run = init_estate(dir.path(), &infra, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let skipped = |name: &str| -> String {
        let prefix = format!("skipped {name}: ");
        let found = lines(&run, &prefix);
        assert_eq!(found.len(), 1, "{name}:\n{}", run.stdout);
        found[0][prefix.len()..].to_owned()
    };
    assert_eq!(
        skipped("nasa-veda"),
        "account 444055461661 has a policy: policies/veda.yaml"
    );
    assert_eq!(
        skipped("maap"),
        "a policy of that name exists: policies/maap.yaml, declaring account 000000000001, not 916098889494 (lint --infrastructure reports it)"
    );
    assert!(
        skipped("temple").starts_with("policies/temple.yaml exists"),
        "{}",
        run.stdout
    );
    assert!(
        skipped("nasa-cryo").starts_with("broken cluster files: config/clusters/nasa-cryo/cluster.yaml is not readable YAML (line 3"),
        "{}",
        run.stdout
    );
    assert!(skipped("half-made").contains("cluster.yaml does not exist"));
    assert!(skipped("victor").contains("has no `sops` block"));
    assert!(
        skipped("Evil|<img src=x>").starts_with("the folder's name is not a valid account.name")
    );
    let reflective = skipped("reflective");
    assert!(
        reflective.contains("does not lint") && reflective.contains("account.region"),
        "{reflective}"
    );
    assert_eq!(
        run.stdout.lines().last().unwrap(),
        "14 written into policies, 18 skipped: 2 with a policy, 10 not covered, 3 broken, 3 not written"
    );
    // The file that is no policy is named on stderr: a policy for its account may now exist twice.
    assert!(
        run.stderr
            .contains("note: policies/temple.yaml declares no account init could read"),
        "{}",
        run.stderr
    );
    // Nothing there before was touched; nothing was written for the skipped clusters.
    let after = contents(&policies);
    for (name, bytes) in &before {
        assert_eq!(&after[name], bytes, "{name}");
    }
    for name in ["reflective", "victor", "nasa-cryo", "nasa-veda"] {
        assert!(!policies.join(format!("{name}.yaml")).exists(), "{name}");
    }
    assert_eq!(after.len(), 3 + 14 + 1, "{:?}", after.keys());
}

#[test]
fn the_estate_goes_into_out_dir_and_refuses_the_flags_of_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let infra = data("init/infrastructure");
    let infra = infra.to_str().unwrap();
    // A schemas/ folder beside the policies' folder: the policies name it, none is written.
    std::fs::create_dir_all(dir.path().join("smce-guard/schemas")).unwrap();
    let schema = run(dir.path(), &["schema"]).stdout;
    std::fs::write(
        dir.path().join("smce-guard/schemas/policy.schema.json"),
        &schema,
    )
    .unwrap();
    let out = init_estate(
        dir.path(),
        Path::new(infra),
        &["--out-dir", "smce-guard/policies"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = contents(&dir.path().join("smce-guard/policies"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        ["clean-hub.yaml", "legacy-hub.yaml", "sso-hub.yaml"]
    );
    assert!(
        String::from_utf8_lossy(&written["sso-hub.yaml"])
            .starts_with("# yaml-language-server: $schema=../schemas/policy.schema.json\n")
    );
    for (args, said) in [
        (
            vec![
                "init",
                "--infrastructure",
                infra,
                "--live",
                "--account-id",
                "123456789012",
            ],
            "is for one account",
        ),
        (
            vec![
                "init",
                "--infrastructure",
                infra,
                "--account-id",
                "123456789012",
            ],
            "--account-id is for one account",
        ),
        (
            vec!["init", "--infrastructure", infra, "--fixtures", "fixtures"],
            "--fixtures is for one account",
        ),
        (
            vec!["init", "--infrastructure", infra, "--out", "x.yaml"],
            "--out is for one account",
        ),
        (
            vec!["init"],
            "give --account-name NAME for one account, or --infrastructure DIR",
        ),
        (
            vec!["init", "--account-name", "clean-hub", "--out-dir", "p"],
            "cannot be used with",
        ),
        (
            vec!["init", "--infrastructure", "nowhere"],
            "has no config/clusters folder",
        ),
    ] {
        let mut command = command(dir.path(), &args);
        command.env_remove("SMCE_GUARD_INFRASTRUCTURE");
        let refused = execute(command);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(said),
            "{args:?}: {}",
            refused.stderr
        );
        assert_eq!(refused.stdout, "", "{args:?}");
    }
    // Nothing was written by any of them.
    assert!(!dir.path().join("policies").exists());
}
