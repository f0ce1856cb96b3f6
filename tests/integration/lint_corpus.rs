//! Broken policies: every mistake reports its code at its line, and nothing panics.
//!
//! Each file directly under `tests/data/lint/` is one case, and so is each subdirectory (for the
//! mistakes that take two files, such as an account id declared twice). A case file says what lint
//! must report about it in comments of the form
//!
//! ```text
//! # expect: <code> line <N> [column <M>] [suggest <key>]
//! # expect: <code> whole-file
//! # help: <words>
//! ```
//!
//! (1-based line and character column; `whole-file` for a diagnostic with no position; `suggest`
//! for the key an unknown-key help must name; a `# help:` line under an expectation gives words
//! its help must contain, such as the corrected line `region: us-west-2`). Those comments are written by hand from where the
//! mistake is, never copied from the tool's output. The file holding the comment is the file the
//! diagnostic must name, and a case must report exactly its expectations, nothing more.
//!
//! The cases that would take megabytes to commit (a 2 MB file, a billion-laughs alias bomb, deep
//! nesting) are generated into a temporary directory by the tests at the end.

use crate::common::{Run, root, smce_guard, within};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The corpus, relative to the repository root (so reports name files relatively).
const CORPUS: &str = "tests/data/lint";

/// Expectations of case files that cannot hold a comment: (file name, code), at no position.
const UNCOMMENTED: &[(&str, &str)] = &[("empty.yaml", "policy.empty")];

/// Each generated case must finish well within this (a hang or an exponential expansion would not).
const FAST: Duration = Duration::from_secs(20);

/// What lint must report about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expect {
    /// The path as the report names it: relative to the repository root.
    file: String,
    code: String,
    /// `None` for `whole-file`: the diagnostic has no line and no column.
    line: Option<u64>,
    /// Checked only when given.
    column: Option<u64>,
    /// The key the help must propose (`did you mean `key`?`).
    suggest: Option<String>,
    /// Words the help must contain (a `# help:` line below the expectation).
    help: Option<String>,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.file, self.code)?;
        match self.line {
            Some(line) => write!(f, " line {line}")?,
            None => write!(f, " whole-file")?,
        }
        if let Some(column) = self.column {
            write!(f, " column {column}")?;
        }
        if let Some(key) = &self.suggest {
            write!(f, " suggest {key}")?;
        }
        if let Some(words) = &self.help {
            write!(f, " help `{words}`")?;
        }
        Ok(())
    }
}

/// Parses the `# expect:` comments of one case file (`relative` to the repository root).
fn expectations_of(relative: &str) -> Vec<Expect> {
    let name = Path::new(relative)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    if let Some((_, code)) = UNCOMMENTED.iter().find(|(file, _)| *file == name) {
        return vec![Expect {
            file: relative.to_owned(),
            code: (*code).to_owned(),
            line: None,
            column: None,
            suggest: None,
            help: None,
        }];
    }
    // Lossy: the non-UTF-8 case still carries its (ASCII) expectation.
    let bytes = std::fs::read(root().join(relative)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(words) = line.trim().strip_prefix("# help:") {
            let last: &mut Expect = out
                .last_mut()
                .unwrap_or_else(|| panic!("{relative}: `# help:` before any `# expect:`"));
            last.help = Some(words.trim().to_owned());
            continue;
        }
        let Some(comment) = line.trim().strip_prefix("# expect:") else {
            continue;
        };
        let mut words = comment.split_whitespace();
        let code = words
            .next()
            .unwrap_or_else(|| panic!("{relative}: `# expect:` without a code"));
        let mut expect = Expect {
            file: relative.to_owned(),
            code: code.to_owned(),
            line: None,
            column: None,
            suggest: None,
            help: None,
        };
        let mut whole_file = false;
        while let Some(word) = words.next() {
            let mut value = || {
                words
                    .next()
                    .unwrap_or_else(|| panic!("{relative}: `{word}` needs a value in `{comment}`"))
            };
            let number = |text: &str| {
                text.parse::<u64>()
                    .unwrap_or_else(|_| panic!("{relative}: `{text}` is not a number"))
            };
            match word {
                "line" => expect.line = Some(number(value())),
                "column" => expect.column = Some(number(value())),
                "suggest" => expect.suggest = Some(value().to_owned()),
                "whole-file" => whole_file = true,
                other => panic!("{relative}: unknown word `{other}` in `# expect:{comment}`"),
            }
        }
        assert!(
            whole_file != expect.line.is_some(),
            "{relative}: give either `line N` or `whole-file` in `{comment}`"
        );
        out.push(expect);
    }
    out
}

