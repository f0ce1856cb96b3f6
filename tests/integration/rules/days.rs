//! One count of days for every command: `check`, `expiries` and `verify-key` say the same of the
//! same credential at the same instant — whole days toward zero, hours under a day — at instants
//! just either side of each boundary (a day left, the expiry itself).

use super::case::{Case, DEPLOYER, key, smce_guard_in_case};
use serde_json::Value;

/// The base case's deployer key and alice's password were both created 2026-10-10T00:00:00Z, so
/// with `max_age_days: 60` both expire at 2026-12-09T00:00:00Z.
const KEY: &str = "AKIADEPLOYER00000001";

/// (instant, whole days left, the words every command uses)
const INSTANTS: [(&str, i64, &str); 9] = [
    ("2026-12-03T01:00:00Z", 5, "expires in 5 days"),
    ("2026-12-07T23:59:59Z", 1, "expires in 1 day"),
    ("2026-12-08T00:00:01Z", 0, "expires in 23 hours"),
    ("2026-12-08T14:00:00Z", 0, "expires in 10 hours"),
    ("2026-12-08T23:59:59Z", 0, "expires in less than an hour"),
    ("2026-12-09T00:00:01Z", 0, "expired less than an hour ago"),
    ("2026-12-09T10:00:00Z", 0, "expired 10 hours ago"),
    ("2026-12-10T00:00:01Z", -1, "expired 1 day ago"),
    ("2026-12-14T23:00:00Z", -5, "expired 5 days ago"),
];

#[test]
fn every_command_counts_the_same_days_at_the_same_instant() {
    let mut case = Case::base();
    case.keys = Some(vec![key(DEPLOYER, KEY, "Active", "2026-10-10T00:00:00Z")]);
    for (now, days, words) in INSTANTS {
        // A recording of 2026-11-20 is old at these instants: --max-age keeps it trusted, so
        // verify-key answers about the key rather than about the recording.
        let common = ["--now", now, "--max-age", "60", "--format", "json"];
        let check = smce_guard_in_case(&case, &[&["check"][..], &common].concat()).json();
        let expiries = smce_guard_in_case(&case, &[&["expiries"][..], &common].concat()).json();
        let verify = smce_guard_in_case(
            &case,
            &[
                &["verify-key", "--account", "acme", "--key-id", KEY][..],
                &common,
            ]
            .concat(),
        )
        .json();
        for (principal, what) in [
            ("hub-continuous-deployer", "access key"),
            ("alice", "password"),
        ] {
            // check: the finding's days_left and its message.
            let finding = (check["findings"].as_array().unwrap().iter())
                .find(|f| {
                    f["principal"] == principal
                        && f["code"]
                            .as_str()
                            .unwrap()
                            .starts_with(if what == "password" {
                                "password."
                            } else {
                                "key."
                            })
                })
                .unwrap_or_else(|| panic!("{now}: no {what} finding for {principal}: {check}"));
            assert_eq!(
                finding["details"]["days_left"], days,
                "{now}: check {finding}"
            );
            let message = finding["message"].as_str().unwrap();
            assert!(
                message.contains(words),
                "{now}: check says `{message}`, not `{words}`"
            );
            // expiries: the credential's days_left.
            let listed: Vec<&Value> = (expiries["credentials"].as_array().unwrap().iter())
                .filter(|c| c["user"] == principal)
                .collect();
            assert_eq!(listed.len(), 1, "{now}: {expiries}");
            assert_eq!(
                listed[0]["days_left"], days,
                "{now}: expiries {}",
                listed[0]
            );
        }
        // verify-key: the same days and words for the deployer's key.
        assert_eq!(verify["days_left"], days, "{now}: verify-key {verify}");
        let message = verify["message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{now}: verify-key says `{message}`, not `{words}`"
        );
    }
}

#[test]
fn columns_are_as_wide_as_the_longest_real_cluster_name() {
    // `projectpythia-binder` (20 characters) is a real cluster of 2i2c's estate; beside a short
    // name, the columns after it must still line up in `check` and `expiries`.
    let long = Case::named("projectpythia-binder", "222233334444");
    let short = Case::named("acme", "111122223333");
    let dir = tempfile::tempdir().unwrap();
    long.write(dir.path());
    short.write(dir.path());
    let check = crate::common::smce_guard_in(
        dir.path(),
        ["check", "--now", "2026-12-03T00:00:00Z", "--max-age", "60"],
    );
    let rows: Vec<&str> = check
        .stdout
        .lines()
        .skip_while(|l| *l != "accounts:")
        .skip(1)
        .take(2)
        .collect();
    assert_eq!(rows.len(), 2, "{}", check.stdout);
    let id_at = |row: &str, id: &str| row.find(id).unwrap();
    assert_eq!(
        id_at(rows[0], "111122223333"),
        id_at(rows[1], "222233334444"),
        "{rows:#?}"
    );
    let expiries = crate::common::smce_guard_in(
        dir.path(),
        [
            "expiries",
            "--now",
            "2026-12-03T00:00:00Z",
            "--max-age",
            "60",
        ],
    );
    let lines: Vec<&str> = expiries.stdout.lines().collect();
    let user_at = lines[0].find("USER").unwrap();
    let credential_at = lines[0].find("CREDENTIAL").unwrap();
    let rows: Vec<&str> = lines[1..]
        .iter()
        .copied()
        .filter(|l| l.contains("acme") || l.contains("projectpythia-binder"))
        .collect();
    assert!(rows.len() >= 4, "{}", expiries.stdout);
    for row in rows {
        // Every value starts under its heading.
        let user = ["alice", "hub-continuous-deployer"]
            .iter()
            .find_map(|u| row.find(&format!(" {u} ")).map(|at| at + 1))
            .unwrap_or_else(|| panic!("{row}"));
        assert_eq!(user, user_at, "{row}\n{}", lines[0]);
        assert_eq!(&row[credential_at - 1..credential_at], " ", "{row}");
    }
}
