//! Every output format on the same cases, SARIF against the official schema, waivers, shards,
//! `--output`, the expiry calendar, and the organization role's terraform (`iam/`). The CI
//! recipes are tested in `recipes`.

use crate::common::{finding_codes, root, scratch_example, smce_guard, smce_guard_in};
use serde_json::Value;
use std::sync::LazyLock;

const FORMATS: [&str; 6] = ["human", "json", "sarif", "junit", "markdown", "github"];

/// The official SARIF 2.1.0 schema (OASIS, errata 01), kept in the repository so that a checkout
/// tests on its own; where the project's shared copy is at hand, the two must be the same file.
static SARIF_SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = root().join("tests/data/sarif-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Ok(shared) = std::fs::read_to_string(root().join("../shared/schemas/sarif-2.1.0.json")) {
        assert_eq!(
            text, shared,
            "tests/data/sarif-2.1.0.json differs from the shared schema"
        );
    }
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap())
        .expect("the SARIF schema compiles")
});

/// Asserts a SARIF document is valid against the official 2.1.0 schema.
pub fn assert_valid_sarif(text: &str) -> Value {
    let document: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = SARIF_SCHEMA
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    document
}

/// Counts `<testcase>`, `<failure>` and `<skipped>` elements, parsing the XML for real.
fn junit_counts(text: &str) -> (usize, usize, usize) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    loop {
        match reader
            .read_event()
            .expect("JUnit output is well-formed XML")
        {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                b"skipped" => skipped += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, failures, skipped)
}

/// A report as its snapshot holds it. SARIF's rule catalogue, the rule indexes into it and the
/// crate version are redacted: they change with every new code or release, and are tested once
/// (`sarif_rule_catalogue_is_every_code`), so a new code does not rewrite every snapshot.
fn snapshotted(format: &str, stdout: &str) -> String {
    if format != "sarif" {
        return stdout.to_owned();
    }
    let mut sarif: Value = serde_json::from_str(stdout).unwrap();
    for run in sarif["runs"].as_array_mut().unwrap() {
        let driver = &mut run["tool"]["driver"];
        driver["rules"] = Value::from("[the rule catalogue: sarif_rule_catalogue_is_every_code]");
        driver["version"] = Value::from("[the crate version]");
        for result in run["results"].as_array_mut().unwrap() {
            result["ruleIndex"] = Value::from("[its index in the catalogue]");
        }
    }
    serde_json::to_string_pretty(&sarif).unwrap() + "\n"
}

#[test]
fn sarif_rule_catalogue_is_every_code() {
    // `explain` lists every code, one per line, in the catalogue's order.
    let codes: Vec<String> = smce_guard(["explain"])
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.contains('.'))
        .map(str::to_owned)
        .collect();
    let run = smce_guard(["check", "--format", "sarif"]);
    let sarif = assert_valid_sarif(&run.stdout);
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids, codes,
        "the catalogue is every code, in the order `explain` lists them"
    );
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let explained = smce_guard(["explain", id]).stdout;
        let description = rule["shortDescription"]["text"].as_str().unwrap();
        assert!(explained.contains(description), "{id}: {description}");
        assert!(
            (rule["help"]["markdown"].as_str().unwrap()).contains("**Fix:**"),
            "{id}"
        );
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning"].contains(&level), "{id}: {level}");
    }
    // Every result points at its own rule.
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
    }
}