/// Every case: a file or a subdirectory of the corpus, relative to the repository root, in order.
fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(root().join(CORPUS))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || root().join(CORPUS).join(name).is_dir())
        .map(|name| format!("{CORPUS}/{name}"))
        .collect();
    cases.sort();
    cases
}

/// The `*.yaml` files a case consists of, relative to the repository root.
fn files_of(case: &str) -> Vec<String> {
    let path = root().join(case);
    if !path.is_dir() {
        return vec![case.to_owned()];
    }
    let mut files: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|entry| format!("{case}/{}", entry.unwrap().file_name().to_string_lossy()))
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    files.sort();
    files
}

fn diagnostics(run: &Run) -> Vec<Value> {
    run.json()["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no diagnostics array:\n{}", run.stdout))
}

fn lint_json(path: impl AsRef<OsStr>) -> Run {
    smce_guard([
        OsStr::new("lint"),
        path.as_ref(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ])
}

/// Whether `diagnostic` is the one `expect` describes.
fn matches(expect: &Expect, diagnostic: &Value) -> bool {
    diagnostic["file"] == expect.file.as_str()
        && diagnostic["code"] == expect.code.as_str()
        && diagnostic["line"] == expect.line.map_or(Value::Null, Value::from)
        && (expect.line.is_some() || diagnostic["column"].is_null())
        && expect
            .column
            .is_none_or(|column| diagnostic["column"] == column)
        && expect.suggest.as_ref().is_none_or(|key| {
            diagnostic["help"]
                .as_str()
                .is_some_and(|help| help.starts_with(&format!("did you mean `{key}`?")))
        })
        && expect.help.as_ref().is_none_or(|words| {
            diagnostic["help"]
                .as_str()
                .is_some_and(|help| help.contains(words.as_str()))
        })
}

/// Checks one lint run against the expectations of the files it read; returns every mismatch.
fn compare(case: &str, run: &Run, expected: &[Expect]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut found = diagnostics(run);
    // A case of warnings only (policy.cluster-mismatch) passes lint.
    let want = if found.iter().any(|d| d["severity"] == "error") {
        2
    } else {
        0
    };
    if run.code != want {
        problems.push(format!("{case}: exit code {} instead of {want}", run.code));
    }
    for expect in expected {
        match found.iter().position(|d| matches(expect, d)) {
            Some(i) => {
                found.remove(i);
            }
            None => problems.push(format!("{case}: expected `{expect}`, not reported")),
        }
    }
    for extra in found {
        problems.push(format!(
            "{case}: unexpected {} {}:{}:{} ({}; help: {})",
            extra["code"],
            extra["file"],
            extra["line"],
            extra["column"],
            extra["message"],
            extra["help"]
        ));
    }
    problems
}

#[test]
fn every_case_reports_its_code_at_its_line() {
    let cases = cases();
    let mut problems = Vec::new();
    let mut codes = BTreeSet::new();
    for case in &cases {
        let expected: Vec<Expect> = files_of(case)
            .iter()
            .flat_map(|file| expectations_of(file))
            .collect();
        assert!(!expected.is_empty(), "{case}: no `# expect:` comment");
        codes.extend(expected.iter().map(|e| e.code.clone()));
        let run = lint_json(case);
        problems.extend(compare(case, &run, &expected));

        // The human rendering of the same case: exit 2, no panic, and each diagnostic's header
        // names its file and line.
        let human = smce_guard(["lint", case.as_str()]);
        if human.code != run.code {
            problems.push(format!(
                "{case}: human format exit code {} instead of {}",
                human.code, run.code
            ));
        }
        for expect in &expected {
            let shown = match expect.line {
                Some(line) => human.stdout.contains(&format!("[{}:{line}:", expect.file)),
                None => human.stdout.contains(&expect.file),
            };
            if !shown || !human.stdout.contains(&expect.code) {
                problems.push(format!(
                    "{case}: human output does not show `{expect}`:\n{}",
                    human.stdout
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );

    assert!(cases.len() >= 20, "only {} cases", cases.len());
    // The generated cases below add policy.alias, policy.too-large and policy.too-deep.
    for code in [
        "policy.syntax",
        "policy.not-utf8",
        "policy.empty",
        "policy.duplicate-key",
        "policy.unknown-key",
        "policy.missing-field",
        "policy.wrong-type",
        "policy.invalid-value",
        "policy.duplicate-account-id",
        "policy.duplicate-account-name",
        "policy.duplicate-member",
        "policy.deployer-conflict",
        "policy.warn-window",
        "policy.action-shape",
        "policy.resource-shape",
        "policy.arn-mismatch",
        "policy.cluster-mismatch",
        "policy.no-contacts",
    ] {
        assert!(codes.contains(code), "no case for {code}");
    }
}

/// The case files are what they claim: small, and (but for one) valid UTF-8 whose only tab is in
/// the tab case.
#[test]
fn case_files_are_small_and_deliberate() {
    for case in cases() {
        for file in files_of(&case) {
            let bytes = std::fs::read(root().join(&file)).unwrap();
            assert!(bytes.len() < 2048, "{file} is {} bytes", bytes.len());
            let utf8 = std::str::from_utf8(&bytes);
            assert_eq!(utf8.is_err(), file.ends_with("/not-utf8.yaml"), "{file}");
            assert_eq!(
                bytes.contains(&b'\t'),
                file.ends_with("/syntax-tab-indent.yaml"),
                "{file}"
            );
        }
    }
    assert!(
        std::fs::read(root().join(CORPUS).join("empty.yaml"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn non_ascii_text_does_not_shift_the_column_or_the_underline() {
    let relative = format!("{CORPUS}/non-ascii-before-error.yaml");
    let text = std::fs::read_to_string(root().join(&relative)).unwrap();
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains("emial"))
        .unwrap();
    let before_line = &text[..text.find(line).unwrap()];
    let prefix = &line[..line.find("emial").unwrap()];
    // The case is only meaningful if characters and bytes disagree both before the line and on it.
    assert!(!before_line.is_ascii() && before_line.chars().count() != before_line.len());
    assert_ne!(prefix.chars().count(), prefix.len());
    let column = prefix.chars().count() + 1;

    let run = lint_json(&relative);
    let unknown: Vec<Value> = diagnostics(&run)
        .into_iter()
        .filter(|d| d["code"] == "policy.unknown-key")
        .collect();
    assert_eq!(unknown.len(), 1, "{}", run.stdout);
    assert_eq!(unknown[0]["line"], index + 1);
    assert_eq!(
        unknown[0]["column"], column,
        "the JSON column counts characters"
    );

    // In the human rendering, the underline of this diagnostic starts under the `e` of `emial`
    // and is as long as the key. The gutters (` 12 │ ` and `    · `) are equally wide, and every
    // character on the line is one column wide, so character positions line up.
    let human = smce_guard(["lint", relative.as_str()]);
    assert_eq!(human.code, 2);
    let report = &human.stdout[human
        .stdout
        .find("unknown key `emial`")
        .expect("the unknown-key report")..];
    let lines: Vec<&str> = report.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains(line))
        .unwrap_or_else(|| panic!("no source line in:\n{report}"));
    let key_at = lines[source].chars().count() - line.chars().count() + prefix.chars().count();
    let underline = lines[source + 1];
    let underline_at = underline
        .chars()
        .position(|c| matches!(c, '─' | '┬'))
        .unwrap_or_else(|| panic!("no underline:\n{report}"));
    assert_eq!(underline_at, key_at, "the underline is shifted:\n{report}");
    let underline_len = underline
        .chars()
        .skip(underline_at)
        .take_while(|c| matches!(c, '─' | '┬'))
        .count();
    assert_eq!(underline_len, "emial".len(), "{report}");
}

/// miette prints `file:line:column` above each excerpt, counting the column in bytes, so the human
/// header disagrees with the JSON column on a line with multi-byte characters (12:32 vs 12:30).
#[test]
fn non_ascii_text_does_not_shift_the_human_header_column() {
    let relative = format!("{CORPUS}/non-ascii-before-error.yaml");
    let human = smce_guard(["lint", relative.as_str()]);
    assert!(
        human.stdout.contains(&format!("[{relative}:12:30]")),
        "{}",
        human.stdout
    );
}

#[test]
fn one_file_with_several_mistakes_reports_them_all() {
    let relative = format!("{CORPUS}/several-mistakes.yaml");
    let expected = expectations_of(&relative);
    let run = lint_json(&relative);
    let problems = compare(&relative, &run, &expected);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let found = diagnostics(&run);
    assert_eq!(found.len(), 6, "{}", run.stdout);
    let lines: BTreeSet<u64> = found.iter().map(|d| d["line"].as_u64().unwrap()).collect();
    let codes: BTreeSet<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(lines.len(), 6, "six mistakes on six lines");
    assert_eq!(codes.len(), 4, "{codes:?}");
    // In reading order.
    assert!(
        lines
            .iter()
            .copied()
            .eq(found.iter().map(|d| d["line"].as_u64().unwrap()))
    );
    let summary = &run.json()["summary"];
    assert_eq!(
        (&summary["errors"], &summary["warnings"]),
        (&6.into(), &0.into()),
        "{summary}"
    );
}

#[test]
fn a_directory_of_broken_files_reports_every_file() {
    // The corpus directory itself: lint reads its files (not its subdirectories), all broken.
    let top: Vec<String> = cases()
        .into_iter()
        .filter(|case| case.ends_with(".yaml"))
        .collect();
    let run = lint_json(CORPUS);
    assert_eq!(run.code, 2);
    let found = diagnostics(&run);
    // Its subfolders' files are not read, and said to be (`policy.skipped`, on no file).
    let (skipped, in_files): (Vec<&Value>, Vec<&Value>) =
        found.iter().partition(|d| d["code"] == "policy.skipped");
    let skipped: Vec<String> = skipped
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        skipped,
        [
            format!(
                "{CORPUS}/duplicate-account-id holds 2 policy files (nasa-veda.yaml, veda-staging.yaml) that are not read: only the files directly in {CORPUS} are policies, so their accounts are not checked"
            ),
            format!(
                "{CORPUS}/duplicate-account-name holds 2 policy files (maap.yaml, nisar.yaml) that are not read: only the files directly in {CORPUS} are policies, so their accounts are not checked"
            ),
        ]
    );
    let mut by_file: BTreeMap<String, Vec<(Value, Value, Value)>> = BTreeMap::new();
    for d in in_files {
        let file = d["file"]
            .as_str()
            .unwrap_or_else(|| panic!("diagnostic without a file: {d}"))
            .to_owned();
        by_file.entry(file).or_default().push((
            d["code"].clone(),
            d["line"].clone(),
            d["column"].clone(),
        ));
    }
    assert_eq!(
        by_file.keys().cloned().collect::<Vec<_>>(),
        top,
        "every file, and only the corpus files"
    );
    // Read together, each file reports what it reports alone.
    for file in &top {
        let alone: Vec<(Value, Value, Value)> = diagnostics(&lint_json(file))
            .iter()
            .map(|d| (d["code"].clone(), d["line"].clone(), d["column"].clone()))
            .collect();
        assert_eq!(by_file[file], alone, "{file}");
    }
    let warnings = found.iter().filter(|d| d["severity"] == "warning").count();
    assert_eq!(run.json()["summary"]["errors"], found.len() - warnings);
    assert_eq!(run.json()["summary"]["warnings"], warnings);
    let human = smce_guard(["lint", CORPUS]);
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.ends_with(&format!(
            "{} errors, {warnings} warning{} in {} files\n",
            found.len() - warnings,
            if warnings == 1 { "" } else { "s" },
            top.len()
        )),
        "{}",
        human.stdout.lines().last().unwrap_or_default()
    );

    // Several paths at once: both two-file cases, four files, each duplicate reported.
    let id = format!("{CORPUS}/duplicate-account-id");
    let name = format!("{CORPUS}/duplicate-account-name");
    let run = smce_guard(["lint", id.as_str(), name.as_str(), "--format", "json"]);
    let expected: Vec<Expect> = files_of(&id)
        .iter()
        .chain(&files_of(&name))
        .flat_map(|f| expectations_of(f))
        .collect();
    let problems = compare("two directories", &run, &expected);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let human = smce_guard(["lint", id.as_str(), name.as_str()]);
    assert!(
        // Each of the four names no contacts (`policy.no-contacts`, a warning apiece).
        human.stdout.ends_with("2 errors, 4 warnings in 4 files\n"),
        "{}",
        human.stdout
    );
}

/// Writes `text` as `name` into a fresh temporary directory.
fn generated(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The one diagnostic of a generated case, after checking the run.
fn only_diagnostic(run: &Run, code: &str) -> Value {
    assert_eq!(run.code, 2, "{}", run.stdout);
    let found = diagnostics(run);
    assert_eq!(found.len(), 1, "{}", run.stdout);
    assert_eq!(found[0]["code"], code, "{}", run.stdout);
    found[0].clone()
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        (text[..at].matches('\n').count() + 1) as u64,
        (text[line_start..at].chars().count() + 1) as u64,
    )
}

#[test]
fn alias_bomb_is_refused_fast() {
    // Billion laughs: ten levels of nine aliases each would expand to 9^10 strings.
    let mut text = String::from(
        "# yaml-language-server: $schema=../schemas/policy.schema.json\naccount:\n  id: \"444055461661\"\n  name: nasa-veda\nignore_users:\n",
    );
    text.push_str("  - &lol0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for level in 1..10 {
        let aliases = vec![format!("*lol{}", level - 1); 9].join(", ");
        text.push_str(&format!("  - &lol{level} [{aliases}]\n"));
    }
    text.push_str("members: *lol9\n");
    let (_dir, path) = generated("alias-bomb.yaml", &text);
    let run = within(FAST, "lint of the alias bomb", move || lint_json(&path));
    let diagnostic = only_diagnostic(&run, "policy.alias");
    // Refused at the first anchor, before anything is expanded.
    let (line, column) = position_of(&text, "&lol0");
    assert_eq!(
        (diagnostic["line"].clone(), diagnostic["column"].clone()),
        (line.into(), column.into())
    );
}

#[test]
fn two_megabyte_file_is_refused_before_parsing() {
    // A real policy whose ignore list grew to 2 MB.
    let mut text =
        String::from("account:\n  id: \"444055461661\"\n  name: nasa-veda\nignore_users:\n");
    let mut n = 0;
    while text.len() < 2 * 1024 * 1024 {
        text.push_str(&format!("  - smce-automation-{n:06}\n"));
        n += 1;
    }
    let (_dir, path) = generated("too-large.yaml", &text);
    let run = within(FAST, "lint of a 2 MB file", move || lint_json(&path));
    let diagnostic = only_diagnostic(&run, "policy.too-large");
    assert_eq!(
        (&diagnostic["line"], &diagnostic["column"]),
        (&Value::Null, &Value::Null),
        "the file as a whole"
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap()
            .contains(&text.len().to_string()),
        "{diagnostic}"
    );
}

#[test]
fn deep_nesting_is_refused_fast() {
    // Block style: 200 nested mappings under `deployer`. The root mapping is level 1, the one
    // holding `level1` level 2, so the 33rd level is the mapping that starts at key `level32`.
    let mut text = String::from("account:\n  id: \"444055461661\"\n  name: nasa-veda\ndeployer:\n");
    for level in 1..200 {
        text.push_str(&format!("{}level{level}:\n", "  ".repeat(level)));
    }
    text.push_str(&format!("{}cluster: nasa-veda\n", "  ".repeat(200)));
    let (_dir, path) = generated("deep-block.yaml", &text);
    let run = within(FAST, "lint of deep block nesting", move || lint_json(&path));
    let diagnostic = only_diagnostic(&run, "policy.too-deep");
    let (line, column) = position_of(&text, "level32:");
    assert_eq!(
        (diagnostic["line"].clone(), diagnostic["column"].clone()),
        (line.into(), column.into())
    );

    // Flow style, 255 lists deep: the 32nd `[` opens level 33.
    let text = format!("ignore_users: {}{}\n", "[".repeat(255), "]".repeat(255));
    let (_dir, path) = generated("deep-flow.yaml", &text);
    let run = within(FAST, "lint of deep flow nesting", move || lint_json(&path));
    let diagnostic = only_diagnostic(&run, "policy.too-deep");
    let column = "ignore_users: ".len() + 32;
    assert_eq!(
        (diagnostic["line"].clone(), diagnostic["column"].clone()),
        (1.into(), column.into())
    );

    // An attack's depth (100 000 lists) finishes fast and is refused; see the ignored test below
    // for the code it should carry.
    let text = format!(
        "ignore_users: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_dir, path) = generated("deeper-flow.yaml", &text);
    let run = within(FAST, "lint of 100 000 nested lists", move || {
        lint_json(&path)
    });
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(diagnostics(&run).len(), 1, "{}", run.stdout);
}

/// From 256 nested flow lists on, saphyr's own recursion limit fires before the parse reaches
/// depth 33, and lint reports it as `policy.syntax` ("recursion limit exceeded").
#[test]
fn very_deep_flow_nesting_is_too_deep() {
    let text = format!(
        "ignore_users: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_dir, path) = generated("deeper-flow.yaml", &text);
    let run = within(FAST, "lint of 100 000 nested lists", move || {
        lint_json(&path)
    });
    only_diagnostic(&run, "policy.too-deep");
}

#[test]
fn snapshot_human_output_of_several_mistakes() {
    let run = smce_guard(["lint", "tests/data/lint/several-mistakes.yaml"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("lint_several_mistakes_human", run.stdout);
}

#[test]
fn snapshot_json_output_of_several_mistakes() {
    let run = lint_json("tests/data/lint/several-mistakes.yaml");
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("lint_several_mistakes_json", run.stdout);
}
