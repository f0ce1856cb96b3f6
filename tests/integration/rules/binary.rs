//! Rule cases that need the binary itself: an account with no recording on disk, the clock and
//! the JSON report's contract, recordings that are broken as files (`fixture.invalid` in JSON and
//! human output, exit 2), exit codes over several accounts and `--fail-on`/`--account`, usage
//! errors, the repository's own example (snapshots), and the harness held to the binary.

use super::case::{
    CLUSTER, Case, DEPLOYER, ID, NOW, Override, POLICY, POLICY_FILE, allow, doc, inline, key, run,
    user,
};
use super::credentials::{CREATED, alice_with_key};
use super::harness;
use super::permissions::deployer_with;
use crate::common::{Run, assert_run, finding_codes, only, smce_guard, smce_guard_in, text};
use serde_json::{Value, json};
use smce_guard::base::clock::Clock;

/// Each finding as `severity code principal @line` (`-` for an absent principal or line).
fn findings(run: &Run) -> Vec<String> {
    let json = run.json();
    json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array:\n{}", run.stdout))
        .iter()
        .map(harness::finding_line)
        .collect()
}

fn statuses(run: &Run) -> Vec<String> {
    run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a["name"].as_str().unwrap(),
                a["status"].as_str().unwrap()
            )
        })
        .collect()
}

/// The contract's fields of each account entry (the format may add more).
fn accounts(run: &Run) -> Vec<Value> {
    let json = run.json();
    json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| json!({"id": a["id"], "name": a["name"], "status": a["status"], "now": a["now"]}))
        .collect()
}

/// `(summary.errors, summary.warnings)`.
fn summary(run: &Run) -> (u64, u64) {
    let json = run.json();
    (
        json["summary"]["errors"].as_u64().unwrap(),
        json["summary"]["warnings"].as_u64().unwrap(),
    )
}

/// Asserts the exit code and the exact findings of a run.
#[track_caller]
fn expect(run: &Run, code: i32, expected: &[&str]) {
    assert_run(run, code, findings(run), expected);
}

#[test]
fn unobserved_without_a_fixture_folder() {
    let mut case = Case::base();
    case.no_folder = true;
    let run = case.check();
    expect(&run, 3, &["error account.unobserved - @4"]);
    assert_eq!(statuses(&run), ["acme unobserved"]);
    assert_eq!(only(&run, "account.unobserved")["file"], POLICY_FILE);
}

