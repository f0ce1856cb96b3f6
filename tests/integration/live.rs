//! The live path end to end: `check --live`, `snapshot`, `accounts` and `expiries --live` against a
//! private `moto_server` per test (see [`crate::moto`]), seeded by `tests/live/seed.py` from the
//! accounts of [`crate::moto::scenario`].
//!
//! moto stamps every credential with the time it was seeded, so the clock of each run is `--now`
//! relative to the moment seeding finished: one day later nothing has aged, 50 days later every
//! key and password is within the default 15-day warning window, 61 days later all have expired.
//! Findings are compared as `account severity code principal` strings, in the report's order, so
//! a test fails on any extra or missing finding.
//!
//! Every run reaches moto through the harness's proxy, which records operations, can deny one
//! account, and adds the managed policies' `PolicyName` that moto 5.2.1 leaves out of
//! GetAccountAuthorizationDetails (AWS always sends it; without it the live reader fails, see
//! `managed_policy_without_a_policy_name_is_read`).

mod access;
mod inventory;
mod password_policy;
mod secrets;
mod sso;

use crate::common::{
    Run, assert_run, finding_codes, findings, only, request_counts, statuses, text,
};
use crate::moto::scenario::{
    ADMINS, DEPLOYER, DISABLED, RESTRICTED, clean, document, saml_provider, seeded_user, sso_role,
    users,
};
use crate::moto::{Moto, free_port, smce_guard_aws, smce_guard_env};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROLE: &str = "smce-guard-reader";
/// moto's account for its default `testing` credentials.
const MOTO_ACCOUNT: &str = "123456789012";

// ---------------------------------------------------------------------------------------------
// Seeded state: the one builder's accounts (crate::moto::scenario)
// ---------------------------------------------------------------------------------------------

/// The policy of an account with `members` and the deployer on cluster `name`.
fn policy(id: &str, name: &str, members: &[&str]) -> String {
    let mut text = format!(
        "account:\n  id: \"{id}\"\n  name: {name}\n  contacts: [{{email: ops@example.org}}]\nmembers:\n"
    );
    if members.is_empty() {
        text = text.replace("members:\n", "members: []\n");
    }
    for m in members {
        text.push_str(&format!("  - user: {m}\n"));
    }
    text.push_str(&format!(
        // moto does not track last use, so every key reads as never used: a grace longer than
        // any test's horizon keeps `deployer.key-unused` out of cases about other rules.
        "deployer:\n  user: {DEPLOYER}\n  cluster: {name}\n  rotation_grace_days: 60\n"
    ));
    text
}

// ---------------------------------------------------------------------------------------------
// Running and reading results
// ---------------------------------------------------------------------------------------------

/// A scratch directory holding `policies/`, where the binary runs.
struct Workspace(tempfile::TempDir);

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("policies")).unwrap();
        Workspace(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn policy(&self, name: &str, text: &str) -> &Self {
        std::fs::write(self.path().join(format!("policies/{name}.yaml")), text).unwrap();
        self
    }
}

/// An RFC 3339 instant `days` after now, to the second.
fn days_from_now(days: i64) -> String {
    let now = jiff::Timestamp::now().as_second();
    jiff::Timestamp::from_second(now + days * 86_400)
        .unwrap()
        .to_string()
}

/// `check --live --role-name ROLE --format json` plus `extra`.
fn check_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--live", "--role-name", ROLE, "--format", "json"];
    args.extend_from_slice(extra);
    args
}

/// Asserts the exit code and the exact findings of a JSON run.
#[track_caller]
fn expect(run: &Run, code: i32, expected: &[&str]) {
    assert_run(run, code, findings(run), expected);
}

/// Every file below `dir`: relative path → bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

fn ids(seeded: &Value, user: &str) -> Vec<String> {
    seeded["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["user"] == user)
        .map(|k| text(&k["id"]))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// One account, and every drift rule through the live path
// ---------------------------------------------------------------------------------------------

#[test]
fn clean_account_has_no_findings() {
    let moto = Moto::start();
    let mut noisy = clean("200000000002", "noisy");
    seeded_user(&mut noisy, "alice")["mfa"] = json!(false);
    moto.seed(&json!({"accounts": [clean("200000000001", "clean"), noisy]}));
    let ws = Workspace::new();
    ws.policy("clean", &policy("200000000001", "clean", &["alice"]))
        .policy("noisy", &policy("200000000002", "noisy", &["alice"]));
    let run = moto.smce_guard(ws.path(), check_args(&["--account", "clean", "-v"]));
    expect(&run, 0, &[]);
    assert_eq!(statuses(&run), ["clean ok"]);
    assert_eq!(
        run.json()["summary"],
        json!({"errors": 0, "warnings": 0, "waived": 0})
    );
    // Only the chosen account was read: AssumeRole, GAAD, two GenerateCredentialReport (moto says
    // STARTED first), GetCredentialReport, ListAccountAliases, GetAccountPasswordPolicy,
    // ListAccessKeys for the deployer.
    assert_eq!(request_counts(&run), [("clean".to_owned(), 8)]);
}

#[test]
fn member_and_user_rules_live() {
    let moto = Moto::start();
    let ws = Workspace::new();
    let mut accounts = Vec::new();
    let mut add = |id: &str, name: &str, members: &[&str], change: &dyn Fn(&mut Value)| {
        let mut seeded = clean(id, name);
        change(&mut seeded);
        accounts.push(seeded);
        ws.policy(name, &policy(id, name, members));
    };
    add("210000000001", "member-missing", &["alice", "bob"], &|_| {});
    add("210000000002", "member-not-admin", &["alice"], &|a| {
        seeded_user(a, "alice")["groups"] = json!([RESTRICTED]);
    });
    add("210000000003", "member-mfa-missing", &["alice"], &|a| {
        seeded_user(a, "alice")["mfa"] = json!(false);
    });
    add("210000000004", "member-disabled", &["alice"], &|a| {
        seeded_user(a, "alice")["groups"] = json!([ADMINS, RESTRICTED, DISABLED]);
    });
    add("210000000005", "user-unmanaged", &["alice"], &|a| {
        users(a).push(json!({"name": "mallory", "keys": ["Active"]}));
    });
    moto.seed(&json!({ "accounts": accounts }));
    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(1)]));
    expect(
        &run,
        1,
        &[
            "member-disabled error member.disabled alice",
            "member-mfa-missing error member.mfa-missing alice",
            "member-missing error member.missing bob",
            "member-not-admin error member.not-admin alice",
            "user-unmanaged error user.unmanaged mallory",
        ],
    );
    assert_eq!(
        only(&run, "member.not-admin")["details"]["groups"],
        json!([RESTRICTED])
    );
    assert_eq!(
        only(&run, "user.unmanaged")["details"]["arn"],
        "arn:aws:iam::210000000005:user/mallory"
    );
    assert!(statuses(&run).iter().all(|s| s.ends_with(" drift")));
}

