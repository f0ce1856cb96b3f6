//! Hostile and odd recorded state: variants a real recording may have are read as the same state
//! (same findings), and broken ones end in exit 2 naming the file (and its line where the format
//! has lines), never a panic and never a partial report that looks complete.

use crate::common::{root, smce_guard_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository's nasa-veda policy and recording, in a scratch directory to vary.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("policies")).unwrap();
        std::fs::copy(
            root().join("policies/nasa-veda.yaml"),
            dir.path().join("policies/nasa-veda.yaml"),
        )
        .unwrap();
        let fixtures = dir.path().join("fixtures/nasa-veda");
        std::fs::create_dir_all(&fixtures).unwrap();
        for entry in std::fs::read_dir(root().join("fixtures/nasa-veda")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), fixtures.join(entry.file_name())).unwrap();
        }
        Scratch { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join("fixtures/nasa-veda").join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap()
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) {
        let path = self.file(name);
        let _ = std::fs::remove_file(&path);
        std::fs::write(path, text).unwrap();
    }

    fn check(&self) -> (i32, Value) {
        let run = smce_guard_in(self.dir.path(), ["check", "--format", "json"]);
        (run.code, run.json())
    }
}

/// (code, principal) of every finding, the comparable content of a report.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["principal"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

fn baseline() -> Vec<(String, String)> {
    let (code, report) = Scratch::new().check();
    assert_eq!(code, 0, "nasa-veda has warnings only");
    let found = findings(&report);
    assert_eq!(found.len(), 2, "{found:?}");
    found
}

/// Asserts the variant is read as the same state as the original recording.
fn same_as_baseline(scratch: &Scratch, what: &str) {
    let (code, report) = scratch.check();
    assert_eq!(code, 0, "{what}: {report}");
    assert_eq!(findings(&report), baseline(), "{what}");
}

/// Asserts a broken recording is exit 2 with one `fixture.invalid` naming `file` (at `line`).
fn invalid(scratch: &Scratch, file: &str, line: Option<u64>, what: &str) -> String {
    let (code, report) = scratch.check();
    assert_eq!(code, 2, "{what}: {report}");
    assert_eq!(report["accounts"][0]["status"], "invalid", "{what}");
    let broken: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "fixture.invalid")
        .collect();
    assert_eq!(broken.len(), 1, "{what}: {report}");
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "{what}: nothing else is judged from a broken recording"
    );
    assert!(
        broken[0]["file"]
            .as_str()
            .unwrap()
            .ends_with(&format!("nasa-veda/{file}")),
        "{what}: {}",
        broken[0]
    );
    if let Some(line) = line {
        assert_eq!(broken[0]["line"], line, "{what}: {}", broken[0]);
    }
    broken[0]["message"].as_str().unwrap().to_owned()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn csv_join(rows: &[Vec<String>], newline: &str) -> String {
    rows.iter()
        .map(|r| r.join(","))
        .collect::<Vec<_>>()
        .join(newline)
        + newline
}

#[test]
fn report_variants_a_real_recording_may_have_read_the_same() {
    let original = Scratch::new().read("credential-report.csv");
    let rows = csv_rows(&original);
    let scratch = Scratch::new();

    // Columns in another order: read by header name.
    let mut order: Vec<usize> = (0..rows[0].len()).collect();
    order.reverse();
    let reordered: Vec<Vec<String>> = rows
        .iter()
        .map(|r| order.iter().map(|&i| r[i].clone()).collect())
        .collect();
    scratch.write("credential-report.csv", csv_join(&reordered, "\n"));
    same_as_baseline(&scratch, "reordered columns");

    // Extra columns AWS may add one day.
    let extra: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.push(if i == 0 {
                "future_column".into()
            } else {
                "whatever".into()
            });
            r
        })
        .collect();
    scratch.write("credential-report.csv", csv_join(&extra, "\n"));
    same_as_baseline(&scratch, "an extra column");

    // CRLF line ends, a byte-order mark, and upper-case booleans.
    scratch.write(
        "credential-report.csv",
        format!(
            "\u{feff}{}",
            csv_join(&rows, "\r\n")
                .replace(",true,", ",TRUE,")
                .replace(",false,", ",False,")
        ),
    );
    same_as_baseline(&scratch, "CRLF, BOM and booleans in any case");

    // Every special value in the columns the rules do not need, and offset timestamps.
    let special: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(c, v)| match (i, rows[0][c].as_str()) {
                    (0, _) => v.clone(),
                    (_, "password_last_used") => "no_information".into(),
                    (_, "access_key_1_last_used_region" | "access_key_2_last_used_service") => {
                        "not_supported".into()
                    }
                    (_, "cert_1_last_rotated") => "N/A".into(),
                    (_, "user_creation_time") => "2026-01-04T04:00:00-05:00".into(),
                    _ => v.clone(),
                })
                .collect()
        })
        .collect();
    scratch.write("credential-report.csv", csv_join(&special, "\n"));
    same_as_baseline(&scratch, "special values");
}

#[test]
fn json_variants_read_the_same() {
    let scratch = Scratch::new();
    for name in [
        "authorization-details.json",
        "access-keys.json",
        "snapshot.json",
    ] {
        let text = scratch.read(name);
        scratch.write(name, format!("\u{feff}{}", text.replace('\n', "\r\n")));
    }
    same_as_baseline(&scratch, "BOM and CRLF in every JSON file");
    // Dates with an offset and fractions of a second, as other tools print them.
    let keys = scratch
        .read("access-keys.json")
        .replace("T09:00:00Z", "T11:00:00.000+02:00");
    scratch.write("access-keys.json", keys);
    same_as_baseline(&scratch, "offset timestamps");
}