#[test]
fn unobserved_when_a_required_file_is_missing() {
    for file in ["authorization-details.json", "credential-report.csv"] {
        let mut case = Case::base();
        case.overrides.push((file, Override::Absent));
        let run = case.check();
        expect(&run, 3, &["error account.unobserved - @4"]);
        let message = only(&run, "account.unobserved")["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(file), "{file}: {message}");
    }
}

#[test]
fn the_clock_is_now_unless_told_otherwise() {
    let mut case = alice_with_key();
    case.snapshot = Some(json!({"account_id": ID, "captured_at": "2026-10-16T00:00:00Z"}));
    let dir = tempfile::tempdir().unwrap();
    case.write(dir.path());
    let check = |args: &[&str]| {
        let mut command = crate::common::command(
            dir.path(),
            [
                &[
                    "check",
                    "policies",
                    "--fixtures",
                    "fixtures",
                    "--format",
                    "json",
                ],
                args,
            ]
            .concat(),
        );
        // The tests' fixed instant is what `--now` from the environment means; the default is
        // what this test is about.
        command.env_remove("SMCE_GUARD_NOW");
        crate::common::execute(command)
    };
    // No clock given: judged now, to the second, and the recording from October is stale.
    let before = jiff::Timestamp::now().as_second();
    let run = check(&[]);
    let after = jiff::Timestamp::now().as_second();
    // Other credentials of the case age with the real date too; these two are certain.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let listed = findings(&run);
    for certain in ["error key.expired alice @15", "warning fixture.stale - @4"] {
        assert!(listed.iter().any(|l| l == certain), "{certain}: {listed:?}");
    }
    let json = run.json();
    let now: jiff::Timestamp = json["now"].as_str().unwrap().parse().unwrap();
    assert!((before..=after).contains(&now.as_second()), "{now}");
    assert_eq!(now.subsec_nanosecond(), 0, "printed to the second: {now}");
    assert_eq!(json["accounts"][0]["now"], json["now"]);
    // Its age is counted from the run's own instant, whatever day the tests run on.
    let captured: jiff::Timestamp = "2026-10-16T00:00:00Z".parse().unwrap();
    let age = smce_guard::base::clock::age_words(captured, now);
    assert!(
        only(&run, "fixture.stale")["message"]
            .as_str()
            .unwrap()
            .contains(&format!("captured {age} before the instant judged")),
        "{age}: {}",
        run.stdout
    );
    // --as-recorded: judged at captured_at, per account; the top-level `now` is null.
    let run = check(&["--as-recorded"]);
    expect(&run, 0, &["warning key.expiring alice @16"]);
    let json = run.json();
    assert_eq!(json["now"], Value::Null);
    assert_eq!(json["accounts"][0]["now"], "2026-10-16T00:00:00Z");
    // --now overrides both, as an instant or as a date (midnight UTC).
    let run = check(&["--now", "2026-10-31T00:00:00Z"]);
    expect(
        &run,
        1,
        &["warning fixture.stale - @4", "error key.expired alice @15"],
    );
    assert_eq!(run.json()["now"], "2026-10-31T00:00:00Z");
    let run = check(&["--now", "2026-10-31"]);
    assert_eq!(run.json()["now"], "2026-10-31T00:00:00Z");
    // Within --max-age, no warning.
    let run = check(&["--now", "2026-10-20", "--max-age", "7"]);
    expect(&run, 0, &["warning key.expiring alice @16"]);
    // Without captured_at, a recording judged offline is stale by definition.
    case.snapshot = None;
    let dir = tempfile::tempdir().unwrap();
    case.write(dir.path());
    let run = smce_guard_in(
        dir.path(),
        [
            "check",
            "policies",
            "--fixtures",
            "fixtures",
            "--format",
            "json",
        ],
    );
    let stale = only(&run, "fixture.stale");
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .contains("does not say when"),
        "{stale}"
    );
}

#[test]
fn json_contract() {
    let mut case = alice_with_key();
    case.users.push(user("mallory", &[]));
    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: warning");
    let run = case.check_at("2026-11-02T00:00:00Z");
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["now"], "2026-11-02T00:00:00Z");
    assert_eq!(
        accounts(&run),
        [json!({"id": ID, "name": "acme", "status": "drift", "now": "2026-11-02T00:00:00Z"})]
    );
    assert_eq!(summary(&run), (1, 1));
    let key_finding = only(&run, "key.expired");
    for field in [
        "code",
        "severity",
        "account_id",
        "account_name",
        "principal",
        "message",
        "file",
        "line",
        "column",
        "details",
    ] {
        assert!(
            key_finding.get(field).is_some(),
            "missing `{field}` in {key_finding}"
        );
    }
    assert_eq!(key_finding["severity"], "error");
    assert_eq!(key_finding["account_id"], ID);
    assert_eq!(key_finding["account_name"], "acme");
    assert_eq!(key_finding["principal"], "alice");
    assert_eq!(key_finding["file"], POLICY_FILE);
    assert_eq!(
        (&key_finding["line"], &key_finding["column"]),
        (&json!(15), &json!(17))
    );
    assert_eq!(
        key_finding["message"],
        "access key AKIAALICE0000000001 of `alice` expired 2 days ago (2026-10-31T00:00:00Z)"
    );
    let details = &key_finding["details"];
    assert_eq!(details["key_id"], "AKIAALICE0000000001");
    assert_eq!(details["expires_at"], "2026-10-31T00:00:00Z");
    assert_eq!(details["created"], CREATED);
    assert_eq!(details["days_left"], -2);
    let unmanaged = only(&run, "user.unmanaged");
    assert_eq!(
        (
            &unmanaged["severity"],
            &unmanaged["line"],
            &unmanaged["column"]
        ),
        (&json!("warning"), &json!(17), &json!(18))
    );
}