#[test]
fn deployer_rules_live() {
    let moto = Moto::start();
    let ws = Workspace::new();
    let mut accounts = Vec::new();
    let mut add = |id: &str, name: &str, change: &dyn Fn(&mut Value)| {
        let mut seeded = clean(id, name);
        change(&mut seeded);
        accounts.push(seeded);
        ws.policy(name, &policy(id, name, &["alice"]));
    };
    add("220000000001", "deployer-missing", &|a| {
        users(a).retain(|u| u["name"] != DEPLOYER);
    });
    add("220000000002", "deployer-restricted", &|a| {
        seeded_user(a, DEPLOYER)["groups"] = json!([RESTRICTED]);
    });
    add("220000000003", "deployer-disabled", &|a| {
        seeded_user(a, DEPLOYER)["groups"] = json!([DISABLED]);
    });
    add("220000000004", "deployer-console", &|a| {
        seeded_user(a, DEPLOYER)["password"] = json!(true);
    });
    add("220000000005", "deployer-excess", &|a| {
        a["managed_policies"].as_array_mut().unwrap().push(json!({
            "name": "legacy-eks-wildcard",
            "document": document(json!([{"Effect": "Allow", "Action": "eks:*", "Resource": "*"}])),
        }));
        seeded_user(a, DEPLOYER)["attached"] = json!(["legacy-eks-wildcard"]);
    });
    add("220000000006", "deployer-no-permission", &|a| {
        seeded_user(a, DEPLOYER)["inline"] = json!([]);
    });
    add("220000000007", "deployer-two-keys", &|a| {
        seeded_user(a, DEPLOYER)["keys"] = json!(["Active", "Active"]);
    });
    add("220000000008", "deployer-no-key", &|a| {
        seeded_user(a, DEPLOYER)["keys"] = json!([]);
    });
    // An inactive old key beside the active one never counts.
    add("220000000009", "deployer-rotated", &|a| {
        seeded_user(a, DEPLOYER)["keys"] = json!(["Inactive", "Active"]);
    });
    moto.seed(&json!({ "accounts": accounts }));
    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(1)]));
    expect(
        &run,
        1,
        &[
            "deployer-console error deployer.console-access hub-continuous-deployer",
            "deployer-disabled error deployer.disabled hub-continuous-deployer",
            "deployer-excess error deployer.excess-permission hub-continuous-deployer",
            "deployer-missing error deployer.missing hub-continuous-deployer",
            "deployer-no-key error deployer.key-count hub-continuous-deployer",
            "deployer-no-permission error deployer.missing-permission hub-continuous-deployer",
            "deployer-restricted error deployer.restricted hub-continuous-deployer",
            "deployer-two-keys warning deployer.key-count hub-continuous-deployer",
        ],
    );
    let excess = only(&run, "deployer.excess-permission");
    assert!(
        excess.to_string().contains("legacy-eks-wildcard"),
        "the finding names the policy: {excess:#}"
    );
    assert!(statuses(&run).contains(&"deployer-rotated ok".to_owned()));
}

#[test]
fn credential_expiry_rules_live() {
    let moto = Moto::start();
    let mut seeded = clean("240000000001", "creds");
    seeded_user(&mut seeded, DEPLOYER)["keys"] = json!(["Inactive", "Active"]);
    let out = moto.seed(&json!({ "accounts": [seeded] }));
    let ws = Workspace::new();
    ws.policy("creds", &policy("240000000001", "creds", &["alice"]));
    let active_key = ids(&out, DEPLOYER)[1].clone();

    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(50)]));
    expect(
        &run,
        0,
        &[
            "creds warning key.expiring hub-continuous-deployer",
            "creds warning password.expiring alice",
            // moto records no last use: 50 days on, alice's password was never used.
            "creds warning password.unused alice",
        ],
    );
    let details = &only(&run, "key.expiring")["details"];
    assert_eq!(details["key_id"], active_key.as_str());
    // Ten days minus the seconds seeding took, rounded either way.
    assert!(
        matches!(details["days_left"].as_i64(), Some(9 | 10)),
        "{details:#}"
    );

    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(61)]));
    expect(
        &run,
        1,
        &[
            // 61 days on, past the 60-day grace: the only key, never used (moto records no last
            // use), means CI holds some other key.
            "creds warning deployer.key-unused hub-continuous-deployer",
            "creds error key.expired hub-continuous-deployer",
            "creds error password.expired alice",
            "creds warning password.unused alice",
        ],
    );
    assert_eq!(
        only(&run, "key.expired")["details"]["key_id"],
        active_key.as_str()
    );

    // expiries --live lists the same two credentials (never the inactive key).
    let run = moto.smce_guard(
        ws.path(),
        [
            "expiries",
            "--live",
            "--role-name",
            ROLE,
            "--now",
            &days_from_now(50),
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // A set: both were created within the same second or so, and the list is sorted by expiry.
    let listed: BTreeSet<String> = run.json()["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                text(&c["user"]),
                text(&c["kind"]),
                text(&c["key_id"]),
                text(&c["status"])
            )
        })
        .collect();
    let expected = BTreeSet::from([
        format!("{DEPLOYER} access-key {active_key} expiring"),
        "alice password - expiring".to_owned(),
    ]);
    assert_eq!(listed, expected, "{}", run.stdout);
}

