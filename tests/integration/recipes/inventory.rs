//! The scheduled estate check (`docs/recipes/workflows/smce-guard-inventory.yml`): it needs no AWS
//! credentials and no token beyond the issues it keeps, and its steps run for real, with the
//! stand-in `gh`, on a copy of 2i2c's 30 cluster folders at chosen instants: an issue per account
//! whose deployer credentials are within their warning window or past their limit, titled as the
//! live check titles its issues; the next day rewritten in place; commented on when the status
//! changes; closed when the credentials file is re-encrypted or the account's clusters are gone;
//! left alone while its credentials cannot be dated, and left to the live check when it keeps the
//! account's issue. Nothing of the sops files but their dates reaches an issue, the log or the
//! summary, and a folder named to break the markdown is not shown.

use super::{assert_real_commands, copy_tree, parse_yaml, read, run_job, runner_env, runs_command};
use crate::common::root;
use crate::inventory::AWS;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const PATH: &str = "docs/recipes/workflows/smce-guard-inventory.yml";

#[test]
fn inventory_recipe_reads_only_the_checkout_and_may_write_only_issues() {
    let text = read(PATH);
    let tree = parse_yaml(PATH, &text);
    assert!(tree.at(&["on"]).get("schedule").is_some(), "on a schedule");
    let job = tree.at(&["jobs", "inventory"]);
    let permissions = job.at(&["permissions"]);
    assert_eq!(permissions.at(&["contents"]).text(), "read");
    assert_eq!(permissions.at(&["issues"]).text(), "write");
    assert_eq!(permissions.keys().len(), 2, "nothing else: {permissions:?}");
    let commands = assert_real_commands(PATH, &job.scalars("run"));
    assert!(runs_command(
        &commands,
        "inventory",
        &["--infrastructure", ".", "--format", "json"]
    ));
    // It reads no account: no credentials, no live read, no recording of its own.
    for refused in [
        "id-token",
        "secrets.",
        "configure-aws-credentials",
        "--live",
        "sops -d",
        "--decrypt",
    ] {
        assert!(!text.contains(refused), "{PATH} uses {refused}");
    }
    for sub in ["check", "expiries", "snapshot", "verify-key"] {
        assert!(!runs_command(&commands, sub, &[]), "{PATH} runs {sub}");
    }
}

/// The instant `text`.
fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Whether credentials re-encrypted at `modified` need an issue at `now` under a `max`-day limit
/// with a `warn`-day window, and whether they are past it: counted here by hand.
fn due(modified: &str, now: &str, max: i64, warn: i64) -> Option<&'static str> {
    let due = at(modified) + SignedDuration::from_hours(24 * max);
    let warn_at = due - SignedDuration::from_hours(24 * warn);
    if at(now) >= due {
        Some("expired")
    } else if at(now) >= warn_at {
        Some("expiring")
    } else {
        None
    }
}

