//! `--infrastructure DIR`: the repository's policies against the real cluster files of
//! 2i2c-org/infrastructure (`tests/data/infrastructure/`, copied unchanged with their sops files),
//! and hand-broken copies of them.

use crate::common::{RECORDED_AT, command, data, execute, findings, root, smce_guard};
use serde_json::Value;
use std::path::Path;

/// The repository's legacy example: its account is invented, so the real checkout has no cluster
/// for it (`the_repository_policies_agree_with_the_real_cluster_files`).
const LEGACY: &str = "legacy-members.yaml";

/// A scratch copy of the real infrastructure checkout and of the four SMCE policies of
/// `policies/` (not the legacy example, which no cluster file describes).
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy(&data("infrastructure"), &dir.path().join("infra"));
        copy(&root().join("policies"), &dir.path().join("policies"));
        std::fs::remove_file(dir.path().join("policies").join(LEGACY)).unwrap();
        Scratch { dir }
    }

    fn path(&self, relative: &str) -> std::path::PathBuf {
        self.dir.path().join(relative)
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.path(relative);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).unwrap();
    }

    /// `smce-guard <command> policies --infrastructure infra <extra> --format json`, in the scratch
    /// folder, with the repository's fixtures.
    fn run(&self, subcommand: &str, extra: &[&str]) -> crate::common::Run {
        let fixtures = root().join("fixtures");
        let mut args = vec![subcommand, "policies", "--infrastructure", "infra"];
        if subcommand == "check" {
            args.extend(["--fixtures", fixtures.to_str().unwrap()]);
        }
        args.extend(extra);
        execute(command(self.dir.path(), args))
    }
}