#[test]
fn account_mismatch_without_a_role() {
    // Plain `testing` credentials act in moto's 123456789012, not in the policy's account.
    let moto = Moto::start();
    let ws = Workspace::new();
    ws.policy(
        "elsewhere",
        &policy("111111111111", "elsewhere", &["alice"]),
    );
    let run = moto.smce_guard(ws.path(), ["check", "--live", "--format", "json", "-v"]);
    // The credentials reach the wrong account: a credential problem (unobserved, exit 3), not
    // drift; the code stays `account.mismatch`.
    expect(&run, 3, &["elsewhere error account.mismatch -"]);
    assert_eq!(statuses(&run), ["elsewhere unobserved"]);
    assert_eq!(
        only(&run, "account.mismatch")["details"]["observed_account_ids"],
        json!([MOTO_ACCOUNT])
    );
    // GetCallerIdentity told, and nothing else was read.
    assert_eq!(request_counts(&run), [("elsewhere".to_owned(), 1)]);

    // snapshot refuses to record another account's state under this name.
    let run = moto.smce_guard(ws.path(), ["snapshot", "--out", "out"]);
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "error: elsewhere: the credentials reach account 123456789012, not 111111111111; the previous recording is kept\n"
    );
    assert!(!ws.path().join("out/elsewhere").exists());
}

// ---------------------------------------------------------------------------------------------
// Several accounts, organizations, failures
// ---------------------------------------------------------------------------------------------

#[test]
fn several_accounts_in_one_run() {
    let moto = Moto::start();
    let mut two = clean("250000000002", "two");
    seeded_user(&mut two, "alice")["mfa"] = json!(false);
    let mut three = clean("250000000003", "three");
    users(&mut three).push(json!({"name": "mallory"}));
    seeded_user(&mut three, DEPLOYER)["keys"] = json!(["Active", "Active"]);
    moto.seed(&json!({"accounts": [clean("250000000001", "one"), two, three]}));
    let ws = Workspace::new();
    for (id, name) in [
        ("250000000001", "one"),
        ("250000000002", "two"),
        ("250000000003", "three"),
    ] {
        ws.policy(name, &policy(id, name, &["alice"]));
    }
    let run = moto.smce_guard(
        ws.path(),
        check_args(&["--now", &days_from_now(1), "--concurrency", "2", "-v"]),
    );
    expect(
        &run,
        1,
        &[
            "three warning deployer.key-count hub-continuous-deployer",
            "three error user.unmanaged mallory",
            "two error member.mfa-missing alice",
        ],
    );
    assert_eq!(statuses(&run), ["one ok", "three drift", "two drift"]);
    let ids: Vec<String> = run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| text(&a["id"]))
        .collect();
    assert_eq!(ids, ["250000000001", "250000000003", "250000000002"]);
    let counts = request_counts(&run);
    assert_eq!(
        counts.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["one", "three", "two"],
        "{}",
        run.stderr
    );
    assert!(counts.iter().all(|c| c.1 >= 7), "{counts:?}");
}

#[test]
fn accounts_against_an_organization() {
    let moto = Moto::start();
    let out = moto.seed(&json!({"organization": {"accounts": [
        {"name": "science", "status": "ACTIVE"},
        {"name": "retired", "status": "SUSPENDED"},
    ]}}));
    let org = &out["organization"];
    assert_eq!(org["management"], MOTO_ACCOUNT);
    let id_of = |name: &str| {
        org["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .map(|a| text(&a["id"]))
            .unwrap()
    };
    let (science, retired) = (id_of("science"), id_of("retired"));
    // moto 5.2.1: CloseAccount makes the account SUSPENDED at once.
    assert_eq!(org["accounts"][1]["status"], "SUSPENDED");
    let ws = Workspace::new();
    ws.policy("management", &policy(MOTO_ACCOUNT, "management", &[]))
        .policy("retired", &policy(&retired, "retired", &[]))
        .policy("foreign", &policy("999988887777", "foreign", &[]));
    let run = moto.smce_guard(ws.path(), ["accounts", "--format", "json"]);
    expect(
        &run,
        1,
        &[
            "science error account.uncovered -",
            "retired error account.suspended -",
            "foreign error account.not-in-organization -",
        ],
    );
    let accounts: Vec<String> = run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {} {}",
                text(&a["name"]),
                text(&a["id"]),
                text(&a["status"])
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            "foreign 999988887777 drift".to_owned(),
            format!("management {MOTO_ACCOUNT} ok"),
            format!("retired {retired} drift"),
            format!("science {science} drift"),
        ]
    );
    let uncovered = only(&run, "account.uncovered");
    assert_eq!(uncovered["account_id"], science.as_str());
    assert_eq!(uncovered["file"], Value::Null);
    // Both point at `account.id` (line 2), in policies whose text was let go after lint.
    for (code, file) in [
        ("account.suspended", "policies/retired.yaml"),
        ("account.not-in-organization", "policies/foreign.yaml"),
    ] {
        let finding = only(&run, code);
        assert_eq!(
            (&finding["file"], &finding["line"]),
            (&json!(file), &json!(2))
        );
    }
}