#[test]
fn check_in_every_format_on_the_repository_example() {
    let json = smce_guard(["check", "--format", "json"]).json();
    let findings = json["findings"].as_array().unwrap().len();
    let errors = json["summary"]["errors"].as_u64().unwrap() as usize;
    for format in FORMATS {
        let run = smce_guard(["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        match format {
            "sarif" => {
                let sarif = assert_valid_sarif(&run.stdout);
                let results = sarif["runs"][0]["results"].as_array().unwrap();
                assert_eq!(results.len(), findings);
                for result in results {
                    let region = &result["locations"][0]["physicalLocation"]["region"];
                    assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
                    assert!(
                        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                            .as_str()
                            .unwrap()
                            .starts_with("policies/")
                    );
                }
                let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
                    .as_array()
                    .unwrap();
                assert!(
                    rules
                        .iter()
                        .all(|r| !r["help"]["text"].as_str().unwrap().is_empty())
                );
            }
            "junit" => {
                let (cases, failures, skipped) = junit_counts(&run.stdout);
                assert!(
                    cases > findings,
                    "one test case per check performed, not only per finding"
                );
                // Failures follow --fail-on (error by default): warnings pass, told in system-out.
                assert_eq!((failures, skipped), (errors, 0));
                assert!(errors < findings, "the example has warnings too");
            }
            "github" => {
                assert_eq!(run.stdout.lines().count(), findings);
                assert!(
                    run.stdout
                        .lines()
                        .all(|l| l.starts_with("::error file=policies/")
                            || l.starts_with("::warning file=policies/"))
                );
            }
            "markdown" => {
                assert!(
                    run.stdout
                        .contains("| nasa-ghg-hub | 597746869805 | ✅ ok |")
                );
                assert!(run.stdout.contains("### maap (916098889494)"));
                assert_eq!(run.stdout.matches("  - fix: ").count(), findings);
            }
            _ => {}
        }
        insta::assert_snapshot!(format!("check-{format}"), snapshotted(format, &run.stdout));
    }
}

#[test]
fn lint_in_every_format_on_one_broken_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "account:\n  id: \"444055461661\"\n  name: broken\n  regoin: us-west-2\nmembers:\n  - user: ada\n  - user: ada\ncredentials:\n  warn_days: 70\n",
    )
    .unwrap();
    for format in FORMATS {
        let run = smce_guard_in(dir.path(), ["lint", "broken.yaml", "--format", format]);
        assert_eq!(run.code, 2, "{format}");
        match format {
            "sarif" => {
                let sarif = assert_valid_sarif(&run.stdout);
                let lines: Vec<u64> = sarif["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        r["locations"][0]["physicalLocation"]["region"]["startLine"]
                            .as_u64()
                            .unwrap()
                    })
                    .collect();
                assert_eq!(lines, [4]);
            }
            "junit" => assert_eq!(junit_counts(&run.stdout), (1, 1, 0)),
            "github" => {
                assert!(run.stdout.starts_with(
                    "::error file=broken.yaml,line=4,col=3,title=policy.unknown-key::"
                ))
            }
            _ => {}
        }
        insta::assert_snapshot!(format!("lint-{format}"), snapshotted(format, &run.stdout));
    }
}

#[test]
fn waivers_mark_findings_and_stale_ones_are_reported() {
    let dir = scratch_example();
    let maap = dir.path().join("policies/maap.yaml");
    let mut text = std::fs::read_to_string(&maap).unwrap();
    text.push_str(
        "waivers:\n  - code: user.unmanaged\n    principal: example-engineer-katherine\n    reason: SMDE deletes the user in December\n    until: \"2099-12-31\"\n  - code: member.missing\n    reason: nobody is missing\n    until: \"2099-12-31\"\n",
    );
    std::fs::write(&maap, text).unwrap();
    let run = smce_guard_in(
        dir.path(),
        ["check", "--account", "maap", "--format", "json"],
    );
    assert_eq!(
        run.code, 1,
        "other maap findings still fail: {}",
        run.stdout
    );
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    let unmanaged = findings
        .iter()
        .find(|f| f["code"] == "user.unmanaged")
        .unwrap();
    assert_eq!(unmanaged["waived"], true);
    assert_eq!(
        unmanaged["waiver"],
        serde_json::json!({"reason": "SMDE deletes the user in December", "until": "2099-12-31"})
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["code"] != "user.unmanaged")
            .all(|f| f["waived"] == false)
    );
    let unused = findings
        .iter()
        .find(|f| f["code"] == "waiver.unused")
        .expect("the member.missing waiver matched nothing");
    assert_eq!(unused["severity"], "warning");
    let line = unused["line"].as_u64().unwrap() as usize;
    assert_eq!(
        std::fs::read_to_string(&maap)
            .unwrap()
            .lines()
            .nth(line - 1)
            .unwrap()
            .trim(),
        "- code: member.missing"
    );
    assert_eq!(json["summary"]["waived"], 1);
    for format in ["human", "sarif", "junit", "markdown", "github"] {
        let out = smce_guard_in(
            dir.path(),
            ["check", "--account", "maap", "--format", format],
        )
        .stdout;
        assert!(
            out.contains("SMDE deletes the user in December"),
            "{format} does not show the waiver"
        );
    }
    let junit = smce_guard_in(
        dir.path(),
        ["check", "--account", "maap", "--format", "junit"],
    )
    .stdout;
    assert_eq!(junit_counts(&junit).2, 1, "the waived check is skipped");
    let sarif = assert_valid_sarif(
        &smce_guard_in(
            dir.path(),
            ["check", "--account", "maap", "--format", "sarif"],
        )
        .stdout,
    );
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 1);
}

