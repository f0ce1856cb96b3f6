//! When and for whom: reports say the instant they judged at (per account where they differ),
//! `--show-passed` gives the positive answer in every format, recordings older than `--max-age`
//! are stale, and calendar events alarm and name who must act. Calendars and markdown are read
//! back by their consumers (`tests/consumers/`).

use crate::common::scratch_example;
use crate::common::{Run, smce_guard, smce_guard_in};
use crate::escaping::consume;
use serde_json::Value;

fn passed_lines(json: &Value) -> Vec<String> {
    json["passed"]
        .as_array()
        .expect("--show-passed adds `passed`")
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p["account_name"].as_str().unwrap(),
                p["code"].as_str().unwrap(),
                p["principal"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn show_passed_answers_is_the_mfa_exemption_in_place_in_every_format() {
    // nasa-ghg-hub's deployer is exempt; maap's is still in SMCE-UserRestrictions.
    let exempt = "nasa-ghg-hub deployer.restricted hub-continuous-deployer";
    let restricted = "maap deployer.restricted hub-continuous-deployer";
    let json = smce_guard(["check", "--show-passed", "--format", "json"]).json();
    let passed = passed_lines(&json);
    assert!(passed.iter().any(|p| p == exempt), "{passed:?}");
    assert!(!passed.iter().any(|p| p == restricted), "{passed:?}");
    // A check with a finding (waived or not) is never listed as passed.
    for finding in json["findings"].as_array().unwrap() {
        let line = format!(
            "{} {} {}",
            finding["account_name"].as_str().unwrap_or("-"),
            finding["code"].as_str().unwrap(),
            finding["principal"].as_str().unwrap_or("-")
        );
        assert!(!passed.contains(&line), "{line} both failed and passed");
    }
    // Without the flag the JSON contract is as before.
    let plain = smce_guard(["check", "--format", "json"]).json();
    assert!(plain.get("passed").is_none());

    let human = smce_guard(["check", "--show-passed"]);
    assert!(
        human
            .stdout
            .contains("nasa-ghg-hub: deployer.restricted ✓ hub-continuous-deployer"),
        "{}",
        human.stdout
    );
    assert!(!human.stdout.contains("maap: deployer.restricted ✓"));
    // The human format with -v answers the same.
    let verbose = smce_guard(["check", "-v"]);
    assert!(
        verbose
            .stdout
            .contains("nasa-ghg-hub: deployer.restricted ✓")
    );
    assert!(!smce_guard(["check"]).stdout.contains('✓'));

    let github = smce_guard(["check", "--show-passed", "--format", "github"]);
    assert!(
        github
            .stdout
            .lines()
            .any(|l| l == "passed: nasa-ghg-hub deployer.restricted ✓ hub-continuous-deployer")
    );

    let markdown = smce_guard(["check", "--show-passed", "--format", "markdown"]);
    let read = consume("markdown.py", &markdown.stdout);
    let html = read["html"].as_str().unwrap();
    assert!(
        html.contains("<li>✅ nasa-ghg-hub <strong>deployer.restricted</strong> <code>hub-continuous-deployer</code></li>"),
        "{html}"
    );
    assert!(
        !html.contains("✅ maap <strong>deployer.restricted</strong>"),
        "{html}"
    );
}

fn accounts_now(run: &Run) -> Vec<(String, String)> {
    run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["now"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

#[test]
fn recordings_of_different_dates_are_judged_and_reported_each_at_its_own_under_as_recorded() {
    let dir = scratch_example();
    let snapshot = dir.path().join("fixtures/maap/snapshot.json");
    let text = std::fs::read_to_string(&snapshot)
        .unwrap()
        .replace("2026-11-20T09:00:00Z", "2026-11-21T10:30:00Z");
    std::fs::write(&snapshot, text).unwrap();
    let check = |args: &[&str]| {
        let mut command = crate::common::command(dir.path(), [&["check"], args].concat());
        command.env_remove("SMCE_GUARD_NOW");
        crate::common::execute(command)
    };
    let run = check(&["--as-recorded", "--format", "json"]);
    assert_eq!(run.json()["now"], Value::Null);
    let at = accounts_now(&run);
    assert!(
        at.contains(&("maap".into(), "2026-11-21T10:30:00Z".into())),
        "{at:?}"
    );
    assert!(
        at.contains(&("nasa-veda".into(), "2026-11-20T09:00:00Z".into())),
        "{at:?}"
    );

    let human = check(&["--as-recorded"]).stdout;
    assert!(
        human.starts_with("smce-guard check, each account judged at its recording's capture time"),
        "{human}"
    );
    assert!(
        human
            .lines()
            .any(|l| l.starts_with("  maap ") && l.ends_with("judged at 2026-11-21T10:30:00Z")),
        "{human}"
    );
    let markdown = check(&["--as-recorded", "--format", "markdown"]).stdout;
    let read = consume("markdown.py", &markdown);
    let html = read["html"].as_str().unwrap();
    assert!(html.contains("<th>judged at</th>"), "{html}");
    assert!(html.contains("<td>2026-11-21T10:30:00Z</td>"), "{html}");

    // By default one instant, now, for every account; and the recordings are stale by then.
    let run = check(&["--format", "json"]);
    let now = run.json()["now"].as_str().unwrap().to_owned();
    assert!(accounts_now(&run).iter().all(|(_, at)| *at == now));
}

#[test]
fn stale_recordings_warn_in_check_and_expiries() {
    let check = smce_guard(["check", "--now", "2026-12-01", "--format", "json"]);
    let json = check.json();
    let stale: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "fixture.stale")
        .collect();
    assert_eq!(stale.len(), 5, "{}", check.stdout);
    let veda = stale
        .iter()
        .find(|f| f["account_name"] == "nasa-veda")
        .unwrap();
    assert_eq!(veda["severity"], "warning");
    assert!(
        veda["message"]
            .as_str()
            .unwrap()
            .contains("captured 10 days before"),
        "{veda}"
    );
    assert!(
        veda["help"]
            .as_str()
            .unwrap()
            .contains("smce-guard snapshot --account nasa-veda")
    );
    assert_eq!(veda["file"], "policies/nasa-veda.yaml");
    // A larger --max-age accepts them.
    let lenient = smce_guard([
        "check",
        "--now",
        "2026-12-01",
        "--max-age",
        "30",
        "--format",
        "json",
    ]);
    assert!(!lenient.stdout.contains("fixture.stale"));

    // The staleness of each recording is said once: by the table when it is on stdout, on
    // stderr otherwise (a machine format, or the table in a file).
    let warnings = |run: &crate::common::Run| {
        (run.stderr.lines())
            .filter(|l| l.starts_with("warning: the recording of"))
            .count()
    };
    let stale_lines = |text: &str| text.lines().filter(|l| l.starts_with("STALE: ")).count();
    let expiries = smce_guard(["expiries", "--now", "2026-12-01"]);
    assert_eq!(expiries.code, 0, "{}", expiries.stderr);
    assert_eq!(stale_lines(&expiries.stdout), 5, "{}", expiries.stdout);
    assert_eq!(warnings(&expiries), 0, "{}", expiries.stderr);
    let run = smce_guard(["expiries", "--now", "2026-12-01", "--format", "json"]);
    assert_eq!(run.json()["stale"].as_array().unwrap().len(), 5);
    assert_eq!(warnings(&run), 5, "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expiries.txt");
    let run = smce_guard([
        "expiries",
        "--now",
        "2026-12-01",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.stdout, "");
    assert_eq!(warnings(&run), 5, "{}", run.stderr);
    assert_eq!(stale_lines(&std::fs::read_to_string(&file).unwrap()), 5);
}

/// A credential's `last_used` in the expiries JSON.
fn engine_last_used(credential: &Value) -> String {
    credential["last_used"]
        .as_str()
        .unwrap_or("never")
        .to_owned()
}

#[test]
fn calendar_events_alarm_and_name_who_must_act() {
    let dir = scratch_example();
    let policy = dir.path().join("policies/nasa-veda.yaml");
    let text = std::fs::read_to_string(&policy).unwrap().replace(
        "  owner: Example 2i2c Engineering\n",
        "  owner: 2i2c engineering\n",
    );
    std::fs::write(&policy, text).unwrap();
    let run = |format: &str| smce_guard_in(dir.path(), ["expiries", "--format", format]);
    let json = run("json").json();
    let credentials = json["credentials"].as_array().unwrap();
    let deployer = credentials
        .iter()
        .find(|c| c["account_name"] == "nasa-veda" && c["user"] == "hub-continuous-deployer")
        .unwrap();
    assert_eq!(deployer["owner"], "2i2c engineering");
    assert_eq!(deployer["who_must_act"], "2i2c engineering");
    // A member without an owner: the account's contacts must act (the legacy example).
    let engineer = credentials
        .iter()
        .find(|c| c["account_name"] == "legacy-members" && c["user"] == "example-engineer-ada")
        .unwrap();
    assert_eq!(engineer["owner"], Value::Null);
    assert_eq!(
        engineer["who_must_act"],
        "Example Legacy Representative <legacy-rep@example.org>"
    );
    // Last use, from the credential report, in every format.
    let used = engine_last_used(deployer);
    assert!(used.starts_with("2026-"), "{deployer}");
    let table = run("table").stdout;
    assert!(
        table
            .lines()
            .next()
            .unwrap()
            .contains("LAST_USED  WHO MUST ACT")
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains(deployer["key_id"].as_str().unwrap()) && l.contains(&used[..10])),
        "{table}"
    );
    let markdown = consume("markdown.py", &run("markdown").stdout);
    assert!(
        markdown["html"]
            .as_str()
            .unwrap()
            .contains("<th>last used</th>")
    );
    assert!(
        table.lines().any(|l| l.contains("hub-continuous-deployer")
            && l.contains("nasa-veda")
            && l.ends_with("2i2c engineering")),
        "{table}"
    );

    let calendar = consume("ics.py", &run("ics").stdout);
    let events = calendar["events"].as_array().unwrap();
    assert_eq!(events.len(), 2 * credentials.len());
    for event in events {
        let alarms = event["alarms"].as_array().unwrap();
        assert_eq!(alarms.len(), 1, "{event}");
        assert_eq!(alarms[0]["action"], "DISPLAY");
    }
    let key = deployer["key_id"].as_str().unwrap();
    let find = |kind: &str| {
        events
            .iter()
            .find(|e| {
                e["uid"].as_str().unwrap().starts_with(&format!(
                    "{kind}-444055461661-hub-continuous-deployer-{key}"
                ))
            })
            .unwrap_or_else(|| panic!("no {kind} event for {key}"))
    };
    let warn = find("warn");
    let expire = find("expire");
    // 09:00 UTC on the warning date; a day before the exact expiry.
    let warn_day = &deployer["warn_at"].as_str().unwrap()[..10];
    assert_eq!(
        warn["alarms"][0]["trigger"],
        format!("{warn_day} 09:00:00+00:00")
    );
    let expires: jiff::Timestamp = deployer["expires_at"].as_str().unwrap().parse().unwrap();
    let day_before = expires - jiff::SignedDuration::from_hours(24);
    let day_before = jiff::tz::TimeZone::UTC.to_datetime(day_before);
    assert_eq!(
        expire["alarms"][0]["trigger"],
        format!(
            "{} {}+00:00",
            day_before.date(),
            day_before.time().strftime("%H:%M:%S")
        )
    );
    assert_eq!(warn["transp"], "TRANSPARENT");
    assert_eq!(expire["transp"], "OPAQUE");
    assert!(
        expire["description"]
            .as_str()
            .unwrap()
            .contains("Who must act: 2i2c engineering.")
    );
    assert!(
        expire["description"]
            .as_str()
            .unwrap()
            .contains(&format!("last used: {}", &used[..10])),
        "{expire}"
    );
}

#[test]
fn sarif_and_junit_say_when_and_pass_what_passed() {
    let sarif = smce_guard(["check", "--show-passed", "--format", "sarif"]);
    let document = crate::formats::assert_valid_sarif(&sarif.stdout);
    let run = &document["runs"][0];
    assert_eq!(run["properties"]["judged_at"], crate::common::RECORDED_AT);
    let accounts = run["properties"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 5);
    assert!(
        accounts
            .iter()
            .all(|a| a["judged_at"] == crate::common::RECORDED_AT)
    );
    let results = run["results"].as_array().unwrap();
    let exempt = results
        .iter()
        .find(|r| {
            r["kind"] == "pass"
                && r["ruleId"] == "deployer.restricted"
                && r["properties"]["account_name"] == "nasa-ghg-hub"
        })
        .expect("the exemption passes in SARIF");
    assert_eq!(exempt["level"], "none");
    assert_eq!(exempt["properties"]["principal"], "hub-continuous-deployer");
    assert!(!results.iter().any(|r| r["kind"] == "pass"
        && r["ruleId"] == "deployer.restricted"
        && r["properties"]["account_name"] == "maap"));
    // Without the flag, no pass results.
    let plain = smce_guard(["check", "--format", "sarif"]);
    assert!(!plain.stdout.contains("\"pass\""));

    // JUnit: each suite says when; a warning fails its test case only under --fail-on warning,
    // and is told in system-out otherwise.
    let expiring = |args: &[&str]| {
        let run = smce_guard([&["check", "--format", "junit"], args].concat());
        junit_case(
            &run.stdout,
            "legacy-members",
            "password.expiring [example-engineer-grace]",
        )
    };
    let (judged_at, failed, out) = expiring(&[]);
    assert_eq!(judged_at.as_deref(), Some(crate::common::RECORDED_AT));
    assert!(!failed, "a warning passes under --fail-on error");
    assert!(out.contains("warning [password.expiring]"), "{out}");
    let (_, failed, out) = expiring(&["--fail-on", "warning"]);
    assert!(failed, "and fails under --fail-on warning");
    assert_eq!(out, "");
}

/// In a JUnit report: the suite's `judged_at` property, whether the named case failed, and its
/// `system-out`.
fn junit_case(xml: &str, suite: &str, case: &str) -> (Option<String>, bool, String) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut in_suite, mut in_case, mut in_out) = (false, false, false);
    let (mut judged_at, mut failed, mut out) = (None, false, String::new());
    let attribute = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
    };
    loop {
        match reader.read_event().expect("JUnit is well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuite" => in_suite = attribute(&e, "name").as_deref() == Some(suite),
                b"property"
                    if in_suite && attribute(&e, "name").as_deref() == Some("judged_at") =>
                {
                    judged_at = attribute(&e, "value");
                }
                b"testcase" => in_case = in_suite && attribute(&e, "name").as_deref() == Some(case),
                b"failure" if in_case => failed = true,
                b"system-out" if in_case => in_out = true,
                _ => {}
            },
            Event::Text(text) if in_out => out.push_str(&String::from_utf8_lossy(&text)),
            Event::End(e) => match e.name().as_ref() {
                b"system-out" => in_out = false,
                b"testcase" => in_case = false,
                b"testsuite" => in_suite = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (judged_at, failed, out)
}
