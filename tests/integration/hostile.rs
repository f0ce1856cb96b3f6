//! Hostile and odd recorded state: variants a real recording may have are read as the same state
//! (same findings), and broken ones end in exit 2 naming the file (and its line where the format
//! has lines), never a panic and never a partial report that looks complete.

use crate::common::{Run, only, root, smce_guard_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The account every variant starts from: the repository's legacy example, whose recording holds
/// the most credentials (engineers' passwords and MFA, the deployer's active and deactivated keys, an
/// ignored user's key) and a role.
const NAME: &str = "legacy-members";
const ID: &str = "555566667777";

/// The repository's legacy-members policy and recording, in a scratch directory to vary.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("policies")).unwrap();
        std::fs::copy(
            root().join(format!("policies/{NAME}.yaml")),
            dir.path().join(format!("policies/{NAME}.yaml")),
        )
        .unwrap();
        let fixtures = dir.path().join("fixtures").join(NAME);
        std::fs::create_dir_all(&fixtures).unwrap();
        for entry in std::fs::read_dir(root().join("fixtures").join(NAME)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), fixtures.join(entry.file_name())).unwrap();
        }
        Scratch { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join("fixtures").join(NAME).join(name)
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
        let run = self.check_run();
        (run.code, run.json())
    }

    /// `check` judging the recording at its own `captured_at`, so that a capture time the
    /// credentials contradict is refused (an explicit `--now` would be taken as asked).
    fn check_run(&self) -> Run {
        let mut command = crate::common::command(
            self.dir.path(),
            ["check", "--format", "json", "--as-recorded"],
        );
        command.env_remove("SMCE_GUARD_NOW");
        crate::common::execute(command)
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

/// The exit code and findings of the unchanged recording: drift in members, passwords and the
/// password policy, each of which a misread variant would change.
fn baseline() -> (i32, Vec<(String, String)>) {
    let (code, report) = Scratch::new().check();
    assert_eq!(code, 1, "{report}");
    let found = findings(&report);
    let pair = |code: &str, principal: &str| (code.to_owned(), principal.to_owned());
    assert_eq!(
        found,
        [
            pair("account.password-policy", "-"),
            pair("member.disabled", "example-engineer-edsger"),
            pair("member.mfa-missing", "example-engineer-linus"),
            pair("password.expired", "example-engineer-edsger"),
            pair("password.expiring", "example-engineer-grace"),
            pair("password.unused", "example-engineer-edsger"),
        ]
    );
    (code, found)
}

/// Asserts the variant is read as the same state as the original recording.
fn same_as_baseline(scratch: &Scratch, what: &str) {
    let (code, report) = scratch.check();
    assert_eq!((code, findings(&report)), baseline(), "{what}: {report}");
}

/// Asserts the variant is read as the original recording but for the findings of `code`, which
/// need what the variant leaves out, and nothing else.
fn same_as_baseline_but(scratch: &Scratch, code: &str, what: &str) {
    let (exit, report) = scratch.check();
    let (expected_exit, mut expected) = baseline();
    let before = expected.len();
    expected.retain(|(c, _)| c != code);
    assert!(
        expected.len() < before,
        "{what}: the baseline has no {code}"
    );
    assert_eq!(
        (exit, findings(&report)),
        (expected_exit, expected),
        "{what}: {report}"
    );
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
            .ends_with(&format!("{NAME}/{file}")),
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
                    // `no_information` where it means nothing: a last use it would erase is
                    // read as "never used", which the unused rules judge.
                    (_, "cert_2_last_rotated") => "no_information".into(),
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
        "password-policy.json",
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
    // serde_json counts bytes; the report counts characters, after non-ASCII text too.
    let text = "{\"UserDetailList\": [{\"UserName\": \"ééééééééé\", \"GroupList\": 5}]}\n";
    scratch.write("authorization-details.json", text);
    let (_, report) = scratch.check();
    let column = text[..text.find("5}").unwrap()].chars().count() + 1;
    assert_eq!(
        (
            &report["findings"][0]["line"],
            &report["findings"][0]["column"]
        ),
        (&Value::from(1), &Value::from(column)),
        "{report}"
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
    let entry = |i: usize| {
        format!(
            ",{{\"UserName\":\"someone-who-left\",\"AccessKeyId\":\"AKIAEXAMPLE{i:09}\",\"Status\":\"Inactive\",\"CreateDate\":\"2020-01-01T00:00:00Z\"}}"
        )
    };
    let at = keys.rfind(']').unwrap();
    let count = 50 * 1024 * 1024 / entry(0).len();
    keys.insert_str(at, &(0..count).map(entry).collect::<String>());
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

    // A link that leads nowhere is there but unreadable: not an absent optional file.
    std::fs::remove_file(&pipe).unwrap();
    std::os::unix::fs::symlink(Path::new("/nonexistent/keys.json"), &pipe).unwrap();
    let message = invalid(
        &scratch,
        "access-keys.json",
        None,
        "a dangling optional file",
    );
    assert!(message.contains("cannot read"), "{message}");
}

#[test]
fn a_problem_far_along_a_long_line_is_named_not_excerpted() {
    // Minified JSON puts a whole document on one line; miette cannot lay out a column past
    // 65,535 and an excerpt of it would be no help, so the human report names the place instead.
    let scratch = Scratch::new();
    scratch.write("snapshot.json", format!("{{{}x}}", " ".repeat(70_000)));
    let run = smce_guard_in(scratch.dir.path(), ["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let place = format!("{NAME}/snapshot.json:1:70002: ");
    assert!(run.stdout.contains(&place), "{}", run.stdout);
    assert!(run.stdout.contains("1 error"), "{}", run.stdout);
    // The JSON report has the same place.
    invalid(&scratch, "snapshot.json", Some(1), "a long line");
}

/// Rewrites the account's authorization details through `edit`.
fn edit_gaad(scratch: &Scratch, edit: impl FnOnce(&mut Value)) {
    let mut gaad: Value =
        serde_json::from_str(&scratch.read("authorization-details.json")).unwrap();
    edit(&mut gaad);
    scratch.write(
        "authorization-details.json",
        serde_json::to_string_pretty(&gaad).unwrap(),
    );
}

/// The deployer's inline policy document in a GAAD value.
fn deployer_document(gaad: &mut Value) -> &mut Value {
    let deployer = gaad["UserDetailList"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["UserName"] == "hub-continuous-deployer")
        .unwrap();
    &mut deployer["UserPolicyList"][0]["PolicyDocument"]
}

/// One way to damage a recording.
type Edit = Box<dyn FnOnce(&mut Value)>;

#[test]
fn recordings_that_could_hide_a_grant_are_refused() {
    // Each of these was once read as "grants nothing" or let one of two entries win silently,
    // so an excess grant hidden in it passed the check.
    let grant_all = serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]);
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "a misspelt Statement",
            Box::new(|g| {
                let document = deployer_document(g);
                document["statement"] = document["Statement"].take();
                document.as_object_mut().unwrap().remove("Statement");
            }),
            "unknown field `statement`",
        ),
        (
            "no Statement",
            Box::new(|g| {
                deployer_document(g)
                    .as_object_mut()
                    .unwrap()
                    .remove("Statement");
            }),
            "missing field `Statement`",
        ),
        (
            "a null Statement",
            Box::new(|g| deployer_document(g)["Statement"] = Value::Null),
            "a value or a list of values",
        ),
        (
            "a group listed twice",
            Box::new(move |g| {
                let groups = g["GroupDetailList"].as_array_mut().unwrap();
                let mut twin = groups[0].clone();
                twin["GroupPolicyList"] = serde_json::json!([{"PolicyName": "all", "PolicyDocument": {"Statement": grant_all}}]);
                groups.insert(0, twin);
            }),
            "appears twice in GroupDetailList",
        ),
        (
            "a managed policy listed twice",
            Box::new(|g| {
                let policies = g["Policies"].as_array_mut().unwrap();
                let twin = policies[0].clone();
                policies.push(twin);
            }),
            "appears twice in Policies",
        ),
        (
            "two default versions",
            Box::new(|g| {
                let versions = g["Policies"][0]["PolicyVersionList"]
                    .as_array_mut()
                    .unwrap();
                let mut second = versions[0].clone();
                second["VersionId"] = "v2".into();
                versions.push(second);
            }),
            "2 versions are marked IsDefaultVersion",
        ),
        (
            "a default version id the mark contradicts",
            Box::new(|g| {
                let policy = &mut g["Policies"][0];
                let mut second = policy["PolicyVersionList"][0].clone();
                second["VersionId"] = "v2".into();
                second["IsDefaultVersion"] = false.into();
                policy["PolicyVersionList"]
                    .as_array_mut()
                    .unwrap()
                    .push(second);
                policy["DefaultVersionId"] = "v2".into();
            }),
            "DefaultVersionId is `v2` but IsDefaultVersion marks `v1`",
        ),
        (
            "an encoded document that is not JSON",
            Box::new(|g| *deployer_document(g) = "%7B%22Statement%22%3A%ZZ".into()),
            "inline policy `eks-readonly` of `hub-continuous-deployer`",
        ),
        (
            "one page of several",
            Box::new(|g| {
                g["IsTruncated"] = true.into();
                g["Marker"] = "AAAAAQ==".into();
            }),
            "one page of several",
        ),
    ];
    // Where each is reported: found after parsing, a problem is still placed at the field that
    // leads to it (the n-th occurrence of the text below), not just named.
    let policy_arn = format!("\"Arn\": \"arn:aws:iam::{ID}:policy/SMCE-AdminAccess\"");
    for (what, edit, expected) in cases {
        let scratch = Scratch::new();
        edit_gaad(&scratch, edit);
        let at = match what {
            "a misspelt Statement" => Some(("\"statement\"", 0)),
            "an encoded document that is not JSON" => Some(("\"eks-readonly\"", 0)),
            "a null Statement" => Some(("\"Statement\": null", 0)),
            "a group listed twice" => Some(("\"GroupName\": \"SMCE-ProjectAdmins\"", 1)),
            "a managed policy listed twice" => Some((policy_arn.as_str(), 1)),
            "two default versions" | "a default version id the mark contradicts" => {
                Some((policy_arn.as_str(), 0))
            }
            _ => None,
        };
        let text = scratch.read("authorization-details.json");
        let line = at.map(|(needle, nth)| {
            let (i, _) = text.match_indices(needle).nth(nth).unwrap();
            text[..i].matches('\n').count() as u64 + 1
        });
        let message = invalid(&scratch, "authorization-details.json", line, what);
        assert!(message.contains(expected), "{what}: {message}");
    }
}

