//! The hostile table: the same values, written by whoever opens a pull request (policy text) or
//! records an account (recorded files), go through every output format, and each format is read
//! back by the program that consumes it. The consumer must see text only: no terminal control,
//! no workflow command, no HTML, comment or broken table, no injected calendar event.
//!
//! The values reach the outputs through a contact name and a waiver reason (policy text), an
//! access key id (recording), and a policy file whose very name holds them (with a lint error, so
//! its name is reported). Markdown is read with cmark-gfm (GitHub's renderer), calendars with the
//! `icalendar` package, SARIF against the official schema, JUnit with an XML parser; the scripts
//! in `tests/consumers/` run them (`scripts/test` installs both packages when missing).

use crate::common::scratch_example;
use crate::common::{Run, root, smce_guard_in};
use crate::formats::assert_valid_sarif;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Every kind of hostile piece at once: ESC sequences (screen clearing, OSC 52 clipboard write),
/// BEL, a C1 CSI, a bidi override, bare CR, LF and CRLF followed by workflow commands, the
/// runner's legacy `##[` marker, `%`, markdown table and code markers, an HTML comment and a
/// script, mermaid separators, iCalendar separators, a backslash, and lines that would open an
/// HTML comment block or forge a table row if a line break survived.
pub const HOSTILE: &str = "X\u{1b}[2J\u{1b}]52;c;cGF3bmVk\u{7}\u{9b}31m\u{202e}R\rA\nB\r\n::warning::pwned %0A::add-mask::m ##[error]legacy |`<!-- <script>alert(1)</script> a: b; #c, d\\e Z\n<!-- hide the rest\n| forged | row |";

/// The judging instant of the repository's example (its recordings' capture time).
const NOW: &str = "2026-11-20T09:00:00Z";

/// A YAML double-quoted scalar holding `text` exactly.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{202e}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The repository's example, with the hostile value in nasa-veda's contact name, in a waiver
/// reason, as the deployer's active key id, and as the name of an extra policy file.
pub fn hostile_example() -> tempfile::TempDir {
    let dir = scratch_example();
    let policy = dir.path().join("policies/nasa-veda.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    let text = text.replace(
        "    - name: Example VEDA Representative",
        &format!("    - name: {}", yaml_quoted(HOSTILE)),
    ) + &format!(
        "waivers:\n  - code: key.expired\n    reason: {}\n    until: \"2099-01-01\"\n",
        yaml_quoted(HOSTILE)
    );
    std::fs::write(&policy, text).unwrap();
    let keys = dir.path().join("fixtures/nasa-veda/access-keys.json");
    let mut recorded: Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    for key in recorded["AccessKeyMetadata"].as_array_mut().unwrap() {
        if key["Status"] == "Active" {
            key["AccessKeyId"] = Value::from(HOSTILE);
        }
    }
    std::fs::write(&keys, recorded.to_string()).unwrap();
    // A file name cannot hold NUL or `/`; every other hostile piece goes into it.
    let name = HOSTILE.replace('/', "_");
    std::fs::write(
        dir.path().join(format!("policies/{name}.yaml")),
        "account:\n  id: \"999999999999\"\n  name: hostile\n  unknown_key: 1\n",
    )
    .unwrap();
    dir
}

/// Lines as the Actions runner splits a log (CR, LF, CRLF), trimmed as it reads commands.
fn runner_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\r', '\n']).map(str::trim_start)
}