#[test]
fn unreachable_endpoint_is_unobserved_fast() {
    let ws = Workspace::new();
    ws.policy("far", &policy("260000000001", "far", &["alice"]));
    let scratch = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let started = Instant::now();
    let run = smce_guard_aws(
        ws.path(),
        &endpoint,
        scratch.path(),
        ["check", "--live", "--timeout", "2", "--format", "json"],
    );
    let took = started.elapsed();
    expect(&run, 3, &["far error account.unobserved -"]);
    assert_eq!(statuses(&run), ["far unobserved"]);
    let message = text(&only(&run, "account.unobserved")["message"]);
    assert!(
        message.starts_with(
            "account `far` could not be observed: sts:GetCallerIdentity failed: ConnectionFailed: "
        ) && message.ends_with(
            "(hint: the endpoint could not be reached; check the network and AWS_ENDPOINT_URL)"
        ),
        "{message}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // stderr is a pipe here, not a terminal: no progress bar, nothing at all.
    assert_eq!(run.stderr, "", "nothing extra on a non-terminal stderr");
}

#[test]
fn denied_account_is_unobserved_while_another_is_checked() {
    let moto = Moto::start();
    let mut open = clean("270000000001", "open");
    seeded_user(&mut open, "alice")["mfa"] = json!(false);
    moto.seed(&json!({"accounts": [open, clean("270000000002", "locked")]}));
    let ws = Workspace::new();
    ws.policy("open", &policy("270000000001", "open", &["alice"]))
        .policy("locked", &policy("270000000002", "locked", &["alice"]));
    let proxy = moto.proxy();
    proxy.deny("270000000002");
    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(1)]));
    expect(
        &run,
        3,
        &[
            "locked error account.unobserved -",
            "open error member.mfa-missing alice",
        ],
    );
    assert_eq!(statuses(&run), ["locked unobserved", "open drift"]);
    let unobserved = only(&run, "account.unobserved");
    assert_eq!(unobserved["account_id"], "270000000002");
    assert_eq!(
        text(&unobserved["message"]),
        "account `locked` could not be observed: iam:GetAccountAuthorizationDetails failed: AccessDenied: \
         User is not authorized to perform: iam:GetAccountAuthorizationDetails (denied by the test proxy) \
         (hint: grant the checker the read-only policy in iam/smce-guard-reader.json)"
    );
    // The denial is final: no retry of the denied request.
    let ops = proxy.take_operations();
    assert_eq!(
        ops.iter()
            .filter(|o| *o == "iam:GetAccountAuthorizationDetails")
            .count(),
        2,
        "{ops:?}"
    );

    // expiries --live, too, lists the readable account and names the other.
    let run = moto.smce_guard(
        ws.path(),
        [
            "expiries",
            "--live",
            "--role-name",
            ROLE,
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: account `locked` could not be read: iam:GetAccountAuthorizationDetails failed: AccessDenied: "
        ),
        "{}",
        run.stderr
    );
    let listed: BTreeSet<String> = run.json()["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", text(&c["account_name"]), text(&c["user"])))
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from(["open alice".to_owned(), format!("open {DEPLOYER}")])
    );
}

#[test]
fn report_wait_bounds_the_credential_report() {
    // moto answers the first GenerateCredentialReport of an account with STARTED.
    let moto = Moto::start();
    moto.seed(&json!({"accounts": [clean("350000000001", "slow")]}));
    let ws = Workspace::new();
    ws.policy("slow", &policy("350000000001", "slow", &["alice"]));
    let now = days_from_now(1);
    let run = moto.smce_guard(
        ws.path(),
        check_args(&["--report-wait", "0", "--now", &now]),
    );
    expect(&run, 3, &["slow error account.unobserved -"]);
    assert_eq!(
        only(&run, "account.unobserved")["message"],
        "account `slow` could not be observed: iam:GenerateCredentialReport: the credential report \
         was not ready within 0 s (last answer: GenerateCredentialReport state STARTED); try again \
         later or raise --report-wait"
    );
    // The report exists now: the same budget suffices.
    let run = moto.smce_guard(
        ws.path(),
        check_args(&["--report-wait", "0", "--now", &now]),
    );
    expect(&run, 0, &[]);
}