/// Runs `case` in both formats; asserts exit 2, status `invalid`, exactly one finding,
/// `fixture.invalid` naming `fixtures/acme/<file>`, and the file named in the human output.
/// Returns the finding for the caller to check its line and message.
#[track_caller]
fn expect_invalid(case: &Case, file: &str) -> Value {
    let path = format!("fixtures/acme/{file}");
    let json_run = case.check();
    assert_eq!(json_run.code, 2, "{}", json_run.stdout);
    assert_eq!(statuses(&json_run), ["acme invalid"]);
    assert_eq!(
        json_run.json()["findings"].as_array().unwrap().len(),
        1,
        "{}",
        json_run.stdout
    );
    let finding = only(&json_run, "fixture.invalid");
    assert_eq!(
        (
            &finding["severity"],
            &finding["file"],
            &finding["account_name"]
        ),
        (&json!("error"), &json!(path), &json!("acme"))
    );
    let human = run(&[case], &["--now", NOW]);
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.contains(&path),
        "{path} not named:\n{}",
        human.stdout
    );
    assert!(human.stdout.contains("fixture.invalid"), "{}", human.stdout);
    finding
}

fn broken(file: &'static str, text: impl Into<String>) -> Case {
    let mut case = Case::base();
    case.overrides.push((file, Override::Text(text.into())));
    case
}

fn message(finding: &Value) -> &str {
    finding["message"].as_str().unwrap()
}

#[test]
fn broken_truncated_json() {
    let full = Case::base().authorization_details();
    // Cut inside the string "SMCE-UserRestrictions" of alice's GroupList.
    let at = full.find("SMCE-UserRestrictions").unwrap() + "SMCE-User".len();
    let cut = &full[..at];
    let finding = expect_invalid(
        &broken("authorization-details.json", cut),
        "authorization-details.json",
    );
    assert_eq!(finding["line"], cut.lines().count());
    assert!(cut.lines().last().unwrap().ends_with("\"SMCE-User"));
    assert!(message(&finding).contains("EOF"), "{finding}");
}