#[test]
fn broken_reports_are_exit_2_at_their_line() {
    let original = Scratch::new().read("credential-report.csv");
    let rows = csv_rows(&original);
    let scratch = Scratch::new();
    let user_column = rows[0].iter().position(|h| h == "user").unwrap();

    let missing: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i != user_column)
                .map(|(_, v)| v.clone())
                .collect()
        })
        .collect();
    scratch.write("credential-report.csv", csv_join(&missing, "\n"));
    assert!(
        invalid(&scratch, "credential-report.csv", Some(1), "no user column").contains("`user`")
    );

    let mut duplicated = rows.clone();
    duplicated.push(rows[2].clone());
    scratch.write("credential-report.csv", csv_join(&duplicated, "\n"));
    assert!(
        invalid(
            &scratch,
            "credential-report.csv",
            Some(rows.len() as u64 + 1),
            "duplicated row"
        )
        .contains("appears twice")
    );

    let mfa = rows[0].iter().position(|h| h == "mfa_active").unwrap();
    let mut odd = rows.clone();
    odd[2][mfa] = "yes".into();
    scratch.write("credential-report.csv", csv_join(&odd, "\n"));
    assert!(
        invalid(
            &scratch,
            "credential-report.csv",
            Some(3),
            "a boolean that is not one"
        )
        .contains("mfa_active")
    );

    let changed = rows[0]
        .iter()
        .position(|h| h == "password_last_changed")
        .unwrap();
    let mut odd = rows.clone();
    odd[2][changed] = "2026-10-31 09:00:00".into();
    scratch.write("credential-report.csv", csv_join(&odd, "\n"));
    assert!(
        invalid(
            &scratch,
            "credential-report.csv",
            Some(3),
            "a timestamp without T and offset"
        )
        .contains("password_last_changed")
    );

    let mut short = rows.clone();
    short[3].truncate(5);
    scratch.write("credential-report.csv", csv_join(&short, "\n"));
    invalid(&scratch, "credential-report.csv", Some(4), "a short row");

    scratch.write("credential-report.csv", &original[..original.len() / 2]);
    invalid(
        &scratch,
        "credential-report.csv",
        None,
        "a report cut in the middle of a row",
    );
}

#[test]
fn broken_json_is_exit_2_at_its_line() {
    let scratch = Scratch::new();
    let gaad = scratch.read("authorization-details.json");
    scratch.write("authorization-details.json", &gaad[..gaad.len() / 3]);
    let message = invalid(&scratch, "authorization-details.json", None, "truncated");
    assert!(message.contains("EOF"), "{message}");

    // Wrong shapes: a list where an object is expected, a number where a name is.
    scratch.write(
        "authorization-details.json",
        "{\n  \"UserDetailList\": {\"UserName\": \"x\"}\n}\n",
    );
    invalid(
        &scratch,
        "authorization-details.json",
        Some(2),
        "an object for a list",
    );
    scratch.write(
        "authorization-details.json",
        "{\n  \"UserDetailList\": [\n    {\"UserName\": 42}\n  ]\n}\n",
    );
    invalid(
        &scratch,
        "authorization-details.json",
        Some(3),
        "a number for a name",
    );
    scratch.write("authorization-details.json", "[]\n");
    invalid(
        &scratch,
        "authorization-details.json",
        Some(1),
        "a list for the document",
    );
}

#[test]
fn a_50_megabyte_file_is_read_or_refused_fast_without_a_panic() {
    let scratch = Scratch::new();
    // 50 MB of garbage: refused at its first byte, quickly.
    scratch.write("access-keys.json", vec![b'x'; 50 * 1024 * 1024]);
    let started = std::time::Instant::now();
    invalid(&scratch, "access-keys.json", Some(1), "50 MB of garbage");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    // 50 MB of well-formed keys for users that do not exist: read, and the findings unchanged.
    let scratch = Scratch::new();
    let mut keys = scratch.read("access-keys.json");
    let entry = ",{\"UserName\":\"someone-who-left\",\"AccessKeyId\":\"AKIAEXAMPLE000000000\",\"Status\":\"Inactive\",\"CreateDate\":\"2020-01-01T00:00:00Z\"}";
    let at = keys.rfind(']').unwrap();
    keys.insert_str(at, &entry.repeat(50 * 1024 * 1024 / entry.len()));
    scratch.write("access-keys.json", keys);
    same_as_baseline(&scratch, "a 50 MB access-keys.json");
}

#[test]
fn files_that_are_not_files_are_refused_without_blocking() {
    let scratch = Scratch::new();
    // A pipe would block a reader for ever; a recording is only ever a regular file.
    let pipe = scratch.file("access-keys.json");
    std::fs::remove_file(&pipe).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let message = invalid(&scratch, "access-keys.json", None, "a named pipe");
    assert!(message.contains("not a regular file"), "{message}");

    // A link that leads nowhere: the optional file is absent, so the report decides.
    std::fs::remove_file(&pipe).unwrap();
    std::os::unix::fs::symlink(Path::new("/nonexistent/keys.json"), &pipe).unwrap();
    same_as_baseline(&scratch, "a dangling optional file");
}
