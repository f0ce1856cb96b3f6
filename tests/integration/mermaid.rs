//! The mermaid charts the tool writes (the gantt chart of `expiries --format markdown`, the only
//! markdown output with a mermaid block), read back by mermaid's own parser: the `mermaid` npm
//! package under node, through `tests/consumers/mermaid.mjs` (`scripts/test` installs it with
//! `npm ci` when missing). Every chart must parse and lay out its tasks; a name, whatever it holds,
//! stays one task's name in its account's section.
//!
//! Covered: the repository's example (with the today marker), an account with hundreds of
//! credentials, names with spaces and punctuation (contacts, IAM user names, free-text key ids,
//! account names that are mermaid keywords), empty charts, an unreadable account, user names that
//! are mermaid keywords, and hostile key ids (separators, comments, directives, line breaks, a
//! script). A user name IAM would refuse never reaches a chart: the recording is refused.

use crate::common::scratch_example;
use crate::common::{Run, root, smce_guard_in};
use crate::escaping::{HOSTILE, hostile_example};
use crate::rules::case::{self, Case, Row};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The judging instant of the repository's example (its recordings' capture time).
const NOW: &str = "2026-11-20T09:00:00Z";

/// What mermaid made of a markdown document's mermaid blocks (`mermaid.mjs`'s JSON).
fn mermaid(markdown: &str) -> Value {
    let script = root().join("tests/consumers/mermaid.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(markdown.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "mermaid.mjs failed (scripts/test runs `npm ci --prefix tests/consumers`):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// One task of a gantt chart as mermaid laid it out: `section | task | id`.
fn task(t: &Value) -> String {
    format!(
        "{} | {} | {}",
        t["section"].as_str().unwrap(),
        t["task"].as_str().unwrap(),
        t["id"].as_str().unwrap()
    )
}

/// Runs `expiries --format markdown` in `dir`, asserts mermaid parses every block of it without
/// an error (at least one block), and returns the chart's tasks.
#[track_caller]
fn chart(dir: &Path, args: &[&str], code: i32) -> Vec<String> {
    let run: Run = smce_guard_in(
        dir,
        [&["expiries", "--format", "markdown"][..], args].concat(),
    );
    assert_eq!(run.code, code, "{}\n{}", run.stdout, run.stderr);
    let read = mermaid(&run.stdout);
    assert!(read["blocks"].as_u64().unwrap() >= 1, "{}", run.stdout);
    assert_eq!(
        read["errors"],
        Value::Array(vec![]),
        "mermaid rejected the chart:\n{}",
        run.stdout
    );
    let tasks = read["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "one chart: {}", run.stdout);
    let tasks: Vec<String> = tasks[0].as_array().unwrap().iter().map(task).collect();
    assert_eq!(
        tasks.first().map(String::as_str),
        Some("today | today | today"),
        "the today marker comes first:\n{}",
        run.stdout
    );
    tasks
}

/// How many credentials `expiries` lists in `dir` with `args` (its JSON).
fn listed(dir: &Path, args: &[&str]) -> usize {
    let run = smce_guard_in(dir, [&["expiries", "--format", "json"][..], args].concat());
    run.json()["credentials"].as_array().unwrap().len()
}

#[test]
fn the_example_chart_parses_with_its_today_marker() {
    let dir = scratch_example();
    let tasks = chart(dir.path(), &["--now", NOW], 0);
    assert_eq!(tasks.len(), 1 + listed(dir.path(), &["--now", NOW]));
    assert!(
        tasks.contains(
            &"legacy-members | console password of example-engineer-grace | c4".to_owned()
        ),
        "{tasks:#?}"
    );
    // Judged at each recording's capture time, and with a window, the chart still parses.
    chart(dir.path(), &[], 0);
    chart(dir.path(), &["--now", NOW, "--within", "10"], 0);
}

/// An account of `users` engineers, each with a console password and two active access keys, plus
/// the deployer; dates spread over the 60-day lifetime (fresh, expiring and expired).
fn crowded(name: &str, id: &str, users: usize) -> Case {
    let mut case = Case::named(name, id);
    let keys = case.keys.as_mut().unwrap();
    for i in 0..users {
        let user = format!("engineer-{i:03}");
        let day = |offset: usize| {
            format!(
                "2026-{:02}-{:02}",
                9 + (i + offset) % 3,
                1 + (i * 7 + offset) % 28
            )
        };
        let mut row = case::row(&user);
        row.password = Some(format!("{}T00:00:00+00:00", day(0)));
        row.mfa = true;
        for slot in 0..2 {
            row.keys[slot] = Some((true, format!("{}T00:00:00+00:00", day(slot + 1))));
            keys.push(case::key(
                &user,
                &format!("AKIA{id}{i:03}{slot}"),
                "Active",
                &format!("{}T00:00:00Z", day(slot + 1)),
            ));
        }
        case.rows.push(row);
        case.users.push(case::user(&user, &["SMCE-ProjectAdmins"]));
    }
    case
}

#[test]
fn a_chart_of_hundreds_of_credentials_parses() {
    let dir = tempfile::tempdir().unwrap();
    crowded("crowded", "111122223333", 60).write(dir.path());
    crowded("second", "444455556666", 5).write(dir.path());
    let tasks = chart(dir.path(), &["--now", NOW], 0);
    // The base account's alice (a password) and deployer (a key), then three per engineer.
    assert_eq!(tasks.len(), 1 + (2 + 3 * 60) + (2 + 3 * 5));
    assert_eq!(tasks.len(), 1 + listed(dir.path(), &["--now", NOW]));
    assert!(
        tasks
            .iter()
            .any(|t| t.starts_with("crowded | access key AKIA1111222233330591 of engineer-059 | c")),
        "{tasks:#?}"
    );
}

/// The case's credential report with `user`'s name and ARN quoted, as the CSV holds a name with a
/// comma (the generated report does not quote).
fn report_quoting(case: &Case, user: &str) -> String {
    case.report().replace(case::ID, &case.id).replace(
        &format!("{user},arn:aws:iam::{0}:user/{user},", case.id),
        &format!("\"{user}\",\"arn:aws:iam::{0}:user/{user}\",", case.id),
    )
}

/// The names a real account may hold: contact names are free text, IAM user names allow
/// `+=,.@_-`, key ids in a recording are free text, account names may be mermaid keywords.
#[test]
fn names_with_spaces_and_punctuation_parse() {
    let dir = tempfile::tempdir().unwrap();
    let user = "svc+ci=prod,eu.team@example_x-1";
    let mut sections = Vec::new();
    for (i, name) in [
        "click",
        "section",
        "title",
        "today",
        "2026-11-20",
        "0.a_b-c",
    ]
    .iter()
    .enumerate()
    {
        let mut case = Case::named(name, &format!("{:012}", 100_000_000_000 + i));
        // These contacts instead of the base case's.
        case.policy = case.policy.replace(case::CONTACTS, "").replace(
            &format!("  name: {name}\n"),
            &format!(
                "  name: \"{name}\"\n  contacts:\n    - name: \"O'Brien, Ana-María (on call) #2; a: b <x> & 100%\"\n      email: rep@example.org\n"
            ),
        );
        let mut row = case::row(user);
        row.password = Some("2026-10-01T00:00:00+00:00".into());
        row.keys[0] = Some((true, "2026-11-01T00:00:00+00:00".into()));
        case.rows.push(row);
        case.users.push(case::user(user, &[]));
        case.keys.as_mut().unwrap().push(case::key(
            user,
            "key with spaces (old) #1; née, 50% [temp]",
            "Active",
            "2026-11-01T00:00:00Z",
        ));
        let report = report_quoting(&case, user);
        case.overrides
            .push(("credential-report.csv", case::Override::Text(report)));
        case.write(dir.path());
        sections.push(*name);
    }
    let tasks = chart(dir.path(), &["--now", NOW], 0);
    assert_eq!(tasks.len(), 1 + 4 * sections.len());
    for name in sections {
        let of = |what: &str| {
            tasks
                .iter()
                .filter(|t| {
                    t.starts_with(&format!(
                        "{name} | {what} of svc+ci prod eu.team@example_x-1 | c"
                    ))
                })
                .count()
        };
        assert_eq!(of("console password"), 1, "{name}: {tasks:#?}");
        assert_eq!(
            of("access key key with spaces (old) 1 née 50 temp"),
            1,
            "{name}: {tasks:#?}"
        );
    }
}

#[test]
fn empty_charts_parse() {
    let dir = scratch_example();
    assert_eq!(
        chart(dir.path(), &["--now", NOW, "--within=-1000"], 0).len(),
        1
    );
    // An account with no credential at all: no password, no key.
    let dir = tempfile::tempdir().unwrap();
    let mut case = Case::base();
    for row in &mut case.rows {
        *row = Row {
            password: None,
            keys: [None, None],
            ..row.clone()
        };
    }
    case.keys = Some(vec![]);
    case.write(dir.path());
    assert_eq!(chart(dir.path(), &["--now", NOW], 0).len(), 1);
}

#[test]
fn a_chart_missing_an_account_still_parses() {
    let dir = scratch_example();
    let report = dir.path().join("fixtures/nasa-veda/credential-report.csv");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, &text[..text.len() - 20]).unwrap();
    let tasks = chart(dir.path(), &["--now", NOW], 2);
    assert!(
        tasks.iter().all(|t| !t.starts_with("nasa-veda")),
        "{tasks:#?}"
    );
}

/// Every piece a name could use to end its statement or start another: separators, comments,
/// line breaks, keywords at a line start, a click callback and a script.
const SEPARATORS: &str = "a: b; c #d %%e\nsection x\ntitle y\ndateFormat z\r\nclick c0 call alert(1)\naxisFormat %%\n<script>alert(1)</script> %%{init: {}}%% f";

#[test]
fn hostile_names_and_key_ids_stay_one_task() {
    let dir = tempfile::tempdir().unwrap();
    let mut case = Case::base();
    // Key ids are free text in a recording; user names are what IAM allows, which includes every
    // mermaid keyword and `+=,.@_-`.
    case.keys.as_mut().unwrap()[0]["AccessKeyId"] = Value::from(SEPARATORS);
    let users = ["click", "dateFormat", "section=x,title@y.z+w_v-u"];
    for (i, user) in users.into_iter().enumerate() {
        let mut row = case::row(user);
        row.password = Some("2026-10-01T00:00:00+00:00".into());
        row.keys[0] = Some((true, "2026-11-01T00:00:00+00:00".into()));
        case.rows.push(row);
        case.users.push(case::user(user, &[]));
        case.keys.as_mut().unwrap().push(case::key(
            user,
            &format!("{SEPARATORS} {i}"),
            "Active",
            "2026-11-01T00:00:00Z",
        ));
    }
    let report = report_quoting(&case, users[2]);
    case.overrides
        .push(("credential-report.csv", case::Override::Text(report)));
    case.write(dir.path());
    let tasks = chart(dir.path(), &["--now", NOW], 0);
    let key = "a b c d e section x title y dateFormat z click c0 call alert(1) axisFormat script alert(1) /script init f";
    let mut names: Vec<String> = tasks[1..]
        .iter()
        .map(|t| t.rsplit_once(" | ").unwrap().0.to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "acme | access key KEY 0 of click".to_owned(),
            "acme | access key KEY 1 of dateFormat".to_owned(),
            "acme | access key KEY 2 of section x title@y.z+w_v-u".to_owned(),
            "acme | access key KEY of hub-continuous-deployer".to_owned(),
            "acme | console password of alice".to_owned(),
            "acme | console password of click".to_owned(),
            "acme | console password of dateFormat".to_owned(),
            "acme | console password of section x title@y.z+w_v-u".to_owned(),
        ]
        .map(|t| t.replace("KEY", key)),
        "{tasks:#?}"
    );
}

#[test]
fn the_hostile_table_stays_one_chart() {
    let dir = hostile_example();
    // The hostile extra policy has a lint error: exit 2, the rest still charted.
    let tasks = chart(dir.path(), &["--now", NOW], 2);
    assert_eq!(tasks.len(), 1 + listed(dir.path(), &["--now", NOW]));
    assert!(
        tasks
            .iter()
            .any(|t| t.starts_with("nasa-veda | access key X 2J 52 c cGF3bmVk")),
        "{tasks:#?} {HOSTILE:?}"
    );
}