#[test]
fn broken_truncated_access_keys() {
    let finding = expect_invalid(
        &broken(
            "access-keys.json",
            "{\n  \"AccessKeyMetadata\": [\n    {\"UserName\": ",
        ),
        "access-keys.json",
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_json_of_the_wrong_shape() {
    // Valid JSON, but not an authorization-details recording.
    let finding = expect_invalid(
        &broken("authorization-details.json", "{\n  \"Users\": []\n}\n"),
        "authorization-details.json",
    );
    assert!(message(&finding).contains("UserDetailList"), "{finding}");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_without_the_user_column() {
    let report = Case::base().report().replacen("user,arn,", "name,arn,", 1);
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(message(&finding).contains("`user`"), "{finding}");
    assert_eq!(finding["line"], 1);
}

#[test]
fn broken_csv_unknown_date_format() {
    let report = Case::base()
        .report()
        .replace("2026-10-10T00:00:00+00:00,N/A,true", "10/10/2026,N/A,true");
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(
        message(&finding).contains("password_last_changed")
            && message(&finding).contains("10/10/2026"),
        "{finding}"
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_row_with_the_wrong_number_of_fields() {
    let report =
        Case::base()
            .report()
            .replacen("false,N/A,false,N/A\nhub", "false,N/A,false\nhub", 1);
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_duplicated_user_rows() {
    let mut case = Case::base();
    let alice = case.rows[0].clone();
    case.rows.push(alice);
    let report = case.report();
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(
        message(&finding).contains("`alice` appears twice"),
        "{finding}"
    );
    assert_eq!(finding["line"], 5);
}

#[test]
fn broken_csv_not_utf8() {
    let mut bytes = Case::base().report().into_bytes();
    let at = bytes.windows(5).position(|w| w == b"alice").unwrap();
    bytes[at] = 0xff;
    let mut case = Case::base();
    case.overrides
        .push(("credential-report.csv", Override::Bytes(bytes)));
    let finding = expect_invalid(&case, "credential-report.csv");
    assert!(message(&finding).contains("UTF-8"), "{finding}");
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&json!(3), &json!(1))
    );
}

#[test]
fn broken_directory_where_a_file_should_be() {
    for file in [
        "authorization-details.json",
        "credential-report.csv",
        "access-keys.json",
        "snapshot.json",
    ] {
        let mut case = Case::base();
        case.overrides.push((file, Override::Directory));
        let finding = expect_invalid(&case, file);
        assert!(message(&finding).contains("is a directory"), "{finding}");
        assert_eq!(finding["line"], Value::Null);
    }
}

#[test]
fn broken_dates_in_json_files() {
    let snapshot =
        format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured_at\": \"20 Nov 2026\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert!(message(&finding).contains("20 Nov 2026"), "{finding}");
    let keys = serde_json::to_string_pretty(&json!({"AccessKeyMetadata": [key(DEPLOYER, "AKIADEPLOYER0000001", "Active", "2026/10/10")]})).unwrap();
    let finding = expect_invalid(&broken("access-keys.json", keys), "access-keys.json");
    assert!(message(&finding).contains("2026/10/10"), "{finding}");
}

#[test]
fn broken_dates_in_json_files_carry_their_line() {
    let snapshot =
        format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured_at\": \"20 Nov 2026\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_snapshot_with_an_unknown_field() {
    let snapshot = format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured\": \"{NOW}\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_policy_documents() {
    let mut case = deployer_with(
        json!([{"Effect": "Perhaps", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]),
    );
    let finding = expect_invalid(&case, "authorization-details.json");
    assert!(
        message(&finding).contains("eks-readonly") && message(&finding).contains("Perhaps"),
        "{finding}"
    );
    // URL-encoded, cut short.
    case.deployer_inline(json!([inline(
        "eks-readonly",
        json!("%7B%22Statement%22%3A")
    )]));
    let finding = expect_invalid(&case, "authorization-details.json");
    assert!(message(&finding).contains("eks-readonly"), "{finding}");
}

/// An account with one warning only: an undeclared user at `unmanaged_users: warning`.
fn warning_only(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.policy = case
        .policy
        .replace("unmanaged_users: error", "unmanaged_users: warning");
    case.users.push(user("mallory", &[]));
    case
}

/// An account with one error: alice without MFA.
fn drifting(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.row("alice").mfa = false;
    case
}

fn unobserved(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.no_folder = true;
    case
}

fn invalid_fixture(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.overrides
        .push(("snapshot.json", Override::Text("{".into())));
    case
}

const JSON_NOW: [&str; 4] = ["--format", "json", "--now", NOW];

#[test]
fn exit_codes_and_their_priority() {
    let ok = Case::named("alpha", "100000000001");
    let warn = warning_only("bravo", "100000000002");
    let drift = drifting("charlie", "100000000003");
    let gone = unobserved("delta", "100000000004");
    let broken = invalid_fixture("echo", "100000000005");
    let code = |cases: &[&Case]| run(cases, &JSON_NOW).code;
    assert_eq!(code(&[&ok]), 0);
    assert_eq!(code(&[&ok, &warn]), 0);
    assert_eq!(code(&[&ok, &warn, &drift]), 1);
    assert_eq!(code(&[&drift, &gone]), 3);
    assert_eq!(code(&[&drift, &gone, &broken]), 2);
    assert_eq!(code(&[&ok, &broken]), 2);
    let run = run(&[&ok, &warn, &drift, &gone, &broken], &JSON_NOW);
    assert_eq!(
        statuses(&run),
        [
            "alpha ok",
            "bravo drift",
            "charlie drift",
            "delta unobserved",
            "echo invalid"
        ]
    );
    assert_eq!(summary(&run), (3, 1));
}

#[test]
fn fail_on_warning_turns_a_warning_into_drift() {
    let warn = warning_only("bravo", "100000000002");
    let default = run(&[&warn], &JSON_NOW);
    expect(&default, 0, &["warning user.unmanaged mallory @17"]);
    let strict = run(
        &[&warn],
        &["--format", "json", "--now", NOW, "--fail-on", "warning"],
    );
    expect(&strict, 1, &["warning user.unmanaged mallory @17"]);
    assert_eq!(
        run(
            &[&warn],
            &["--format", "json", "--now", NOW, "--fail-on", "error"]
        )
        .code,
        0
    );
    // A clean account stays 0 under --fail-on warning.
    assert_eq!(
        run(
            &[&Case::named("alpha", "100000000001")],
            &["--now", NOW, "--fail-on", "warning"]
        )
        .code,
        0
    );
}

#[test]
fn invalid_policy_exits_2_beside_a_valid_account() {
    let ok = Case::named("alpha", "100000000001");
    let mut bad = Case::named("bravo", "100000000002");
    bad.policy = bad
        .policy
        .replace("id: \"100000000002\"", "id: 100000000002");
    let run = run(&[&ok, &bad], &JSON_NOW);
    assert_eq!(run.code, 2, "{}", run.stdout);
    // alpha is still judged; bravo is not judged (absent, or listed as invalid).
    let listed = statuses(&run);
    assert!(listed.contains(&"alpha ok".to_owned()), "{listed:?}");
    assert!(
        listed
            .iter()
            .all(|s| s == "alpha ok" || s == "bravo invalid"),
        "{listed:?}"
    );
    let json = run.json();
    let codes = finding_codes(&json);
    assert_eq!(codes, ["policy.wrong-type"]);
    assert_eq!(json["findings"][0]["file"], "policies/bravo.yaml");
}

#[test]
fn account_selects_one_account() {
    let drift = drifting("alpha", "100000000001");
    let ok = Case::named("bravo", "100000000002");
    let mut bad = Case::named("charlie", "100000000003");
    bad.policy = bad.policy.replace("warn_days: 15", "warn_days: 60");
    let all = run(&[&drift, &ok, &bad], &JSON_NOW);
    assert_eq!(all.code, 2);
    let one = run(
        &[&drift, &ok, &bad],
        &["--format", "json", "--now", NOW, "--account", "bravo"],
    );
    expect(&one, 0, &[]);
    assert_eq!(statuses(&one), ["bravo ok"]);
    let one = run(
        &[&drift, &ok, &bad],
        &["--format", "json", "--now", NOW, "--account", "alpha"],
    );
    expect(&one, 1, &["error member.mfa-missing alice @6"]);
    assert_eq!(statuses(&one), ["alpha drift"]);
    let unknown = run(
        &[&drift, &ok],
        &["--format", "json", "--now", NOW, "--account", "zulu"],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("zulu") && unknown.stderr.contains("alpha, bravo"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let case = Case::base();
    for args in [
        &["--fail-on", "never"][..],
        &["--now", "yesterday"],
        &["--format", "yaml"],
        &["--no-such-flag"],
    ] {
        let run = run(&[&case], args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn repository_check_json() {
    let run = smce_guard(["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Its text is snapshotted once, by formats::check_in_every_format_on_the_repository_example.
    let found: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["account_name"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["principal"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "disasters deployer.excess-permission hub-continuous-deployer",
            "disasters deployer.key-count hub-continuous-deployer",
            "disasters deployer.rotation-incomplete hub-continuous-deployer",
            "disasters key.expired hub-continuous-deployer",
            "disasters sso.permission-set-unexpected AdministratorAccess",
            "legacy-members account.password-policy -",
            "legacy-members member.disabled example-engineer-edsger",
            "legacy-members member.mfa-missing example-engineer-linus",
            "legacy-members password.expired example-engineer-edsger",
            "legacy-members password.expiring example-engineer-grace",
            "legacy-members password.unused example-engineer-edsger",
            "maap deployer.restricted hub-continuous-deployer",
            "maap key.expiring hub-continuous-deployer",
            "maap password.expired example-engineer-katherine",
            "maap password.unused example-engineer-katherine",
            "maap sso.permission-set-missing Project-Read-Only",
            "maap user.unmanaged example-engineer-katherine",
            "nasa-veda key.expired hub-continuous-deployer",
            "nasa-veda sso.permission-set-changed Project-Power-User",
        ]
    );
}

#[test]
fn repository_single_account() {
    let run = smce_guard(["check", "--account", "nasa-ghg-hub", "--format", "json"]);
    expect(&run, 0, &[]);
    assert_eq!(
        accounts(&run),
        [
            json!({"id": "597746869805", "name": "nasa-ghg-hub", "status": "ok", "now": "2026-11-20T09:00:00Z"})
        ]
    );
    // Its permission sets pass, each naming its role's ARN (the one an EKS access entry names).
    let passed = smce_guard([
        "check",
        "--account",
        "nasa-ghg-hub",
        "--show-passed",
        "--format",
        "json",
    ])
    .json();
    let sets: Vec<String> = (passed["passed"].as_array().unwrap().iter())
        .filter(|p| p["code"] == "sso.permission-set-missing")
        .map(|p| format!("{} {}", text(&p["principal"]), text(&p["arn"])))
        .collect();
    let role = |set: &str, hex: &str| {
        format!(
            "{set} arn:aws:iam::597746869805:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{set}_{hex}"
        )
    };
    assert_eq!(
        sets,
        [
            role("Project-Admin", "73fdebd95d3ddc71"),
            role("Project-Power-User", "9cc3e4fe627b537e"),
            role("Project-Read-Only", "446e391dac57a30d"),
        ]
    );
    // Clean means not even a warning.
    assert_eq!(
        smce_guard(["check", "--account", "nasa-ghg-hub", "--fail-on", "warning"]).code,
        0
    );
}

// ---------------------------------------------------------------------------------------------
// The harness held to the binary
// ---------------------------------------------------------------------------------------------

/// Asserts that the harness judges `case` as the binary does: the same findings (every field the
/// harness writes, equal to the JSON report's), the same exit code, status and clock. The rule
/// files trust the harness; this is what makes that trust checked rather than assumed.
#[track_caller]
fn agrees(label: &str, binary: &Run, judged: &harness::Judged) {
    let json = binary.json();
    let listed: Vec<Value> = json["findings"].as_array().unwrap().clone();
    assert_eq!(judged.lines(), findings(binary), "{label}: {judged:#?}");
    for (ours, theirs) in judged.findings.iter().zip(&listed) {
        for (field, value) in ours.as_object().unwrap() {
            assert_eq!(&theirs[field], value, "{label}: `{field}` of {theirs}");
        }
    }
    assert_eq!(judged.code, binary.code, "{label}: {}", binary.stdout);
    assert_eq!(judged.statuses(), statuses(binary), "{label}");
    let now = json["accounts"][0]["now"].as_str().map(str::to_owned);
    assert_eq!(judged.now, now, "{label}");
}

/// How a parity case tells the time: an explicit `--now`, the binary's default (the current
/// instant, not explicit) or `--as-recorded`.
#[derive(Clone, Copy)]
enum Clocked {
    At(&'static str),
    Default,
    AsRecorded,
}

#[test]
fn harness_agrees_with_the_binary() {
    // One account drifting in every family at once, so that order and lines are compared too.
    let mut everything = alice_with_key();
    everything.row("alice").mfa = false;
    everything.users.push(user("mallory", &["AccountDisabled"]));
    everything.row(DEPLOYER).password = Some("2026-01-01T00:00:00+00:00".into());
    everything.deployer_inline(json!([inline(
        "eks-readonly",
        doc(json!([allow(json!("eks:*"), json!("*"))]))
    )]));
    let mut mismatch = Case::base();
    mismatch.snapshot = Some(json!({"account_id": "999988887777", "captured_at": NOW}));
    let mut captured_clock = alice_with_key();
    captured_clock.snapshot =
        Some(json!({"account_id": ID, "captured_at": "2026-10-16T00:00:00Z"}));
    // captured_at a month before alice's key was created: refused when it is the clock.
    let mut impossible = alice_with_key();
    impossible.snapshot = Some(json!({"account_id": ID, "captured_at": "2026-08-01T00:00:00Z"}));
    let mut bad_policy = Case::base();
    bad_policy.policy = POLICY.replace("id: \"111122223333\"", "id: 111122223333");
    let perhaps = deployer_with(
        json!([{"Effect": "Perhaps", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]),
    );
    let cases: [(&str, &Case, Clocked); 11] = [
        ("base", &Case::base(), Clocked::At(NOW)),
        ("base, default clock", &Case::base(), Clocked::Default),
        (
            "everything",
            &everything,
            Clocked::At("2026-11-02T00:00:00Z"),
        ),
        ("mismatch", &mismatch, Clocked::At(NOW)),
        ("captured_at clock", &captured_clock, Clocked::AsRecorded),
        // Refused when the capture time is the clock, by default and under --as-recorded;
        // taken as asked under an explicit --now.
        ("impossible capture", &impossible, Clocked::Default),
        (
            "impossible capture, --as-recorded",
            &impossible,
            Clocked::AsRecorded,
        ),
        ("impossible capture, --now", &impossible, Clocked::At(NOW)),
        (
            "broken snapshot",
            &broken("snapshot.json", "{"),
            Clocked::At(NOW),
        ),
        ("broken document", &perhaps, Clocked::At(NOW)),
        ("invalid policy", &bad_policy, Clocked::At(NOW)),
    ];
    for (label, case, clocked) in cases {
        let dir = tempfile::tempdir().unwrap();
        case.write(dir.path());
        let mut args = vec![
            "check",
            "policies",
            "--fixtures",
            "fixtures",
            "--format",
            "json",
        ];
        match clocked {
            Clocked::At(now) => args.extend(["--now", now]),
            Clocked::AsRecorded => args.push("--as-recorded"),
            Clocked::Default => {}
        }
        let mut command = crate::common::command(dir.path(), &args);
        if !matches!(clocked, Clocked::At(_)) {
            // No clock from the environment: the binary's own default (or --as-recorded).
            command.env_remove("SMCE_GUARD_NOW");
        }
        let binary = crate::common::execute(command);
        // The default clock is the run's instant, read back from the report: the harness then
        // judges at that same instant, without it being explicit.
        let ran_at = || {
            let now = binary.json()["now"].as_str().map(str::to_owned);
            now.expect("a default run states its instant")
                .parse()
                .unwrap()
        };
        let clock = match clocked {
            Clocked::At(now) => Clock::new(Some(now.parse().unwrap()), false),
            Clocked::AsRecorded => Clock::new(None, true),
            Clocked::Default => Clock {
                now: ran_at(),
                explicit: false,
                as_recorded: false,
            },
        };
        agrees(label, &binary, &case.judge_by(clock));
    }
    // Recorded files: the repository's own accounts, judged at their captured_at.
    for name in [
        "disasters",
        "legacy-members",
        "maap",
        "nasa-ghg-hub",
        "nasa-veda",
    ] {
        let binary = smce_guard(["check", "--account", name, "--format", "json"]);
        let judged = harness::judge_files(
            &crate::common::root(),
            &format!("policies/{name}.yaml"),
            &format!("fixtures/{name}"),
            None,
        );
        agrees(name, &binary, &judged);
    }
}