#[test]
fn credential_reports_that_contradict_themselves_are_refused_at_the_row() {
    let original = Scratch::new().read("credential-report.csv");
    let rows = csv_rows(&original);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let grace = rows
        .iter()
        .position(|r| r[0] == "example-engineer-grace")
        .unwrap();
    let deployer = rows
        .iter()
        .position(|r| r[0] == "hub-continuous-deployer")
        .unwrap();
    let cases: Vec<(&str, usize, &str, &str, &str)> = vec![
        (
            "a password in use without a date",
            grace,
            "password_last_changed",
            "N/A",
            "`password_enabled` is true but `password_last_changed` is `N/A`",
        ),
        (
            "a key in use without a date",
            deployer,
            "access_key_2_last_rotated",
            "N/A",
            "`access_key_2_active` is true but `access_key_2_last_rotated` is `N/A`",
        ),
        (
            "an empty flag",
            grace,
            "mfa_active",
            "",
            "`mfa_active` must be true or false, found ``",
        ),
        (
            "a control character in a name",
            grace,
            "user",
            "example-engineer-grace\u{0}",
            "control character",
        ),
    ];
    for (what, row, name, value, expected) in cases {
        let scratch = Scratch::new();
        let mut rows = rows.clone();
        rows[row][column(name)] = value.to_owned();
        scratch.write("credential-report.csv", csv_join(&rows, "\n"));
        let message = invalid(
            &scratch,
            "credential-report.csv",
            Some(row as u64 + 1),
            what,
        );
        assert!(message.contains(expected), "{what}: {message}");
    }

    // Two columns of one name: which one holds the truth would be a guess.
    let scratch = Scratch::new();
    let mut rows = rows.clone();
    let mfa = column("mfa_active");
    for row in &mut rows {
        let value = if row[0] == "user" {
            row[mfa].clone()
        } else {
            "false".to_owned()
        };
        row.push(value);
    }
    scratch.write("credential-report.csv", csv_join(&rows, "\n"));
    let message = invalid(
        &scratch,
        "credential-report.csv",
        Some(1),
        "a doubled column",
    );
    assert!(message.contains("two `mfa_active` columns"), "{message}");
}