#[test]
fn a_waiver_alone_turns_drift_into_a_pass() {
    let dir = scratch_example();
    let veda = dir.path().join("policies/nasa-veda.yaml");
    let mut text = std::fs::read_to_string(&veda).unwrap();
    text.push_str("waivers:\n  - code: key.expired\n    reason: rotation booked\n    until: \"2026-11-25\"\n  - code: sso.permission-set-changed\n    principal: Project-Power-User\n    reason: SMDE restores the set on Monday\n    until: \"2026-11-25\"\n");
    std::fs::write(&veda, text).unwrap();
    let args = [
        "check",
        "--account",
        "nasa-veda",
        "--fail-on",
        "warning",
        "--format",
        "json",
    ];
    let run = smce_guard_in(dir.path(), args);
    assert_eq!(run.code, 0, "both findings waived: {}", run.stdout);
    assert_eq!(run.json()["accounts"][0]["status"], "ok");
    // After `until`, the waiver is an error and no longer honoured.
    let later = smce_guard_in(
        dir.path(),
        [
            "check",
            "--account",
            "nasa-veda",
            "--now",
            "2026-11-27T00:00:00Z",
            "--format",
            "json",
        ],
    );
    assert_eq!(later.code, 2);
    let json = later.json();
    let codes = finding_codes(&json);
    assert_eq!(
        codes.iter().filter(|c| **c == "waiver.expired").count(),
        2,
        "{codes:?}"
    );
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["waived"] == false)
    );
    // lint judges waivers at the run's instant too.
    let lint = smce_guard_in(
        dir.path(),
        [
            "lint",
            "policies/nasa-veda.yaml",
            "--now",
            "2026-11-27T00:00:00Z",
        ],
    );
    assert_eq!(
        lint.code, 2,
        "an expired waiver is a lint error at that instant: {}",
        lint.stdout
    );
    // ... and not before it (the tests' instant, 2026-11-20, from SMCE_GUARD_NOW).
    let lint = smce_guard_in(dir.path(), ["lint", "policies/nasa-veda.yaml"]);
    assert_eq!(lint.code, 0, "{}", lint.stdout);
}

#[test]
fn shards_cover_every_account_exactly_once() {
    let all: Vec<String> = smce_guard(["check", "--format", "json"]).json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    for n in 1..=5 {
        let mut seen = Vec::new();
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let run = smce_guard(["check", "--shard", &shard, "--format", "json"]);
            // A shard that holds no account is refused (a run that judges nothing must not
            // pass), by `expiries` too.
            if run.code == 2 && run.stderr.contains("selects none of the 5 account(s)") {
                let expiries = smce_guard(["expiries", "--shard", &shard]);
                assert_eq!(expiries.code, 2, "{shard}: {}", expiries.stderr);
                continue;
            }
            let json = run.json();
            seen.extend(
                json["accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["id"].as_str().unwrap().to_owned()),
            );
            let expiries = smce_guard([
                "expiries",
                "--shard",
                &format!("{k}/{n}"),
                "--format",
                "json",
            ])
            .json();
            for credential in expiries["credentials"].as_array().unwrap() {
                assert!(
                    json["accounts"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a["id"] == credential["account_id"]),
                    "expiries and check shard alike"
                );
            }
        }
        seen.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(seen, expected, "{n} shards");
    }
    assert_eq!(smce_guard(["check", "--shard", "0/2"]).code, 2);
    assert_eq!(smce_guard(["check", "--shard", "3/2"]).code, 2);
}