/// Every string of the sops metadata of the checkout's credentials files but their dates and
/// version: what must never reach the public.
fn sops_secrets(checkout: &Path) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => {
                for (key, v) in map {
                    if ![
                        "lastmodified",
                        "created_at",
                        "version",
                        "unencrypted_suffix",
                    ]
                    .contains(&key.as_str())
                    {
                        strings(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(checkout.join("config/clusters")).unwrap() {
        let file = entry
            .unwrap()
            .path()
            .join("enc-deployer-credentials.secret.json");
        if let Ok(text) = std::fs::read_to_string(&file) {
            strings(&serde_json::from_str(&text).unwrap(), &mut found);
        }
    }
    found.retain(|s| s.len() >= 12);
    assert!(found.len() > 40, "{}", found.len());
    found
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn inventory_recipe_keeps_one_issue_per_account_whose_credentials_are_due() {
    let tree = parse_yaml(PATH, &read(PATH));
    let job = tree.at(&["jobs", "inventory"]);
    // A checkout like 2i2c-org/infrastructure: its 30 cluster folders as they are, one policy
    // (nasa-veda's account under another name, with longer limits), and a folder named to break
    // the markdown, in an account of its own, rotated long ago.
    let checkout = tempfile::tempdir().unwrap();
    let dir = checkout.path();
    copy_tree(&root().join("tests/data/infrastructure"), dir);
    let clusters = dir.join("config/clusters");
    let hostile = "evil|<img src=x>`*x*";
    copy_tree(&clusters.join("victor"), &clusters.join(hostile));
    edit(
        &clusters.join(hostile).join("cluster.yaml"),
        "account: 129856558350",
        "account: 999900003333",
    );
    std::fs::create_dir_all(dir.join("smce-guard/policies")).unwrap();
    std::fs::write(
        dir.join("smce-guard/policies/veda.yaml"),
        "account:\n  id: \"444055461661\"\n  name: veda\n  cluster_config: config/clusters/nasa-veda/cluster.yaml\n  contacts: [{email: ops@example.org}]\ncredentials:\n  max_age_days: 150\n  warn_days: 30\n",
    )
    .unwrap();
    let secrets = sops_secrets(dir);

    let state = dir.join("gh.json");
    // The live check already keeps maap's issue.
    let live_body =
        "<!-- state: drift user.unmanaged -->\n**maap** is `drift` in the daily live check.\n";
    std::fs::write(
        &state,
        json!({"issues": [{"number": 1, "title": "smce-guard: maap", "body": live_body,
                           "state": "open", "comments": []}], "calls": []})
        .to_string(),
    )
    .unwrap();
    let tools = super::tool_dir(&state);
    let issues = || -> Vec<Value> {
        let state: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
        state["issues"].as_array().unwrap().clone()
    };
    let by_title = |issues: &[Value]| -> BTreeMap<String, Value> {
        (issues.iter().skip(1))
            .map(|i| (i["title"].as_str().unwrap().to_owned(), i.clone()))
            .collect()
    };
    let day = |now: &str, run_id: &str| {
        let mut env = runner_env(tools.path());
        env.push(("SMCE_GUARD_NOW".to_owned(), now.to_owned()));
        let context: HashMap<String, String> = [
            ("github.token", "not-a-token"),
            ("github.server_url", "https://github.com"),
            ("github.repository", "2i2c-org/infrastructure"),
            ("github.run_id", run_id),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        run_job(job, dir, &env, &context)
    };
    let run_url =
        |id: &str| format!("https://github.com/2i2c-org/infrastructure/actions/runs/{id}");
    // What each account's issue is, counted by hand from the clusters' files: title → status.
    let expected = |now: &str, rotated: &[(&str, &str)], gone: &[&str]| {
        let mut out = BTreeMap::new();
        for (name, account, _, modified) in AWS {
            if gone.contains(&name) || name == "maap" {
                continue;
            }
            let modified = (rotated.iter().find(|(n, _)| *n == name)).map_or(modified, |r| r.1);
            let (title, max, warn) = match name {
                "nasa-veda" => ("smce-guard: veda".to_owned(), 150, 30),
                _ => (format!("smce-guard: {name}"), 60, 15),
            };
            if let Some(status) = due(modified, now, max, warn) {
                out.insert(title, (account.to_owned(), status));
            }
        }
        if let Some(status) = due("2022-11-07T14:24:44Z", now, 60, 15) {
            out.insert(
                "smce-guard: 999900003333".to_owned(),
                ("999900003333".to_owned(), status),
            );
        }
        out
    };
    let assert_public_text_clean = |what: &str, text: &str| {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{what} shows {secret}");
        }
        assert!(!text.contains("ENC["), "{what}");
        assert!(!text.contains("<img"), "{what}: {text}");
    };
    let assert_issues_clean = |issues: &[Value]| {
        for issue in issues {
            assert_public_text_clean("an issue", &issue.to_string());
        }
    };

    // Day 1: every account due gets one issue; maap's stays the live check's.
    let day1_at = "2026-07-10T06:00:00Z";
    let day1 = day(day1_at, "1");
    assert!(day1.succeeded, "{:?}", day1.steps);
    assert!(day1.steps[0].2.contains("exited 1"), "{}", day1.steps[0].2);
    let after1 = issues();
    let open1 = by_title(&after1);
    let want1 = expected(day1_at, &[], &[]);
    assert_eq!(
        open1.keys().collect::<Vec<_>>(),
        want1.keys().collect::<Vec<_>>()
    );
    assert_eq!(open1.len(), 18, "17 real accounts and the odd folder's");
    for (title, (account, status)) in &want1 {
        let issue = &open1[title];
        assert_eq!(issue["state"], "open");
        assert_eq!(issue["comments"], json!([]));
        let body = issue["body"].as_str().unwrap();
        assert!(
            body.starts_with(&format!(
                "<!-- smce-guard inventory: {account} {status} -->\n"
            )),
            "{title}: {body}"
        );
        assert!(body.contains(&run_url("1")), "{body}");
    }
    assert_eq!(
        after1[0]["body"], live_body,
        "the live check's issue is left"
    );
    assert_eq!(after1[0]["comments"], json!([]));
    assert!(
        day1.steps[1]
            .2
            .contains("issue #1 is kept by another workflow"),
        "{}",
        day1.steps[1].2
    );
    let veda = open1["smce-guard: veda"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    for said in [
        "The deployer credentials of AWS account `444055461661` are **expiring**: due on 2026-08-06, in 27 days (limit: the account's policy, warned 30 days before).",
        "| `nasa-veda` | `config/clusters/nasa-veda/enc-deployer-credentials.secret.json` | 2026-03-09 | 122 | 2026-08-06 | expiring |",
        "terraform apply -replace=aws_iam_access_key.continuous_deployer",
    ] {
        assert!(veda.contains(said), "{said}\n{veda}");
    }
    let temple = open1["smce-guard: temple"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        temple.contains("are **expired**: past their 60-day limit since 2025-10-18 (limit: the default, warned 15 days before)."),
        "{temple}"
    );
    // As GitHub renders it: one table row per cluster, the odd name not shown, no element it
    // could have made.
    let odd = open1["smce-guard: 999900003333"]["body"].as_str().unwrap();
    assert!(odd.contains("| (a name not shown here) |"), "{odd}");
    for body in [veda.as_str(), odd] {
        let rendered = crate::escaping::consume("markdown.py", body);
        assert_eq!(rendered["rows"], 2, "{}", rendered["html"]);
        for tag in rendered["tags"].as_array().unwrap() {
            assert!(
                [
                    "a", "code", "p", "strong", "table", "tbody", "td", "th", "thead", "tr"
                ]
                .contains(&tag.as_str().unwrap()),
                "{tag}: {}",
                rendered["html"]
            );
        }
    }
    assert_issues_clean(&after1);
    assert_public_text_clean("day 1's log and summary", &day1.public_text());
    // The summary: the counts, then each account due, named as its issue is.
    let expired = want1.values().filter(|(_, s)| *s == "expired").count() + 1;
    let summary: Vec<&str> = day1.summary.lines().collect();
    assert_eq!(
        summary[0],
        format!(
            "**Deployer credentials**, 21 AWS clusters: {expired} past their limit, 1 within the warning window, 0 with files that cannot be read."
        )
    );
    assert_eq!(summary.len(), 2 + want1.len() + 1, "{}", day1.summary);
    for said in [
        "- `veda` (account `444055461661`): expiring, 122 days old",
        "- `maap` (account `916098889494`): expired, 122 days old",
        "- `999900003333` (account `999900003333`): expired, 1340 days old",
    ] {
        assert!(summary.contains(&said), "{said}\n{}", day1.summary);
    }

    // Day 2: temple's credentials cannot be dated. Every other issue is rewritten in place (one
    // day older), temple's is left as it was, nothing is commented, and the job fails (exit 2).
    let temple_file = clusters.join("temple/enc-deployer-credentials.secret.json");
    let temple_text = std::fs::read_to_string(&temple_file).unwrap();
    std::fs::write(&temple_file, "{}").unwrap();
    let day2 = day("2026-07-11T06:00:00Z", "2");
    assert!(!day2.succeeded);
    let (last, code, _) = day2.steps.last().unwrap();
    assert!(last.contains("exit \"${STATUS:-2}\""), "{last}");
    assert_eq!(*code, 2);
    let after2 = issues();
    assert_eq!(after2.len(), after1.len(), "no new issue");
    let open2 = by_title(&after2);
    for (title, issue) in &open2 {
        assert_eq!(issue["comments"], json!([]), "{title}");
        assert_eq!(issue["state"], "open", "{title}");
        let (before, now) = (&open1[title]["body"], &issue["body"]);
        if title == "smce-guard: temple" {
            assert_eq!(now, before, "left as it was");
        } else {
            assert_ne!(now, before, "{title} rewritten");
            assert!(now.as_str().unwrap().contains(&run_url("2")));
        }
    }
    assert!(
        open2["smce-guard: veda"]["body"]
            .as_str()
            .unwrap()
            .contains("| 2026-03-09 | 123 | 2026-08-06 | expiring |")
    );
    assert!(
        day2.steps[1].2.contains("cannot be dated; left as it is"),
        "{}",
        day2.steps[1].2
    );

    // Day 3: temple's file is back; ucmerced's credentials are rotated (re-encrypted yesterday)
    // and victor's cluster is gone: both issues are closed, each saying why.
    std::fs::write(&temple_file, temple_text).unwrap();
    edit(
        &clusters.join("ucmerced/enc-deployer-credentials.secret.json"),
        "\"lastmodified\": \"2026-01-08T16:00:09Z\"",
        "\"lastmodified\": \"2026-07-11T12:00:00Z\"",
    );
    std::fs::remove_dir_all(clusters.join("victor")).unwrap();
    let day3_at = "2026-07-12T06:00:00Z";
    let day3 = day(day3_at, "3");
    assert!(day3.succeeded, "{:?}", day3.steps);
    let after3 = issues();
    let all3 = by_title(&after3);
    for (title, why) in [
        (
            "smce-guard: ucmerced",
            format!(
                "Rotated: the deployer credentials of account `596308305316` are within their limit again ({}).",
                run_url("3")
            ),
        ),
        (
            "smce-guard: victor",
            format!(
                "No cluster of account `129856558350` is left in the checkout ({}).",
                run_url("3")
            ),
        ),
    ] {
        assert_eq!(all3[title]["state"], "closed", "{title}");
        assert_eq!(all3[title]["comments"], json!([why]), "{title}");
    }
    let rotated = [("ucmerced", "2026-07-11T12:00:00Z")];
    let open3: Vec<&String> = (all3.iter())
        .filter(|(_, i)| i["state"] == "open")
        .map(|(t, _)| t)
        .collect();
    let want3 = expected(day3_at, &rotated, &["victor"]);
    assert_eq!(open3, want3.keys().collect::<Vec<_>>());
    assert_eq!(open3.len(), 16);

    // Day 4: two more accounts enter their warning window and get issues; veda's passes its
    // limit, so its issue says so and is commented on; ucmerced's rotated key is still fresh.
    let day4_at = "2026-08-18T06:00:00Z";
    let day4 = day(day4_at, "4");
    assert!(day4.succeeded, "{:?}", day4.steps);
    let after4 = issues();
    let all4 = by_title(&after4);
    let open4: BTreeMap<&String, &Value> = (all4.iter())
        .filter(|(_, i)| i["state"] == "open")
        .collect();
    let want4 = expected(day4_at, &rotated, &["victor"]);
    assert_eq!(
        open4.keys().copied().collect::<Vec<_>>(),
        want4.keys().collect::<Vec<_>>()
    );
    for new in ["smce-guard: neurohackademy", "smce-guard: uw-escience"] {
        assert!(!all3.contains_key(new), "{new}");
        assert!(
            open4[&new.to_owned()]["body"]
                .as_str()
                .unwrap()
                .contains("**expiring**"),
            "{new}"
        );
    }
    assert_eq!(
        after4.len(),
        after3.len() + 2,
        "one issue each, no duplicate"
    );
    let veda4 = open4[&"smce-guard: veda".to_owned()];
    assert_eq!(
        veda4["comments"],
        json!([format!("Now expired in {}", run_url("4"))])
    );
    assert!(
        veda4["body"]
            .as_str()
            .unwrap()
            .starts_with("<!-- smce-guard inventory: 444055461661 expired -->")
    );
    assert_eq!(all4["smce-guard: ucmerced"]["state"], "closed");
    // Only veda's status changed: no other comment on an open issue.
    for (title, issue) in &open4 {
        if title.as_str() != "smce-guard: veda" {
            assert_eq!(issue["comments"], json!([]), "{title}");
        }
    }
    assert_eq!(after4[0]["body"], live_body);
    assert_issues_clean(&after4);
    for run in [&day2, &day3, &day4] {
        assert_public_text_clean("a run's log and summary", &run.public_text());
    }
}