/// A report from before the last-use columns (or trimmed by a tool) reads as it always did: what
/// it says is judged the same, and a credential is not called unused from a report that does not
/// say when it was last used (`password.unused` of the baseline needs that column).
#[test]
fn reports_without_last_use_columns_read() {
    let scratch = Scratch::new();
    let rows = csv_rows(&scratch.read("credential-report.csv"));
    let keep: Vec<bool> = rows[0]
        .iter()
        .map(|h| !h.contains("last_used") && h != "password_next_rotation")
        .collect();
    let trimmed: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&keep)
                .filter(|(_, keep)| **keep)
                .map(|(v, _)| v.clone())
                .collect()
        })
        .collect();
    assert_eq!(trimmed[0].len(), rows[0].len() - 8);
    scratch.write("credential-report.csv", csv_join(&trimmed, "\n"));
    same_as_baseline_but(&scratch, "password.unused", "no last-use columns");
}

#[test]
fn password_policies_are_read_strictly_and_may_be_missing() {
    let scratch = Scratch::new();
    let recorded = scratch.read("password-policy.json");
    // A misspelt field could hide an expiry: refused where it stands.
    scratch.write(
        "password-policy.json",
        recorded.replace("\"MaxPasswordAge\"", "\"MaxPaswordAge\""),
    );
    let message = invalid(
        &scratch,
        "password-policy.json",
        Some(10),
        "a misspelt field",
    );
    assert!(message.contains("MaxPaswordAge"), "{message}");
    for (broken, line, what) in [
        ("{}\n", 1, "no PasswordPolicy"),
        ("{\n  \"PasswordPolicy\": []\n}\n", 2, "a list"),
        (
            "{\"PasswordPolicy\": {\"MaxPasswordAge\": -1}}",
            1,
            "a negative age",
        ),
        (
            "{\"PasswordPolicy\": {\"MaxPasswordAge\": 5000}}",
            1,
            "an age IAM refuses",
        ),
        ("[]", 1, "a list for the document"),
    ] {
        scratch.write("password-policy.json", broken);
        invalid(&scratch, "password-policy.json", Some(line), what);
    }
    // None recorded (an older recording), or none in the account: only the comparison with the
    // recorded policy's 90 days (account.password-policy) goes; nothing else is judged differently.
    scratch.write("password-policy.json", "{\"PasswordPolicy\": null}\n");
    same_as_baseline_but(
        &scratch,
        "account.password-policy",
        "an account without a password policy",
    );
    std::fs::remove_file(scratch.file("password-policy.json")).unwrap();
    same_as_baseline_but(
        &scratch,
        "account.password-policy",
        "a recording without password-policy.json",
    );
}