/// An AWS config file in `dir` with `[profile NAME]` holding `credentials` (seed.py's `sessions`).
fn config_file(dir: &Path, name: &str, credentials: &Value) -> String {
    let path = dir.join("aws-config");
    std::fs::write(
        &path,
        format!(
            "[profile {name}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            text(&credentials["AccessKeyId"]),
            text(&credentials["SecretAccessKey"]),
            text(&credentials["SessionToken"])
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// A clean account `veda` seeded in moto with a session, its policy, and an AWS config file whose
/// profile `veda` holds that session: the workspace and the config file's path.
fn profile_workspace(moto: &Moto, id: &str) -> (Workspace, String) {
    let seeded = moto.seed(&json!({
        "accounts": [clean(id, "veda")],
        "sessions": [id],
    }));
    let ws = Workspace::new();
    ws.policy("veda", &policy(id, "veda", &["alice"]));
    let config = config_file(ws.path(), "veda", &seeded["sessions"][id]);
    (ws, config)
}

#[test]
fn profile_selects_the_account() {
    let moto = Moto::start();
    let (ws, config) = profile_workspace(&moto, "360000000001");
    let env = [
        ("AWS_CONFIG_FILE", Some(config.as_str())),
        ("AWS_ACCESS_KEY_ID", None),
        ("AWS_SECRET_ACCESS_KEY", None),
    ];
    let now = days_from_now(1);
    let run = moto.smce_guard_env(
        ws.path(),
        &env,
        [
            "check",
            "--live",
            "--profile",
            "veda",
            "--now",
            &now,
            "--format",
            "json",
        ],
    );
    expect(&run, 0, &[]);
    // `account.profile` in the policy does the same without the flag.
    ws.policy(
        "veda",
        &policy("360000000001", "veda", &["alice"])
            .replace("  name: veda\n", "  name: veda\n  profile: veda\n"),
    );
    let run = moto.smce_guard_env(
        ws.path(),
        &env,
        ["check", "--live", "--now", &now, "--format", "json"],
    );
    expect(&run, 0, &[]);
}

#[test]
fn profile_wins_over_environment_credentials() {
    let moto = Moto::start();
    let (ws, config) = profile_workspace(&moto, "370000000001");
    // The harness exports moto's `testing` credentials (account 123456789012), as a shell may.
    let run = moto.smce_guard_env(
        ws.path(),
        &[("AWS_CONFIG_FILE", Some(config.as_str()))],
        [
            "check",
            "--live",
            "--profile",
            "veda",
            "--now",
            &days_from_now(1),
            "--format",
            "json",
        ],
    );
    // Today: exit 1, account.mismatch (observed 123456789012): the profile was never used.
    expect(&run, 0, &[]);
    // A profile that does not exist must fail, not fall back to other credentials, and say
    // which files were searched.
    moto.proxy().take_operations();
    let run = moto.smce_guard_env(
        ws.path(),
        &[("AWS_CONFIG_FILE", Some(config.as_str()))],
        [
            "check",
            "--live",
            "--profile",
            "no-such-profile",
            "--format",
            "json",
        ],
    );
    expect(&run, 3, &["veda error account.unobserved -"]);
    let message = text(&only(&run, "account.unobserved")["message"]);
    assert!(
        message.contains("the AWS profile `no-such-profile` is not defined: searched")
            && message.contains(config.as_str()),
        "{message}"
    );
    assert_eq!(moto.proxy().take_operations().len(), 0, "nothing was sent");
}

#[test]
fn missing_credentials_get_a_credentials_hint() {
    let ws = Workspace::new();
    ws.policy("bare", &policy("380000000001", "bare", &["alice"]));
    let scratch = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let run = smce_guard_env(
        ws.path(),
        &endpoint,
        scratch.path(),
        &[("AWS_ACCESS_KEY_ID", None), ("AWS_SECRET_ACCESS_KEY", None)],
        ["check", "--live", "--format", "json"],
    );
    expect(&run, 3, &["bare error account.unobserved -"]);
    let message = text(&only(&run, "account.unobserved")["message"]);
    // Today: "... DispatchFailure: ... no providers in chain provided credentials ... (hint: the
    // endpoint could not be reached; check the network and AWS_ENDPOINT_URL)".
    assert!(
        message.contains("(hint: no usable credentials"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// snapshot
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_then_offline_check_equals_live_check() {
    let moto = Moto::start();
    let mut alpha = clean("280000000001", "alpha");
    seeded_user(&mut alpha, "alice")["mfa"] = json!(false);
    users(&mut alpha).push(json!({"name": "mallory", "keys": ["Active"], "password": true}));
    seeded_user(&mut alpha, DEPLOYER)["inline"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "extra", "document": document(json!([
            {"Effect": "Allow", "Action": ["eks:ListClusters", "s3:GetObject"], "Resource": "*"},
        ]))}));
    moto.seed(&json!({"accounts": [alpha, clean("280000000002", "beta")]}));
    let ws = Workspace::new();
    ws.policy("alpha", &policy("280000000001", "alpha", &["alice"]))
        .policy("beta", &policy("280000000002", "beta", &["alice"]));
    let now = days_from_now(50);

    let live = moto.smce_guard(ws.path(), check_args(&["--now", &now]));
    assert_eq!(live.code, 1, "{}\n{}", live.stdout, live.stderr);
    let snapshot = moto.smce_guard(
        ws.path(),
        ["snapshot", "--role-name", ROLE, "--out", "snap"],
    );
    assert_eq!(snapshot.code, 0, "{}\n{}", snapshot.stdout, snapshot.stderr);
    let written: Vec<&str> = snapshot.stdout.lines().collect();
    assert_eq!(written.len(), 2, "{}", snapshot.stdout);
    assert!(
        written[0].starts_with("alpha: wrote snap/alpha ("),
        "{}",
        written[0]
    );
    assert!(
        written[1].starts_with("beta: wrote snap/beta ("),
        "{}",
        written[1]
    );
    let files: Vec<String> = tree(&ws.path().join("snap/alpha"))
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "access-keys.json",
            "authorization-details.json",
            "credential-report.csv",
            "password-policy.json",
            "snapshot.json"
        ]
    );
    let recorded: Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("snap/alpha/snapshot.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["account_id"], "280000000001");
    assert_eq!(
        recorded["source"],
        format!("smce-guard live read of {}", moto.proxy().url())
    );

    let offline = moto.smce_guard(
        ws.path(),
        [
            "check",
            "--fixtures",
            "snap",
            "--now",
            &now,
            // Recorded today and judged at a later `--now`: that gap is staleness, which is not
            // what parity is about.
            "--max-age",
            "36500",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        offline.code, live.code,
        "{}\n{}",
        offline.stdout, offline.stderr
    );
    assert_eq!(
        live.json(),
        offline.json(),
        "live:\n{}\noffline:\n{}",
        live.stdout,
        offline.stdout
    );
    // The findings cover every kind of detail: keys, passwords, permissions, members, users.
    expect(
        &live,
        1,
        &[
            "alpha error deployer.excess-permission hub-continuous-deployer",
            "alpha warning key.expiring hub-continuous-deployer",
            "alpha warning key.expiring mallory",
            // moto records no last use: 50 days on, these were never used.
            "alpha warning key.unused mallory",
            "alpha error member.mfa-missing alice",
            "alpha warning password.expiring alice",
            "alpha warning password.expiring mallory",
            "alpha warning password.unused alice",
            "alpha warning password.unused mallory",
            "alpha error user.unmanaged mallory",
            "beta warning key.expiring hub-continuous-deployer",
            "beta warning password.expiring alice",
            "beta warning password.unused alice",
        ],
    );

    // The same holds for the expiry list.
    let live = moto.smce_guard(
        ws.path(),
        [
            "expiries",
            "--live",
            "--role-name",
            ROLE,
            "--now",
            &now,
            "--format",
            "json",
        ],
    );
    let offline = moto.smce_guard(
        ws.path(),
        [
            "expiries",
            "--fixtures",
            "snap",
            "--now",
            &now,
            // As for check: the recording's age is not what parity is about.
            "--max-age",
            "36500",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        (live.code, offline.code),
        (0, 0),
        "{}\n{}",
        live.stderr,
        offline.stderr
    );
    assert_eq!(live.json(), offline.json());
    assert_eq!(live.json()["credentials"].as_array().unwrap().len(), 6);
}

#[test]
fn snapshot_keeps_the_fixture_of_an_unreadable_account() {
    let moto = Moto::start();
    moto.seed(
        &json!({"accounts": [clean("290000000001", "fresh"), clean("290000000002", "kept")]}),
    );
    let ws = Workspace::new();
    ws.policy("fresh", &policy("290000000001", "fresh", &["alice"]))
        .policy("kept", &policy("290000000002", "kept", &["alice"]));
    let proxy = moto.proxy();
    let args = ["snapshot", "--role-name", ROLE, "--out", "fixtures"];
    let first = moto.smce_guard(ws.path(), args);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    let fixtures = ws.path().join("fixtures");
    let before_kept = tree(&fixtures.join("kept"));
    let before_fresh = tree(&fixtures.join("fresh"));
    assert_eq!(before_kept.len(), 5);

    // Both accounts change; only `fresh` can be read the second time.
    moto.seed(&json!({"accounts": [
        {"id": "290000000001", "users": [{"name": "newcomer"}]},
        {"id": "290000000002", "users": [{"name": "newcomer"}]},
    ]}));
    proxy.deny("290000000002");
    let second = moto.smce_guard(ws.path(), args);
    assert_eq!(second.code, 3, "{}\n{}", second.stdout, second.stderr);
    assert!(
        second.stdout.starts_with("fresh: wrote fixtures/fresh ("),
        "{}",
        second.stdout
    );
    assert_eq!(second.stdout.lines().count(), 1, "{}", second.stdout);
    assert!(
        second
            .stderr
            .starts_with("error: kept: iam:GetAccountAuthorizationDetails failed: AccessDenied: ")
            && second
                .stderr
                .ends_with("; the previous recording is kept\n"),
        "{}",
        second.stderr
    );
    assert_eq!(
        tree(&fixtures.join("kept")),
        before_kept,
        "the unreadable account's fixture changed"
    );
    let after_fresh = tree(&fixtures.join("fresh"));
    assert_ne!(after_fresh, before_fresh);
    let details =
        String::from_utf8(after_fresh[Path::new("authorization-details.json")].clone()).unwrap();
    assert!(details.contains("\"newcomer\""));
    let leftovers: Vec<PathBuf> = tree(ws.path())
        .into_keys()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with('.') || name.ends_with(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(
        tree(&fixtures).len(),
        10,
        "only the two fixture folders' files"
    );
}

// ---------------------------------------------------------------------------------------------
// Requests: how many, and only reads
// ---------------------------------------------------------------------------------------------

#[test]
fn request_count_per_account() {
    let moto = Moto::start();
    // Five users, two of them (bob, the deployer) with an active key; carol's key is inactive.
    let five = |id: &str, name: &str| {
        let mut seeded = clean(id, name);
        let more = users(&mut seeded);
        more.push(
            json!({"name": "bob", "groups": [ADMINS, RESTRICTED], "mfa": true, "keys": ["Active"]}),
        );
        more.push(
            json!({"name": "carol", "groups": [ADMINS, RESTRICTED], "mfa": true, "keys": ["Inactive"]}),
        );
        more.push(json!({"name": "dave", "groups": [ADMINS, RESTRICTED], "mfa": true}));
        seeded
    };
    moto.seed(&json!({"accounts": [
        five("300000000001", "counted"),
        five(MOTO_ACCOUNT, "home"),
    ]}));
    let ws = Workspace::new();
    let members = ["alice", "bob", "carol", "dave"];
    ws.policy("counted", &policy("300000000001", "counted", &members))
        .policy("home", &policy(MOTO_ACCOUNT, "home", &members));
    let proxy = moto.proxy();
    let now = days_from_now(1);

    let run = moto.smce_guard(
        ws.path(),
        check_args(&["--account", "counted", "--now", &now, "-v"]),
    );
    expect(&run, 0, &[]);
    assert_eq!(run.stderr, "counted: 9 AWS requests\n");
    let mut ops = proxy.take_operations();
    ops.sort();
    assert_eq!(
        ops,
        [
            "iam:GenerateCredentialReport",
            "iam:GenerateCredentialReport",
            "iam:GetAccountAuthorizationDetails",
            "iam:GetAccountPasswordPolicy",
            "iam:GetCredentialReport",
            "iam:ListAccessKeys",
            "iam:ListAccessKeys",
            "iam:ListAccountAliases",
            "sts:AssumeRole",
        ]
    );

    // Without a role, GetCallerIdentity names the account instead: the same count.
    let run = moto.smce_guard(
        ws.path(),
        [
            "check",
            "--live",
            "--account",
            "home",
            "--now",
            &now,
            "--format",
            "json",
            "-v",
        ],
    );
    expect(&run, 0, &[]);
    assert_eq!(run.stderr, "home: 9 AWS requests\n");
    let ops = proxy.take_operations();
    assert_eq!(ops.len(), 9, "{ops:?}");
    assert_eq!(ops[0], "sts:GetCallerIdentity");

    // A second read finds moto's report generated already: one GenerateCredentialReport.
    let run = moto.smce_guard(
        ws.path(),
        check_args(&["--account", "counted", "--now", &now, "-v"]),
    );
    assert_eq!(run.stderr, "counted: 8 AWS requests\n");
    assert_eq!(proxy.take_operations().len(), 8);
}

/// `service:Operation` names a read-only tool may send.
fn is_read(operation: &str) -> bool {
    let (service, name) = operation.split_once(':').unwrap_or(("", operation));
    match service {
        "sts" => matches!(name, "AssumeRole" | "GetCallerIdentity"),
        "iam" | "organizations" => {
            name.starts_with("Get")
                || name.starts_with("List")
                || name == "GenerateCredentialReport"
        }
        _ => false,
    }
}

#[test]
fn only_reads_and_exactly_what_the_iam_policy_grants() {
    let moto = Moto::start();
    moto.seed(&json!({
        "accounts": [clean(MOTO_ACCOUNT, "home"), clean("310000000001", "member")],
        "organization": {"accounts": [{"name": "member", "status": "ACTIVE"}]},
    }));
    let ws = Workspace::new();
    ws.policy("home", &policy(MOTO_ACCOUNT, "home", &["alice"]))
        .policy("member", &policy("310000000001", "member", &["alice"]));
    let proxy = moto.proxy();
    let now = days_from_now(1);
    let runs: [(&[&str], i32); 5] = [
        (&["check", "--live", "--role-name", ROLE, "--now", &now], 0),
        (&["check", "--live", "--account", "home", "--now", &now], 0),
        (&["snapshot", "--role-name", ROLE, "--out", "snap"], 0),
        // member's policy id is not the organization's random one: account.uncovered and
        // account.not-in-organization.
        (&["accounts"], 1),
        (
            &["expiries", "--live", "--role-name", ROLE, "--now", &now],
            0,
        ),
    ];
    for (args, code) in runs {
        let run = moto.smce_guard(ws.path(), args);
        assert_eq!(run.code, code, "{args:?}\n{}\n{}", run.stdout, run.stderr);
    }
    let ops = proxy.take_operations();
    let writes: Vec<&String> = ops.iter().filter(|o| !is_read(o)).collect();
    assert!(writes.is_empty(), "not read-only: {writes:?}");
    let called: BTreeSet<String> = ops.into_iter().collect();

    let granted = |file: &str| {
        let path = crate::common::root().join("iam").join(file);
        let iam: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut granted = BTreeSet::new();
        for statement in iam["Statement"].as_array().unwrap() {
            assert_eq!(statement["Effect"], "Allow");
            match &statement["Action"] {
                Value::String(action) => {
                    granted.insert(action.clone());
                }
                Value::Array(actions) => granted.extend(actions.iter().map(text)),
                other => panic!("unexpected Action {other}"),
            }
        }
        granted
    };
    let reader = granted("smce-guard-reader.json");
    let organization = granted("smce-guard-organization.json");
    assert!(
        reader.is_disjoint(&organization),
        "{reader:?} {organization:?}"
    );
    // What the session reads in an account is the reader's; reaching accounts, the organization's.
    let reads: BTreeSet<String> = called
        .iter()
        .filter(|op| !organization.contains(*op))
        .cloned()
        .collect();
    assert_eq!(
        reads, reader,
        "called (left) vs granted by iam/smce-guard-reader.json (right)"
    );
    assert_eq!(
        called,
        reader.union(&organization).cloned().collect(),
        "called (left) vs granted by the two files of iam/ (right)"
    );
}

/// `OrganizationAccountAccessRole` is an administrator in every member account by default: every
/// AssumeRole the live reader sends carries `iam/smce-guard-reader.json` as its session policy,
/// so whatever the role may do, the session may only read. Checked on every command that assumes
/// roles, and for a role named by the policy (`account.role_arn`) as well as by `--role-name`.
#[test]
fn every_assumed_role_is_narrowed_to_the_reader_policy() {
    let moto = Moto::start();
    moto.seed(&json!({"accounts": [clean("340000000001", "one"), clean("340000000002", "two")]}));
    let ws = Workspace::new();
    ws.policy("one", &policy("340000000001", "one", &["alice"])).policy(
        "two",
        &policy("340000000002", "two", &["alice"]).replacen(
            "  name: two\n",
            "  name: two\n  role_arn: arn:aws:iam::340000000002:role/OrganizationAccountAccessRole\n",
            1,
        ),
    );
    let reader: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::common::root().join("iam/smce-guard-reader.json")).unwrap(),
    )
    .unwrap();
    let now = days_from_now(1);
    let admin = "OrganizationAccountAccessRole";
    let runs: [&[&str]; 4] = [
        &["check", "--live", "--role-name", admin, "--now", &now],
        &["snapshot", "--role-name", admin, "--out", "snap"],
        &["expiries", "--live", "--role-name", admin, "--now", &now],
        &[
            "verify-key",
            "--live",
            "--account",
            "two",
            "--key-id",
            "AKIAIOSFODNN7EXAMPLE",
        ],
    ];
    let proxy = moto.proxy();
    for args in runs {
        let run = moto.smce_guard(ws.path(), args);
        assert!(run.code <= 1, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        let assumed = (proxy.take_operations().iter())
            .filter(|op| *op == "sts:AssumeRole")
            .count();
        let policies = proxy.take_session_policies();
        assert_eq!(policies.len(), assumed, "{args:?}");
        assert!(assumed >= 1, "{args:?}");
        for sent in policies {
            let sent =
                sent.unwrap_or_else(|| panic!("{args:?}: an AssumeRole without a session policy"));
            assert!(!sent.contains('\n'), "{sent}");
            let sent: Value = serde_json::from_str(&sent).unwrap();
            assert_eq!(sent, reader, "{args:?}");
        }
    }
}

#[test]
fn no_secret_is_ever_printed_or_written() {
    let moto = Moto::start();
    let mut one = clean("320000000001", "one");
    seeded_user(&mut one, "alice")["keys"] = json!(["Active", "Inactive"]);
    let mut two = clean("320000000002", "two");
    seeded_user(&mut two, DEPLOYER)["keys"] = json!(["Active", "Active"]);
    let seeded = moto.seed(&json!({"accounts": [one, two]}));
    let ws = Workspace::new();
    ws.policy("one", &policy("320000000001", "one", &["alice"]))
        .policy("two", &policy("320000000002", "two", &["alice"]));
    let proxy = moto.proxy();
    let expired = days_from_now(61);
    let mut outputs = Vec::new();
    for args in [
        check_args(&["-v", "--now", &expired]),
        vec![
            "check",
            "--live",
            "--role-name",
            ROLE,
            "-v",
            "--format",
            "human",
        ],
        vec!["check", "--live", "--role-name", ROLE, "--format", "sarif"],
        vec!["snapshot", "--role-name", ROLE, "--out", "snap"],
        vec!["expiries", "--live", "--role-name", ROLE, "--now", &expired],
        vec!["expiries", "--live", "--role-name", ROLE, "--format", "ics"],
    ] {
        let run = moto.smce_guard(ws.path(), &args);
        assert!(run.code <= 1, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        outputs.push((format!("{args:?}"), run.stdout + &run.stderr));
    }
    // A failing account's error message is where a leak would hide.
    proxy.deny("320000000002");
    let run = moto.smce_guard(ws.path(), check_args(&["-v"]));
    assert_eq!(run.code, 3);
    outputs.push(("denied check".to_owned(), run.stdout + &run.stderr));
    for (path, bytes) in tree(&ws.path().join("snap")) {
        outputs.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }

    let mut secrets: Vec<String> = seeded["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| text(&k["secret"]))
        .collect();
    assert_eq!(secrets.len(), 5);
    secrets.extend(proxy.session_secrets());
    assert!(secrets.len() >= 5 + 2 * 2, "AssumeRole secrets were seen");
    secrets.extend(["Seeded-Passw0rd!alice".to_owned()]);
    for secret in &secrets {
        assert!(secret.len() >= 16, "{secret}");
        for (place, output) in &outputs {
            assert!(!output.contains(secret.as_str()), "{place} shows a secret");
        }
    }
    // ... while the key ids, which are not secret, are shown.
    let key_id = ids(&seeded, "alice")[0].clone();
    assert!(outputs.iter().any(|(_, o)| o.contains(&key_id)));
}

#[test]
fn managed_policy_without_a_policy_name_is_read() {
    // Straight to moto, without the proxy that adds the names AWS would send.
    let moto = Moto::start();
    moto.seed(&json!({"accounts": [clean("330000000001", "plain")]}));
    let ws = Workspace::new();
    ws.policy("plain", &policy("330000000001", "plain", &["alice"]));
    let run = moto.smce_guard_unproxied(ws.path(), check_args(&["--now", &days_from_now(1)]));
    // Today: exit 2, `plain invalid`, fixture.invalid "missing field `PolicyName`" at
    // aws://plain/authorization-details.json.
    expect(&run, 0, &[]);
}

#[test]
fn a_role_in_another_account_is_refused_and_never_assumed() {
    let moto = Moto::start();
    let ws = Workspace::new();
    let text = policy("111111111111", "elsewhere", &["alice"]).replacen(
        "  name: elsewhere\n",
        "  name: elsewhere\n  role_arn: arn:aws:iam::222222222222:role/OrganizationAccountAccessRole\n",
        1,
    );
    assert!(text.contains("role_arn"), "{text}");
    ws.policy("elsewhere", &text);
    let run = moto.smce_guard(ws.path(), ["check", "--live", "--format", "json", "-v"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(finding_codes(&run.json()), ["policy.role-account-mismatch"]);
    // Nothing reached AWS: the policy is refused before any account is read.
    assert_eq!(moto.proxy().take_operations(), Vec::<String>::new());
}

/// The one builder seeds what an IAM Identity Center account holds besides users: its SAML
/// provider and a permission set's role, trusting the provider, with `AdministratorAccess`-like
/// power. The live reader does not read roles (yet), so the account stays clean: a role is
/// neither an unmanaged user nor a deployer grant.
#[test]
fn sso_roles_and_their_saml_provider_are_seeded_and_not_users() {
    let moto = Moto::start();
    let id = "360000000001";
    let mut sso = clean(id, "sso");
    sso["saml_providers"] = json!([saml_provider("0123456789abcdef")]);
    let mut role = sso_role("Project-Admin", "0123456789abcdef");
    role["attached"] = json!(["SMCE-AdminAccess"]);
    sso["roles"] = json!([role]);
    let seeded = moto.seed(&json!({"accounts": [sso]}));
    assert_eq!(
        seeded["saml_providers"],
        json!([format!(
            "arn:aws:iam::{id}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"
        )])
    );
    assert_eq!(
        seeded["roles"],
        json!([format!(
            "arn:aws:iam::{id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Project-Admin_0123456789abcdef"
        )])
    );
    let ws = Workspace::new();
    ws.policy("sso", &policy(id, "sso", &["alice"]));
    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(1)]));
    expect(&run, 0, &[]);
}