pub(crate) fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Each lint diagnostic as `code file:line message`.
fn diagnostics(run: &crate::common::Run) -> Vec<String> {
    run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap_or("-"),
                d["line"],
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

const VEDA: &str = "infra/config/clusters/nasa-veda/cluster.yaml";

#[test]
fn the_repository_policies_agree_with_the_real_cluster_files() {
    // The four SMCE policies agree with their cluster files; the legacy example, an invented
    // account, has none, and is the one diagnostic.
    let run = smce_guard([
        "lint",
        "policies",
        "--infrastructure",
        "tests/data/infrastructure",
        "--format",
        "json",
    ]);
    assert_eq!(
        diagnostics(&run),
        [
            "infrastructure.missing policies/legacy-members.yaml:8 no cluster file for this account: config/clusters/legacy-members/cluster.yaml does not exist in tests/data/infrastructure"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
    let mut args = [
        "lint",
        "--infrastructure",
        "tests/data/infrastructure",
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec();
    args.extend(
        ["disasters", "maap", "nasa-ghg-hub", "nasa-veda"].map(|n| format!("policies/{n}.yaml")),
    );
    let run = smce_guard(&args);
    assert_eq!(diagnostics(&run), Vec::<String>::new(), "{}", run.stderr);
    assert_eq!(run.code, 0);
    // The same through the environment, as CI would set it once.
    let mut env = command(&root(), ["lint", "policies"]);
    env.env("SMCE_GUARD_INFRASTRUCTURE", data("nowhere"));
    let run = execute(env);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("infrastructure.missing"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_cluster_file_that_differs_is_caught_at_the_policy_line_naming_its_own() {
    let scratch = Scratch::new();
    scratch.edit(VEDA, "account: 444055461661", "account: 444055461662");
    scratch.edit(VEDA, "region: us-west-2", "region: us-east-1");
    scratch.edit(VEDA, "clusterName: nasa-veda", "clusterName: nasa-veda-2");
    let run = scratch.run("lint", &["--format", "json"]);
    let place = "(cluster file: config/clusters/nasa-veda/cluster.yaml:";
    assert_eq!(
        diagnostics(&run),
        [
            format!(
                "infrastructure.mismatch policies/nasa-veda.yaml:7 account id `444055461661` here, `444055461662` in the cluster file {place}8)"
            ),
            format!(
                "infrastructure.mismatch policies/nasa-veda.yaml:9 region `us-west-2` here, `us-east-1` in the cluster file {place}12)"
            ),
            format!(
                "infrastructure.mismatch policies/nasa-veda.yaml:15 EKS cluster `nasa-veda` here, `nasa-veda-2` in the cluster file {place}11)"
            ),
        ]
    );
    assert_eq!(run.code, 2);
    // SARIF names the cluster file's line as a related location, by its path from where the
    // command ran (the repository a report is uploaded from, as the policy's own location is),
    // and stays valid SARIF.
    let sarif = scratch.run("lint", &["--format", "sarif"]);
    let sarif = crate::formats::assert_valid_sarif(&sarif.stdout);
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "infra/config/clusters/nasa-veda/cluster.yaml"
    );
    assert!(scratch.path(VEDA).is_file());
    assert_eq!(
        related["physicalLocation"]["artifactLocation"].get("uriBaseId"),
        None
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 8);
    assert_eq!(related["message"]["text"], "aws.account: 444055461662");
    // `check` refuses the contradiction as invalid input (exit 2), and still judges the account.
    let check = scratch.run("check", &["--format", "json", "--account", "nasa-veda"]);
    assert_eq!(check.code, 2);
    assert!(
        findings(&check)
            .contains(&"nasa-veda error key.expired hub-continuous-deployer".to_owned())
    );
}

#[test]
fn a_policy_that_differs_is_caught_too_and_cluster_config_names_another_file() {
    let scratch = Scratch::new();
    scratch.edit(
        "policies/nasa-ghg-hub.yaml",
        "cluster: nasa-ghg-hub",
        "cluster: ghg",
    );
    // nasa-veda's file moved, the policy says where; it is the pre-2025 shape, whose top-level
    // `account: smce-veda` is the sign-in alias, not an id: nothing to compare the id with.
    std::fs::create_dir_all(scratch.path("infra/elsewhere")).unwrap();
    let history = root()
        .join("../shared/real-aws/2i2c-infrastructure/history/nasa-veda-cluster-2025-05-27.yaml");
    let old = std::fs::read_to_string(history).unwrap_or_else(|_| {
        std::fs::read_to_string(scratch.path(VEDA))
            .unwrap()
            .replace(
                "aws:\n  account: 444055461661\n",
                "account: smce-veda\naws:\n",
            )
    });
    scratch.write("infra/elsewhere/veda.yaml", &old);
    std::fs::remove_file(scratch.path(VEDA)).unwrap();
    std::fs::rename(
        scratch.path("infra/config/clusters/nasa-veda/enc-deployer-credentials.secret.json"),
        scratch.path("infra/elsewhere/enc-deployer-credentials.secret.json"),
    )
    .unwrap();
    scratch.edit(
        "policies/nasa-veda.yaml",
        "  region: us-west-2\n",
        "  region: us-west-2\n  cluster_config: elsewhere/veda.yaml\n",
    );
    let run = scratch.run("lint", &["--format", "json"]);
    assert_eq!(
        diagnostics(&run),
        [
            "infrastructure.mismatch policies/nasa-ghg-hub.yaml:15 EKS cluster `ghg` here, `nasa-ghg-hub` in the cluster file (cluster file: config/clusters/nasa-ghg-hub/cluster.yaml:11)"
        ]
    );
    // A top-level id written as a string is compared.
    scratch.edit(
        "infra/elsewhere/veda.yaml",
        "account: smce-veda",
        "account: \"444055461699\"",
    );
    let run = scratch.run("lint", &["--format", "json"]);
    assert!(diagnostics(&run)[1].starts_with("infrastructure.mismatch policies/nasa-veda.yaml:7 account id `444055461661` here, `444055461699`"), "{:?}", diagnostics(&run));
    // A path out of DIR is refused by the schema.
    scratch.edit(
        "policies/nasa-veda.yaml",
        "elsewhere/veda.yaml",
        "../veda.yaml",
    );
    let run = scratch.run("lint", &["--format", "json"]);
    assert!(
        diagnostics(&run)
            .iter()
            .any(|d| d.starts_with("policy.invalid-value policies/nasa-veda.yaml:10")),
        "{:?}",
        diagnostics(&run)
    );
}

#[test]
fn a_missing_cluster_file_another_cloud_and_undatable_credentials_are_missing() {
    let scratch = Scratch::new();
    std::fs::remove_dir_all(scratch.path("infra/config/clusters/maap")).unwrap();
    scratch.edit(
        "infra/config/clusters/disasters/cluster.yaml",
        "provider: aws",
        "provider: gcp",
    );
    let veda = "infra/config/clusters/nasa-veda/enc-deployer-credentials.secret.json";
    scratch.write(
        veda,
        r#"{"AccessKey": {"UserName": "ENC[AES256_GCM,data:x]"}}"#,
    );
    let ghg = "infra/config/clusters/nasa-ghg-hub/enc-deployer-credentials.secret.json";
    let text = std::fs::read_to_string(scratch.path(ghg)).unwrap();
    let at = text.find("\"lastmodified\": \"").unwrap() + "\"lastmodified\": \"".len();
    scratch.write(
        ghg,
        &format!("{}last tuesday{}", &text[..at], &text[at + 20..]),
    );
    let run = scratch.run("lint", &["--format", "json"]);
    let found = diagnostics(&run);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found[0].starts_with("infrastructure.missing policies/disasters.yaml:7 config/clusters/disasters/cluster.yaml says `provider: gcp`"), "{found:?}");
    assert!(
        found[1].starts_with(
            "infrastructure.missing policies/maap.yaml:7 no cluster file for this account: "
        ) && found[1].ends_with("does not exist in infra"),
        "{found:?}"
    );
    assert!(found[2].contains("nasa-ghg-hub/enc-deployer-credentials.secret.json: `sops.lastmodified` is `last tuesday`, not an RFC 3339 instant"), "{found:?}");
    assert!(
        found[3].contains("nasa-veda/enc-deployer-credentials.secret.json has no `sops` block"),
        "{found:?}"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn credentials_older_than_the_keys_are_stale_and_a_yaml_sops_file_is_read_too() {
    let scratch = Scratch::new();
    // disasters holds two active keys (2026-03-09T13:19, the one in git, and 2026-11-14): its
    // real credentials, re-encrypted between them (13:26), are a rotation not re-encrypted
    // (warning).
    // nasa-ghg-hub's credentials as a YAML sops file, re-encrypted after its key.
    scratch.edit(
        "infra/config/clusters/nasa-ghg-hub/cluster.yaml",
        "key: enc-deployer-credentials.secret.json",
        "key: enc-deployer-credentials.secret.yaml",
    );
    scratch.write(
        "infra/config/clusters/nasa-ghg-hub/enc-deployer-credentials.secret.yaml",
        "AccessKey:\n  AccessKeyId: ENC[AES256_GCM,data:x,type:str]\nsops:\n  lastmodified: \"2026-11-19T00:00:00Z\"\n  version: 3.11.0\n",
    );
    let run = scratch.run("check", &["--format", "json"]);
    let stale: Vec<String> = findings(&run)
        .into_iter()
        .filter(|f| f.contains("credentials-stale"))
        .collect();
    // nasa-veda's key was created minutes before its credentials were re-encrypted (git holds it).
    assert_eq!(
        stale,
        [
            "disasters warning deployer.credentials-stale hub-continuous-deployer",
            "maap error deployer.credentials-stale hub-continuous-deployer",
        ]
    );
    let finding = &run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "deployer.credentials-stale" && f["account_name"] == "maap")
        .cloned()
        .unwrap();
    // At `deployer:`, since the policy writes no `deployer.user`.
    assert_eq!(finding["line"], 12);
    assert_eq!(finding["details"]["lastmodified"], "2026-03-09T13:13:22Z");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("before every active key")
    );
    assert_eq!(run.json()["now"], Value::from(RECORDED_AT));
    // JUnit lists the check as performed where credentials were dated.
    let junit = scratch.run("check", &["--format", "junit", "--account", "nasa-ghg-hub"]);
    assert!(
        junit.stdout.contains("deployer.credentials-stale"),
        "{}",
        junit.stdout
    );
}

/// The repository's example against the real cluster files, unchanged: no rotation is committed
/// after 2026-03-09, so git predates the key of every account whose deployer was rotated since
/// (nasa-ghg-hub and maap, whose new keys are in use: CI may hold a newer copy), and a rotation
/// half done (disasters: git holds the older of its two keys). nasa-veda's key is the one git
/// holds, never rotated: not stale, but expired. The legacy example has no cluster file.
#[test]
fn the_example_shows_the_credentials_git_predates() {
    let run = smce_guard([
        "check",
        "--infrastructure",
        "tests/data/infrastructure",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.code, 2,
        "infrastructure.missing is invalid input: {}",
        run.stdout
    );
    let json = run.json();
    let listed: Vec<String> = (json["findings"].as_array().unwrap().iter())
        .filter(|f| {
            let code = f["code"].as_str().unwrap();
            code.starts_with("infrastructure.") || code == "deployer.credentials-stale"
        })
        .map(|f| {
            let lastmodified = crate::common::text(&f["details"]["lastmodified"]);
            let used = crate::common::text(&f["details"]["used_since"]);
            format!(
                "{} {} {} {lastmodified} {used}",
                crate::common::text(&f["file"]),
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            "policies/legacy-members.yaml error infrastructure.missing - -",
            "policies/disasters.yaml warning deployer.credentials-stale 2026-03-09T13:26:34Z -",
            "policies/maap.yaml error deployer.credentials-stale 2026-03-09T13:13:22Z AKIAEXAMPLEJFU3DIYZH",
            "policies/nasa-ghg-hub.yaml error deployer.credentials-stale 2026-03-09T13:27:56Z AKIAEXAMPLEFHJPNN7FG",
        ]
    );
    assert!(
        findings(&run).contains(&"nasa-veda error key.expired hub-continuous-deployer".to_owned())
    );
}

/// A cluster file outside the directory the command runs in is named relative to the
/// infrastructure directory, whose absolute `file:` URI the run gives as `INFRASTRUCTURE`; the
/// two resolve to the file, and the document is valid SARIF.
#[test]
fn sarif_names_a_cluster_file_outside_the_repository_by_its_own_base() {
    let scratch = Scratch::new();
    scratch.edit(VEDA, "region: us-west-2", "region: us-east-1");
    let elsewhere = tempfile::tempdir().unwrap();
    let infra = scratch.path("infra");
    let policies = scratch.path("policies");
    let args = [
        "lint",
        policies.to_str().unwrap(),
        "--infrastructure",
        infra.to_str().unwrap(),
        "--format",
        "sarif",
    ];
    let run = execute(command(elsewhere.path(), args));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let sarif = crate::formats::assert_valid_sarif(&run.stdout);
    let location = &sarif["runs"][0]["results"][0]["relatedLocations"][0]["physicalLocation"];
    let artifact = &location["artifactLocation"];
    assert_eq!(artifact["uri"], "config/clusters/nasa-veda/cluster.yaml");
    assert_eq!(artifact["uriBaseId"], "INFRASTRUCTURE");
    let base = sarif["runs"][0]["originalUriBaseIds"]["INFRASTRUCTURE"]["uri"]
        .as_str()
        .expect("the base is given");
    let directory = base.strip_prefix("file://").expect("a file URI");
    assert!(directory.ends_with('/'), "{base}");
    let resolved = Path::new(directory).join(artifact["uri"].as_str().unwrap());
    assert_eq!(
        std::fs::canonicalize(resolved).unwrap(),
        std::fs::canonicalize(scratch.path(VEDA)).unwrap()
    );
}

/// A cluster file the policies' parser refuses is reported as a cluster file, never as a policy.
#[test]
fn a_broken_cluster_file_is_called_a_cluster_file() {
    let scratch = Scratch::new();
    let text = std::fs::read_to_string(scratch.path(VEDA)).unwrap();
    for (broken, said) in [
        (
            format!("{text}x: &a 1\ny: *a\n"),
            "YAML anchors and aliases are not allowed in cluster files",
        ),
        (
            format!("{text}---\nprovider: aws\n"),
            "a cluster file holds exactly one YAML document",
        ),
    ] {
        scratch.write(VEDA, &broken);
        let run = scratch.run("lint", &["--format", "json"]);
        let missing: Vec<String> = diagnostics(&run)
            .into_iter()
            .filter(|d| d.starts_with("infrastructure.missing policies/nasa-veda.yaml"))
            .collect();
        assert_eq!(missing.len(), 1, "{}", run.stdout);
        // `code file:line message`: the message never speaks of a policy.
        let message = missing[0].splitn(3, ' ').nth(2).unwrap();
        assert!(message.ends_with(said), "{message}");
        assert!(!message.contains("polic"), "{message}");
    }
}

/// `deployer.credentials-stale` says what is known. `sops-in-use` and `sops-unused` (in
/// `tests/data/accounts/`) both have credentials re-encrypted on 2026-09-01 and one active key
/// created on 2026-10-15; the first's key was used this morning, the second's never. The file in
/// git cannot hold either key, which is certain; that deploys fail is certain only for the key
/// nobody uses: a key in use means CI (or something) holds newer credentials than git. The help
/// speaks of one key where there is one.
#[test]
fn stale_credentials_say_what_the_key_use_shows() {
    let run = execute(command(
        &data("accounts"),
        [
            "check",
            "--infrastructure",
            "infrastructure",
            "--account",
            "sops-in-use",
            "--account",
            "sops-unused",
            "--format",
            "json",
        ],
    ));
    let stale: Vec<Value> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "deployer.credentials-stale")
        .cloned()
        .collect();
    let said = |f: &Value| {
        (
            f["severity"].clone(),
            f["message"].clone(),
            f["help"].clone(),
        )
    };
    assert_eq!(
        stale.iter().map(said).collect::<Vec<_>>(),
        [
            (
                "error".into(),
                "config/clusters/sops-in-use/enc-deployer-credentials.secret.json was re-encrypted at 2026-09-01T00:00:00Z, before every active key was created, so it holds a key the account no longer has; yet AKIAEXAMPLESOPSUSED1 was used at 2026-11-20T06:00:00Z, after that: something holds newer credentials than git, so CI may hold a newer copy, and deploys that decrypt the copy in git fail with UnrecognizedClientException (keys: AKIAEXAMPLESOPSUSED1 (created 2026-10-15T09:00:00Z, last used 2026-11-20T06:00:00Z))".into(),
                "check which key CI holds (`sops -d config/clusters/sops-in-use/enc-deployer-credentials.secret.json | smce-guard verify-key --account sops-in-use`): if it is AKIAEXAMPLESOPSUSED1, commit the copy CI holds so git has it too; otherwise re-encrypt the active key's credentials with sops (`terraform output -raw continuous_deployer_creds`), commit and deploy".into(),
            ),
            (
                "error".into(),
                "config/clusters/sops-unused/enc-deployer-credentials.secret.json was re-encrypted at 2026-09-01T00:00:00Z, before every active key was created: CI holds a key the account no longer has, and deploys fail with UnrecognizedClientException (keys: AKIAEXAMPLESOPSIDLE1 (created 2026-10-15T09:00:00Z, never used))".into(),
                "re-encrypt the active key's credentials with sops (`terraform output -raw continuous_deployer_creds`), commit and deploy".into(),
            ),
        ]
    );
    assert_eq!(stale[0]["details"]["used_since"], "AKIAEXAMPLESOPSUSED1");
    assert_eq!(stale[1]["details"]["used_since"], Value::Null);
    // Neither help speaks of an older key where there is only one.
    for finding in &stale {
        assert!(
            !finding["help"].as_str().unwrap().contains("older"),
            "{finding}"
        );
    }

    // `sops-rotated`: credentials re-encrypted between two keys, the newer in use since (a
    // warning). Where there are two keys, the help ends by deleting the older one.
    let run = execute(command(
        &data("accounts"),
        [
            "check",
            "--infrastructure",
            "infrastructure",
            "--account",
            "sops-rotated",
            "--format",
            "json",
        ],
    ));
    let finding = crate::common::only(&run, "deployer.credentials-stale");
    assert_eq!(finding["severity"], "warning");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("before the newer active key was created, so it holds the older one; yet AKIAEXAMPLESOPSNEW01 was used at 2026-11-20T06:00:00Z, after that: CI may hold a newer copy than git"),
        "{message}"
    );
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .ends_with("re-encrypt the credentials of AKIAEXAMPLESOPSNEW01 with sops (`terraform output -raw continuous_deployer_creds`), commit and deploy, then delete the older key"),
        "{finding}"
    );
}