#[test]
fn access_keys_and_snapshots_that_cannot_be_true_are_refused() {
    let scratch = Scratch::new();
    let keys = scratch.read("access-keys.json");
    let mut value: Value = serde_json::from_str(&keys).unwrap();
    let list = value["AccessKeyMetadata"].as_array_mut().unwrap();
    let twin = list[1].clone();
    list.push(twin);
    scratch.write(
        "access-keys.json",
        serde_json::to_string_pretty(&value).unwrap(),
    );
    // Keys sort alphabetically in the rewritten file, six lines an entry: the fourth (the twin)
    // opens on line 21, and its key id is on line 22.
    let message = invalid(&scratch, "access-keys.json", Some(22), "a key listed twice");
    assert!(message.contains("listed twice"), "{message}");

    let scratch = Scratch::new();
    let mut value: Value = serde_json::from_str(&keys).unwrap();
    value["IsTruncated"] = true.into();
    scratch.write(
        "access-keys.json",
        serde_json::to_string_pretty(&value).unwrap(),
    );
    invalid(
        &scratch,
        "access-keys.json",
        None,
        "one page of several keys",
    );

    let snapshot = Scratch::new().read("snapshot.json");
    for (what, text, line, expected) in [
        (
            "an account id that is no id",
            snapshot.replace(ID, "not-an-id"),
            Some(2),
            "not a 12-digit AWS account id",
        ),
        (
            "fields as a list",
            format!("[\"{ID}\", \"2026-11-20T09:00:00Z\"]\n"),
            Some(1),
            "must be a JSON object",
        ),
        (
            "a capture before the credentials it holds",
            snapshot.replace("2026-11-20T09:00:00Z", "2000-01-01T00:00:00Z"),
            None,
            "captured_at (2000-01-01T00:00:00Z) is before a credential",
        ),
    ] {
        let scratch = Scratch::new();
        scratch.write("snapshot.json", text);
        let message = invalid(&scratch, "snapshot.json", line, what);
        assert!(message.contains(expected), "{what}: {message}");
    }
}