#[test]
fn output_file_is_written_whole_and_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.sarif");
    let run = smce_guard([
        "check",
        "--format",
        "sarif",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert_valid_sarif(&std::fs::read_to_string(&path).unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );
    let missing = smce_guard(["check", "--output", "/nonexistent-dir/report.txt"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("/nonexistent-dir/report.txt"));
}

/// Parses the VEVENTs of an ICS calendar back: (UID, DTSTART date) pairs.
fn ics_events(text: &str) -> Vec<(String, String, String)> {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.lines().all(|l| l.trim_end_matches('\r').len() <= 75));
    let unfolded = text.replace("\r\n ", "");
    let mut events = Vec::new();
    let (mut uid, mut start, mut summary) = (String::new(), String::new(), String::new());
    for line in unfolded.split("\r\n") {
        if let Some(v) = line.strip_prefix("UID:") {
            uid = v.to_owned();
        } else if let Some(v) = line.strip_prefix("DTSTART;VALUE=DATE:") {
            start = v.to_owned();
        } else if let Some(v) = line.strip_prefix("SUMMARY:") {
            summary = v.to_owned();
        } else if line == "END:VEVENT" {
            events.push((uid.clone(), start.clone(), summary.clone()));
        }
    }
    events
}

#[test]
fn expiries_calendar_parses_back_to_the_right_dates() {
    let json = smce_guard(["expiries", "--format", "json"]).json();
    let credentials = json["credentials"].as_array().unwrap();
    assert_eq!(json["now"], "2026-11-20T09:00:00Z");
    let expires: Vec<&str> = credentials
        .iter()
        .map(|c| c["expires_at"].as_str().unwrap())
        .collect();
    assert!(expires.windows(2).all(|w| w[0] <= w[1]), "sorted by expiry");
    let deployer = credentials
        .iter()
        .find(|c| c["account_name"] == "nasa-veda" && c["kind"] == "access-key")
        .unwrap();
    // The key of 2026-03-09, never rotated since: 60 days, warned 15 before.
    assert_eq!(deployer["expires_at"], "2026-05-08T13:04:00Z");
    assert_eq!(deployer["warn_at"], "2026-04-23T13:04:00Z");
    assert_eq!(deployer["days_left"], -195);
    assert_eq!(deployer["contacts"][0]["email"], "veda-rep@example.org");
    assert_eq!(deployer["who_must_act"], "Example 2i2c Engineering");

    let run = smce_guard(["expiries", "--format", "ics"]);
    assert_eq!(run.code, 0);
    let events = ics_events(&run.stdout);
    assert_eq!(
        events.len(),
        2 * credentials.len(),
        "a warning and an expiry event per credential"
    );
    let key = deployer["key_id"].as_str().unwrap();
    let warn = events
        .iter()
        .find(|e| e.0 == format!("warn-444055461661-hub-continuous-deployer-{key}@smce-guard"))
        .unwrap();
    let expire = events
        .iter()
        .find(|e| e.0 == format!("expire-444055461661-hub-continuous-deployer-{key}@smce-guard"))
        .unwrap();
    assert_eq!(
        (warn.1.as_str(), expire.1.as_str()),
        ("20260423", "20260508")
    );
    assert!(expire.2.contains("nasa-veda") && expire.2.contains(key));

    let within = smce_guard(["expiries", "--within", "10", "--format", "json"]).json();
    assert!(
        within["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["days_left"].as_i64().unwrap() <= 10)
    );
    // Four expired (two deployer keys, two passwords), Grace's password (due in 8 days) and maap's
    // deployer key (in 10).
    assert_eq!(within["credentials"].as_array().unwrap().len(), 6);

    let table = smce_guard(["expiries"]).stdout;
    assert!(table.lines().next().unwrap().starts_with("EXPIRES_AT"));
    assert_eq!(table.lines().count(), credentials.len() + 2);
    let markdown = smce_guard(["expiries", "--format", "markdown"]).stdout;
    assert!(markdown.contains("```mermaid\ngantt\n"));
    assert!(markdown.contains(&format!(
        "access key {key} of hub-continuous-deployer : crit, "
    )));
    assert!(markdown.contains(", 2026-03-09, 2026-05-08\n"));
    assert_eq!(
        markdown.matches(" : active, ").count() + markdown.matches(" : crit, ").count(),
        credentials.len()
    );
}

/// The AWS side of the live recipe: the role trusts one branch of one repository, exactly, and
/// grants the two policy files the least-privilege test holds to the binary's operations.
#[test]
fn iam_oidc_role_trusts_only_a_default_branch_and_grants_the_reader_and_organization_policies() {
    let tf = std::fs::read_to_string(root().join("iam/smce-guard-oidc.tf")).unwrap();
    for needed in [
        "url            = \"https://token.actions.githubusercontent.com\"",
        "client_id_list = [\"sts.amazonaws.com\"]",
        "test     = \"StringEquals\"",
        "variable = \"token.actions.githubusercontent.com:aud\"",
        "variable = \"token.actions.githubusercontent.com:sub\"",
        "values   = [\"repo:${var.github_repository}:ref:refs/heads/${var.github_branch}\"]",
        "resource \"aws_iam_role_policy\"",
        "jsondecode(file(\"${path.module}/smce-guard-reader.json\"))",
        "jsondecode(file(\"${path.module}/smce-guard-organization.json\"))",
        "output \"role_arn\"",
    ] {
        assert!(tf.contains(needed), "iam/smce-guard-oidc.tf lacks {needed}");
    }
    // No wildcard trust and no second grant beside the read-only policy.
    for refused in [
        "StringLike",
        "ForAnyValue",
        "aws_iam_role_policy_attachment",
        "managed_policy_arns",
    ] {
        assert!(
            !tf.contains(refused),
            "iam/smce-guard-oidc.tf uses {refused}"
        );
    }
    assert_eq!(tf.matches("resource \"aws_iam_role_policy\"").count(), 2);
    for file in ["smce-guard-reader.json", "smce-guard-organization.json"] {
        let policy: Value =
            serde_json::from_str(&std::fs::read_to_string(root().join("iam").join(file)).unwrap())
                .expect("the policies the role is granted are JSON");
        assert!(
            policy["Statement"]
                .as_array()
                .is_some_and(|s| !s.is_empty()),
            "{file}"
        );
    }
    // The checker may assume only the dedicated read-only role, never an administrator's.
    let organization =
        std::fs::read_to_string(root().join("iam/smce-guard-organization.json")).unwrap();
    assert!(organization.contains("\"arn:aws:iam::*:role/smce-guard-reader\""));
    assert!(!organization.contains("OrganizationAccountAccessRole"));
}

/// `--output` to a device or a pipe writes into it; the atomic rename is for regular files only
/// (renaming over `/dev/null` once replaced the device with a plain file).
#[test]
fn output_to_a_pipe_writes_into_it_and_keeps_it_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let run = smce_guard([
        "check",
        "--format",
        "json",
        "--output",
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the pipe was replaced"
    );
    // Should the tool not have written, open and close the write end so the reader ends (with
    // nothing) instead of waiting for ever.
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(0o4000)
            .open(&fifo);
    }
    let text = reader.join().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["version"], 1);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn junit_lists_each_file_less_problem_once_even_when_not_adjacent() {
    use quick_xml::events::Event;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    // Two missing paths around an empty folder: policy.unreadable, policy.no-files,
    // policy.unreadable, none of them in a file.
    let run = smce_guard_in(
        dir.path(),
        [
            "lint",
            "missing-a",
            "empty",
            "missing-b",
            "--format",
            "junit",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let mut reader = quick_xml::Reader::from_str(&run.stdout);
    let mut names = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                let name = e.try_get_attribute("name").unwrap().unwrap();
                names.push(String::from_utf8_lossy(&name.value).into_owned());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(names, ["lint policy.unreadable", "lint policy.no-files"]);
}