/// Asserts `text` (a terminal or log stream) holds nothing a terminal or the runner would act on.
fn assert_inert(what: &str, text: &str) {
    for c in text.chars() {
        let control = (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(!control, "{what}: raw {c:?} reaches the reader:\n{text}");
    }
    assert!(
        !text.contains("##["),
        "{what}: a legacy runner marker:\n{text}"
    );
    for line in runner_lines(text) {
        assert!(
            !line.starts_with("::"),
            "{what}: a workflow command line: {line}"
        );
    }
}

/// Runs a consumer script from `tests/consumers/` on `input` and returns its JSON.
pub fn consume(script: &str, input: &str) -> Value {
    let path = root().join("tests/consumers").join(script);
    let mut python = Command::new(crate::common::python());
    python.arg(&path);
    let output = crate::common::with_stdin(python, input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed (scripts/python-env installs cmarkgfm and icalendar into .venv-test/):\n{stderr}"
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let run = smce_guard_in(dir, args);
    assert!(
        run.code == 1 || run.code == 2,
        "{args:?}: exit {}\n{}",
        run.code,
        run.stderr
    );
    assert_inert(&format!("{args:?} stderr"), &run.stderr);
    run
}

/// Asserts rendered markdown holds only text and the elements the report writes itself.
fn assert_markdown_text_only(what: &str, markdown: &str) -> Value {
    let read = consume("markdown.py", markdown);
    let allowed = [
        "a",
        "blockquote",
        "code",
        "h2",
        "h3",
        "li",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    for tag in read["tags"].as_array().unwrap() {
        assert!(
            allowed.contains(&tag.as_str().unwrap()),
            "{what}: markdown produced <{tag}>:\n{}",
            read["html"]
        );
    }
    assert_eq!(
        read["comments"],
        Value::Array(vec![]),
        "{what}: {}",
        read["html"]
    );
    read
}

#[test]
fn hostile_values_reach_every_check_format_as_text_only() {
    let dir = hostile_example();
    let base = ["check", "--now", NOW];
    let json = run(dir.path(), &[&base[..], &["--format", "json"]].concat()).json();
    let findings = json["findings"].as_array().unwrap();
    // The waiver's reason and the key id arrive whole: JSON escapes for itself.
    let waived = findings
        .iter()
        .find(|f| f["waiver"].is_object())
        .expect("the hostile waiver marks the deployer's expired key");
    assert_eq!(waived["waiver"]["reason"], HOSTILE);
    assert_eq!(waived["details"]["key_id"], HOSTILE);
    assert!(
        findings.iter().any(|f| f["code"] == "policy.unknown-key"
            && f["file"].as_str().unwrap().contains("::warning::pwned")),
        "the hostile file name is reported"
    );

    let human = run(dir.path(), &[&base[..], &["--color", "never"]].concat());
    assert_inert("human", &human.stdout);
    assert!(
        human.stdout.contains("\\u{1b}[2J"),
        "controls are shown, not dropped"
    );
    let colour = run(dir.path(), &[&base[..], &["--color", "always"]].concat());
    // With colour on, the only escapes are the report's own SGR sequences.
    let without_sgr = strip_sgr(&colour.stdout);
    assert_inert("human in colour", &without_sgr);

    let github = run(dir.path(), &[&base[..], &["--format", "github"]].concat());
    let commands: Vec<&str> = runner_lines(&github.stdout)
        .filter(|l| l.starts_with("::"))
        .collect();
    assert_eq!(commands.len(), findings.len(), "{}", github.stdout);
    for command in &commands {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|ours| command.starts_with(ours)),
            "{command}"
        );
    }
    assert!(!github.stdout.contains("##["), "{}", github.stdout);

    let markdown = run(dir.path(), &[&base[..], &["--format", "markdown"]].concat());
    let read = assert_markdown_text_only("check markdown", &markdown.stdout);
    // The accounts table keeps its shape: a header and one row per account.
    assert_eq!(read["rows"], 1 + json["accounts"].as_array().unwrap().len());
    let last = read["paragraphs"]
        .as_array()
        .unwrap()
        .last()
        .expect("the totals are rendered");
    let totals = format!(
        "{} errors, {} warnings, {} waived.",
        json["summary"]["errors"], json["summary"]["warnings"], json["summary"]["waived"]
    );
    assert_eq!(last.as_str().unwrap(), totals, "{}", read["html"]);
    let html = read["html"].as_str().unwrap();
    assert!(
        html.contains("&lt;script&gt;") && html.contains("&lt;!--"),
        "{html}"
    );

    let sarif = run(dir.path(), &[&base[..], &["--format", "sarif"]].concat());
    let document = assert_valid_sarif(&sarif.stdout);
    let suppressed = document["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r["suppressions"][0]["justification"].as_str())
        .unwrap();
    assert!(suppressed.ends_with(HOSTILE), "{suppressed}");

    let junit = run(dir.path(), &[&base[..], &["--format", "junit"]].concat());
    let mut reader = quick_xml::Reader::from_str(&junit.stdout);
    let mut cases = 0;
    loop {
        match reader.read_event().expect("JUnit is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.name().as_ref() == b"testcase" =>
            {
                cases += 1;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(cases > findings.len(), "{cases} test cases");

    let lint = run(dir.path(), &["lint", "--color", "never"]);
    assert_inert("lint human", &lint.stdout);
}

#[test]
fn hostile_values_reach_every_expiries_format_as_text_only() {
    let dir = hostile_example();
    let base = ["expiries", "--now", NOW];
    let listed = |format: &str| {
        let run = smce_guard_in(dir.path(), [&base[..], &["--format", format]].concat());
        // The hostile extra policy has a lint error: exit 2, the rest still listed.
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_inert(&format!("expiries {format} stderr"), &run.stderr);
        run.stdout
    };
    let json: Value = serde_json::from_str(&listed("json")).unwrap();
    let credentials = json["credentials"].as_array().unwrap();
    assert!(credentials.iter().any(|c| c["key_id"] == HOSTILE));

    assert_inert("expiries table", &listed("table"));

    let markdown = listed("markdown");
    let read = assert_markdown_text_only("expiries markdown", &markdown);
    assert_eq!(read["rows"], 1 + credentials.len(), "{}", read["html"]);
    // The gantt chart stays one code block, whatever the names hold.
    let charts = read["pre"].as_array().unwrap();
    assert_eq!(charts.len(), 1, "{}", read["html"]);
    let chart = charts[0].as_str().unwrap();
    assert!(chart.starts_with("gantt\n"), "{chart}");
    for line in chart.lines().skip(1) {
        assert!(
            !line.contains('#') && !line.contains(';') && line.matches(':').count() <= 1,
            "a name escaped its mermaid statement: {line}"
        );
    }

    let calendar = consume("ics.py", &listed("ics"));
    let events = calendar["events"].as_array().unwrap();
    // One event on the warning date and one on the expiry date per credential: none injected.
    assert_eq!(events.len(), 2 * credentials.len());
    let uids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are distinct");
    let hostile: Vec<&Value> = events
        .iter()
        .filter(|e| e["summary"].as_str().unwrap().contains("::warning::pwned"))
        .collect();
    assert_eq!(hostile.len(), 2, "{events:?}");
    for event in events {
        for field in ["uid", "summary", "description"] {
            let value = event[field].as_str().unwrap();
            assert!(
                !value.chars().any(|c| c.is_control() && c != '\n'),
                "{field} holds a raw control: {value:?}"
            );
        }
    }
    for event in &hostile {
        // Separators survive as text; the contact name is there, controls made visible.
        let description = event["description"].as_str().unwrap();
        assert!(description.contains("a: b; #c, d\\e Z"), "{description}");
        assert!(description.contains("\\u{1b}[2J"), "{description}");
    }
}

/// The text with the SGR colour sequences (`ESC [ digits ; ... m`) removed.
fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[end..].starts_with('m') {
            rest = &tail[end + 1..];
        } else {
            out.push_str("\u{1b}[");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Asserts no line of `text` is one the Actions runner acts on: none starts with `::` once split
/// as the runner splits (CR, LF, CRLF) and trimmed, and none holds `##[` (its legacy parser).
fn assert_runner_safe(what: &str, text: &str) {
    assert!(
        !text.contains("##["),
        "{what}: a legacy runner marker:\n{text}"
    );
    for line in runner_lines(text) {
        assert!(
            !line.starts_with("::"),
            "{what}: a workflow command line: {line}"
        );
    }
}

/// Every command that writes data, in every format it writes to stdout, with hostile values in
/// the policy text, the recording and a file name: no line the Actions runner would act on, and
/// no raw control (but the line breaks of the format itself), while each consumer still reads
/// the values back whole. `--format github` writes its own command lines (checked above).
#[test]
fn hostile_values_reach_no_runner_command_in_any_format_on_stdout() {
    let dir = hostile_example();
    let now = ["--now", NOW];
    let stdout = |args: &[&str]| -> String {
        let run = smce_guard_in(dir.path(), [args, &now[..]].concat());
        assert!(
            (0..=3).contains(&run.code),
            "{args:?}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert_inert(&format!("{args:?} stderr"), &run.stderr);
        run.stdout
    };
    for command in ["check", "lint"] {
        for format in ["human", "json", "sarif", "junit", "markdown"] {
            let what = format!("{command} --format {format}");
            let text = stdout(&[command, "--format", format, "--color", "never"]);
            assert_runner_safe(&what, &text);
            assert_inert(&what, &text);
            match format {
                "sarif" => {
                    assert_valid_sarif(&text);
                }
                "json" => {
                    // Read back, the hostile file name is whole, its markers and all.
                    let read: Value = serde_json::from_str(&text).expect(&what);
                    let hostile_file = format!("policies/{}.yaml", HOSTILE.replace('/', "_"));
                    assert!(
                        read.to_string()
                            .contains(&serde_json::to_string(&hostile_file).unwrap()),
                        "{what}"
                    );
                }
                "junit" => {
                    // Read back by an XML parser, the hostile file name is whole again.
                    let mut reader = quick_xml::Reader::from_str(&text);
                    let mut names = Vec::new();
                    loop {
                        match reader.read_event().expect("JUnit is well-formed XML") {
                            quick_xml::events::Event::Start(e)
                            | quick_xml::events::Event::Empty(e)
                                if e.name().as_ref() == b"testcase" =>
                            {
                                let name = e.try_get_attribute("name").unwrap().unwrap();
                                names.push(
                                    name.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                        .unwrap()
                                        .into_owned(),
                                );
                            }
                            quick_xml::events::Event::Eof => break,
                            _ => {}
                        }
                    }
                    // (quick-junit drops ANSI sequences from names, and XML reads a line break in
                    // an attribute as a space; the runner's markers are there as written.)
                    assert!(
                        names.iter().any(
                            |n| n.contains("::warning::pwned %0A::add-mask::m ##[error]legacy")
                        ),
                        "{what}: {names:?}"
                    );
                }
                "markdown" => {
                    assert_markdown_text_only(&what, &text);
                }
                _ => {}
            }
        }
    }
    for format in ["table", "json", "markdown", "ics"] {
        let what = format!("expiries --format {format}");
        let text = stdout(&["expiries", "--format", format]);
        assert_runner_safe(&what, &text);
        match format {
            "json" => {
                let read: Value = serde_json::from_str(&text).unwrap();
                let credentials = read["credentials"].as_array().unwrap();
                assert!(credentials.iter().any(|c| c["key_id"] == HOSTILE), "{what}");
                assert!(
                    credentials
                        .iter()
                        .any(|c| c["contacts"][0]["name"] == HOSTILE),
                    "{what}"
                );
                assert_inert(&what, &text);
            }
            "ics" => {
                // The calendar's own CRLF line ends aside, its lines are inert; and unfolded,
                // the hostile values are there whole.
                let calendar = consume("ics.py", &text);
                let summaries: Vec<&str> = calendar["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["summary"].as_str().unwrap())
                    .collect();
                assert!(
                    summaries
                        .iter()
                        .any(|s| s.contains("::add-mask::m ##[error]legacy")),
                    "{summaries:?}"
                );
                assert_inert(&what, &text.replace("\r\n", "\n"));
            }
            _ => assert_inert(&what, &text),
        }
    }
    // verify-key lists the account's keys, the hostile one among them.
    for format in ["human", "json"] {
        let what = format!("verify-key --format {format}");
        let text = stdout(&[
            "verify-key",
            "--account",
            "nasa-veda",
            "--key-id",
            "AKIAEXAMPLE35EMZB4UA",
            "--format",
            format,
        ]);
        assert_runner_safe(&what, &text);
        assert_inert(&what, &text);
        if format == "json" {
            let read: Value = serde_json::from_str(&text).unwrap();
            assert!(
                read["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["key_id"] == HOSTILE),
                "{text}"
            );
        }
    }
}

/// `inventory` writes what the infrastructure checkout holds: a cluster folder named with every
/// hostile piece (but `/`) and a cluster name holding the runner's markers reach no line the
/// runner acts on, in any of its formats, and JSON reads them back whole.
#[test]
fn hostile_cluster_files_reach_no_runner_command_in_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    crate::infrastructure::copy(&crate::common::data("infrastructure"), &infra);
    let clusters = infra.join("config/clusters");
    let name = HOSTILE.replace('/', "_");
    crate::infrastructure::copy(&clusters.join("uw-escience"), &clusters.join(&name));
    let file = clusters.join(&name).join("cluster.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let cluster = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("clusterName: "))
        .expect("the copied cluster file names its cluster")
        .to_owned();
    std::fs::write(
        &file,
        text.replacen(
            &format!("clusterName: {cluster}"),
            "clusterName: \"x\\n::warning::pwned ##[error]y\"",
            1,
        ),
    )
    .unwrap();
    for format in ["table", "json", "markdown", "ics"] {
        let what = format!("inventory --format {format}");
        let infra = infra.to_str().unwrap();
        let args = [
            "inventory",
            "--infrastructure",
            infra,
            "--now",
            NOW,
            "--format",
            format,
        ];
        let run = smce_guard_in(dir.path(), args);
        assert!(run.code <= 2, "{what}: exit {}\n{}", run.code, run.stderr);
        assert_inert(&format!("{what} stderr"), &run.stderr);
        assert_runner_safe(&what, &run.stdout);
        if format == "ics" {
            assert_inert(&what, &run.stdout.replace("\r\n", "\n"));
        } else {
            assert_inert(&what, &run.stdout);
        }
        if format == "json" {
            let read: Value = serde_json::from_str(&run.stdout).unwrap();
            assert!(
                read["clusters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["name"] == name.as_str()),
                "{what}: {}",
                run.stdout
            );
        }
    }
}