#[test]
fn a_member_missing_from_the_report_is_not_passed_as_verified() {
    let scratch = Scratch::new();
    let report = scratch.read("credential-report.csv");
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| !l.starts_with("example-engineer-grace,"))
        .collect();
    scratch.write("credential-report.csv", rows.join("\n") + "\n");
    let run = scratch.check_run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    // Linus has no MFA device in the recording; Grace is not in the report at all.
    let mfa: Vec<Value> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "member.mfa-missing")
        .cloned()
        .collect();
    let principals: Vec<&str> = mfa
        .iter()
        .map(|f| f["principal"].as_str().unwrap())
        .collect();
    assert_eq!(
        principals,
        ["example-engineer-grace", "example-engineer-linus"],
        "{}",
        run.stdout
    );
    let mfa = &mfa[0];
    assert!(
        mfa["message"]
            .as_str()
            .unwrap()
            .contains("no row in the credential report"),
        "{mfa}"
    );
}

#[test]
fn policies_that_are_not_files_are_reported_not_skipped() {
    let scratch = Scratch::new();
    let policies = scratch.dir.path().join("policies");
    std::os::unix::fs::symlink("/nonexistent/maap.yaml", policies.join("maap.yaml")).unwrap();
    std::fs::create_dir(policies.join("disasters.YAML")).unwrap();
    let run = smce_guard_in(scratch.dir.path(), ["lint", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = run.json();
    let unreadable: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "policy.unreadable")
        .map(|d| d["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        unreadable,
        ["policies/disasters.YAML", "policies/maap.yaml"],
        "{report}"
    );
}

#[test]
fn a_statement_of_thousands_of_entries_is_judged_and_named_briefly() {
    // Judging every (action, resource) pair against every entry took minutes on a statement like
    // this; the matcher compares the few distinct sets of covering entries instead.
    let scratch = Scratch::new();
    let cluster = format!("arn:aws:eks:us-east-1:{ID}:cluster/legacy-hub");
    edit_gaad(&scratch, |g| {
        let actions: Vec<String> = (0..3000).map(|i| format!("eks:Describe{i}")).collect();
        let resources: Vec<String> = (0..3000).map(|i| format!("{cluster}-{i}")).collect();
        let actions = [vec!["eks:DescribeCluster".to_owned(); 3000], actions].concat();
        let resources = [vec![cluster.to_owned(); 3000], resources].concat();
        deployer_document(g)["Statement"] = serde_json::json!([
            {"Effect": "Allow", "Action": actions, "Resource": resources}
        ]);
    });
    let run = scratch.check_run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let excess = only(&run, "deployer.excess-permission");
    let message = excess["message"].as_str().unwrap();
    assert!(
        message.len() < 1000 && message.ends_with("and 5992 more"),
        "{message}"
    );
}

#[test]
fn an_expiry_list_missing_an_account_says_so_in_every_format() {
    let scratch = Scratch::new();
    let report = scratch.read("credential-report.csv");
    scratch.write("credential-report.csv", &report[..report.len() - 20]);
    let run = smce_guard_in(scratch.dir.path(), ["expiries", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let unread = &run.json()["unread"];
    assert_eq!(unread[0]["account_name"], NAME, "{}", run.stdout);
    assert!(
        unread[0]["reason"]
            .as_str()
            .unwrap()
            .contains("credential-report.csv")
    );
    let run = smce_guard_in(scratch.dir.path(), ["expiries"]);
    assert!(
        run.stdout
            .contains(&format!("INCOMPLETE: account {NAME} was not read")),
        "{}",
        run.stdout
    );
    let run = smce_guard_in(scratch.dir.path(), ["expiries", "--format", "markdown"]);
    assert!(
        run.stdout
            .contains(&format!("**Incomplete:** account {NAME}")),
        "{}",
        run.stdout
    );
}

#[test]
fn every_documented_key_status_is_read_and_nothing_else() {
    // IAM's statusType is Active, Inactive or Expired; the first key of the recording is
    // inactive, and an expired one is just as unusable.
    let scratch = Scratch::new();
    let keys = scratch.read("access-keys.json");
    assert_eq!(keys.matches("\"Inactive\"").count(), 1, "{keys}");
    scratch.write(
        "access-keys.json",
        keys.replace("\"Inactive\"", "\"Expired\""),
    );
    same_as_baseline(&scratch, "an Expired key");
    scratch.write(
        "access-keys.json",
        keys.replace("\"Inactive\"", "\"Retired\""),
    );
    let message = invalid(&scratch, "access-keys.json", Some(6), "an unknown status");
    assert!(
        message.contains("expected Active, Inactive or Expired"),
        "{message}"
    );
}

/// [`crate::common::promptly`] within a minute: a read that blocks (a pipe, a kernel interface)
/// would otherwise hang the suite.
fn promptly(command: std::process::Command) -> Run {
    crate::common::promptly(
        command,
        std::time::Duration::from_secs(60),
        "smce-guard (a read blocked)",
    )
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

/// Runs `args` in `dir` in each format that quotes files (human, json, sarif), with `env` set,
/// and asserts each exits 2 without `secret` anywhere in its output; returns the json run.
fn refused_without_echo(dir: &Path, args: &[&str], env: (&str, &str), secret: &str) -> Run {
    let mut json = None;
    for format in ["human", "json", "sarif"] {
        let mut command = crate::common::command(dir, args.iter().chain(&["--format", format]));
        command.env(env.0, env.1);
        let run = promptly(command);
        assert_eq!(run.code, 2, "{format}: {}\n{}", run.stdout, run.stderr);
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{format} echoes the secret:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        if format == "json" {
            json = Some(run);
        }
    }
    json.unwrap()
}

/// The messages of `code` in a json run of `lint` (diagnostics) or `check` (findings), by file.
fn messages(run: &Run, code: &str) -> Vec<(String, String)> {
    let report = run.json();
    let list = report.get("findings").or(report.get("diagnostics"));
    list.and_then(Value::as_array)
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                crate::common::text(&d["file"]),
                crate::common::text(&d["message"]),
            )
        })
        .collect()
}

#[test]
fn a_policy_linked_out_of_its_folder_is_refused_unread_in_every_format() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    let secret = "SECRETDISTINCT123";
    std::fs::write(
        dir.join("credentials"),
        format!("[default]\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.join("credentials"), dir.join("policies/creds.yaml")).unwrap();
    let none = ("SMCE_GUARD_TEST", "1");
    for args in [
        &["lint"][..],
        &["check"],
        &["lint", "policies/creds.yaml"],
        &["check", "policies"],
    ] {
        let run = refused_without_echo(dir, args, none, secret);
        let refused = messages(&run, "policy.unreadable");
        assert_eq!(refused.len(), 1, "{args:?}: {}", run.stdout);
        assert_eq!(refused[0].0, "policies/creds.yaml", "{args:?}");
        assert_eq!(
            refused[0].1,
            "policies/creds.yaml is a symbolic link to a file outside policies/; refusing to read it",
            "{args:?}"
        );
    }
    // A link to a file in the same folder is a policy like any other.
    std::fs::remove_file(dir.join("policies/creds.yaml")).unwrap();
    let policies = dir.join("policies");
    let file = format!("{NAME}.yaml");
    std::fs::rename(policies.join(&file), policies.join("legacy.policy")).unwrap();
    std::os::unix::fs::symlink("legacy.policy", policies.join(&file)).unwrap();
    same_as_baseline(&scratch, "a policy linked inside its folder");
}

#[test]
fn a_recording_linked_to_the_environment_or_out_of_the_fixtures_is_refused_unread() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    let keys = scratch.file("access-keys.json");
    std::fs::rename(&keys, scratch.file("keys.recorded")).unwrap();
    // Inside the fixtures directory, a link is followed.
    std::os::unix::fs::symlink("keys.recorded", &keys).unwrap();
    same_as_baseline(&scratch, "a recording linked inside the fixtures");

    let secret = "ENVSECRETDISTINCT456";
    let env = ("SMCE_GUARD_DISTINCT", secret);
    std::fs::remove_file(&keys).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &keys).unwrap();
    let run = refused_without_echo(dir, &["check"], env, secret);
    let message = invalid_message(&run);
    assert!(message.ends_with(&format!("fixtures/{NAME}/access-keys.json is a symbolic link to a file on procfs (/proc), a kernel interface rather than a file; refusing to read it")), "{message}");

    // A recording elsewhere holding a distinctive line would be quoted in the excerpt of its error.
    std::fs::remove_file(&keys).unwrap();
    std::fs::write(dir.join("elsewhere.json"), format!("{{\"{secret}\": [")).unwrap();
    std::os::unix::fs::symlink(dir.join("elsewhere.json"), &keys).unwrap();
    let run = refused_without_echo(dir, &["check"], env, secret);
    let message = invalid_message(&run);
    assert!(
        message.ends_with(
            "access-keys.json is a symbolic link to a file outside fixtures/; refusing to read it"
        ),
        "{message}"
    );
}

/// The one `fixture.invalid` message of a json `check` run.
fn invalid_message(run: &Run) -> String {
    let invalid = messages(run, "fixture.invalid");
    assert_eq!(invalid.len(), 1, "{}", run.stdout);
    invalid[0].1.clone()
}

#[test]
fn links_to_pipes_end_promptly_with_a_refusal() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    // A pipe outside the folder stands for /proc/kmsg: a file-like thing whose read never ends.
    mkfifo(&dir.join("kmsg"));
    mkfifo(&dir.join("policies/pipe"));
    let policies = dir.join("policies");
    std::os::unix::fs::symlink(dir.join("kmsg"), policies.join("kmsg.yaml")).unwrap();
    std::os::unix::fs::symlink("pipe", policies.join("pipe.yaml")).unwrap();
    for command in ["lint", "check"] {
        let run = promptly(crate::common::command(dir, [command, "--format", "json"]));
        assert_eq!(run.code, 2, "{command}: {}", run.stdout);
        assert_eq!(
            messages(&run, "policy.unreadable"),
            [
                (
                    "policies/kmsg.yaml".to_owned(),
                    "policies/kmsg.yaml is a symbolic link to a file outside policies/; refusing to read it".to_owned()
                ),
                (
                    "policies/pipe.yaml".to_owned(),
                    "policies/pipe.yaml is a symbolic link to a named pipe, not a regular file".to_owned()
                ),
            ],
            "{command}"
        );
    }
    // A recording linked to a pipe in the fixtures is refused just as promptly.
    std::fs::remove_file(policies.join("kmsg.yaml")).unwrap();
    std::fs::remove_file(policies.join("pipe.yaml")).unwrap();
    mkfifo(&scratch.file("pipe"));
    std::fs::remove_file(scratch.file("access-keys.json")).unwrap();
    std::os::unix::fs::symlink("pipe", scratch.file("access-keys.json")).unwrap();
    let run = promptly(crate::common::command(dir, ["check", "--format", "json"]));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        invalid_message(&run).ends_with("is a symbolic link to a named pipe, not a regular file")
    );
}

#[test]
fn output_onto_a_pipe_without_a_reader_is_refused_at_once() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    let pipe = dir.join("report.fifo");
    mkfifo(&pipe);
    for args in [
        &["check", "--format", "json", "--output"][..],
        &["lint", "--output"][..],
        &["expiries", "--format", "json", "--output"][..],
    ] {
        let mut command = crate::common::command(dir, args);
        command.arg(&pipe);
        let run = promptly(command);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("report.fifo: it is a named pipe with no reader"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // With a reader, the report goes through the pipe whole.
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            loop {
                // Opened again until the writer came and went.
                let text = std::fs::read_to_string(&pipe).unwrap();
                if !text.is_empty() {
                    return text;
                }
            }
        })
    };
    let mut run = None;
    for _ in 0..500 {
        let mut command = crate::common::command(dir, ["check", "--format", "json", "--output"]);
        command.arg(&pipe);
        let attempt = promptly(command);
        if !attempt.stderr.contains("no reader") {
            run = Some(attempt);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let run = run.expect("the reader opened the pipe");
    // The scratch account's own verdict; what matters is that the report went through whole.
    assert!(run.code <= 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(report["version"], 1);
}

#[test]
fn a_policy_on_tmpfs_under_dev_shm_is_read() {
    // CI systems give scratch space on /dev/shm: a tmpfs, an ordinary filesystem.
    let dir = tempfile::tempdir_in("/dev/shm").expect("/dev/shm, as on CI runners");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    std::fs::copy(
        crate::common::root().join("policies/nasa-veda.yaml"),
        policies.join("nasa-veda.yaml"),
    )
    .unwrap();
    let run = crate::common::smce_guard_in(dir.path(), ["lint", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["diagnostics"], serde_json::json!([]));
    // And a recording there too, linked from the fixtures folder or not.
    let fixtures = dir.path().join("fixtures/nasa-veda");
    std::fs::create_dir_all(&fixtures).unwrap();
    for entry in std::fs::read_dir(crate::common::root().join("fixtures/nasa-veda")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), fixtures.join(entry.file_name())).unwrap();
    }
    let run = crate::common::smce_guard_in(dir.path(), ["check", "--format", "json"]);
    assert!(
        !run.stdout.contains("fixture.invalid") && !run.stdout.contains("policy.unreadable"),
        "{}",
        run.stdout
    );
}
