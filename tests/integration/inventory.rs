//! `inventory --infrastructure DIR` on the real estate: all 30 cluster folders of
//! 2i2c-org/infrastructure (`tests/data/infrastructure/`, copied unchanged with their sops files),
//! judged at an injected instant. Every AWS cluster is listed with its deployer credentials' age,
//! the others as not covered; hand-broken copies are reported per cluster while the rest is still
//! listed; the markdown and the calendar are read back by cmark-gfm and icalendar; and the
//! verdicts of covered accounts are `check`'s own.

use crate::common::{Run, command, data, execute, root};
use crate::escaping::consume;
use crate::infrastructure::copy;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use std::path::Path;

/// When 2i2c's repository was read (the instant): 18 keys older than 90 days.
const NOW: &str = "2026-08-21T00:00:00Z";

/// The 20 AWS clusters as their files say: folder, `aws.account`, `aws.region`, and the
/// credentials file's `sops.lastmodified`.
pub(crate) const AWS: [(&str, &str, &str, &str); 20] = [
    (
        "2i2c-aws-us",
        "790657130469",
        "us-west-2",
        "2022-12-02T16:26:52Z",
    ),
    (
        "aimatx-2i2c-hub",
        "426578051359",
        "us-west-2",
        "2025-10-23T15:05:50Z",
    ),
    (
        "bnext-bio",
        "882437028641",
        "us-west-2",
        "2025-10-22T10:33:16Z",
    ),
    (
        "disasters",
        "515966502221",
        "us-west-2",
        "2026-03-09T13:26:34Z",
    ),
    (
        "earthscope",
        "762698921361",
        "us-east-2",
        "2024-06-25T13:05:25Z",
    ),
    (
        "jupyter-health",
        "211125465508",
        "us-east-2",
        "2024-03-27T03:12:18Z",
    ),
    ("maap", "916098889494", "us-west-2", "2026-03-09T13:13:22Z"),
    (
        "nasa-cryo",
        "574251165169",
        "us-west-2",
        "2022-10-17T10:43:58Z",
    ),
    (
        "nasa-ghg-hub",
        "597746869805",
        "us-west-2",
        "2026-03-09T13:27:56Z",
    ),
    (
        "nasa-veda",
        "444055461661",
        "us-west-2",
        "2026-03-09T13:11:49Z",
    ),
    (
        "neurohackademy",
        "181398284065",
        "us-west-2",
        "2026-06-30T14:16:49Z",
    ),
    (
        "nmfs-openscapes",
        "891612562472",
        "us-west-2",
        "2024-09-09T14:44:21Z",
    ),
    (
        "openscapeshub",
        "783616723547",
        "us-west-2",
        "2021-12-15T11:13:09Z",
    ),
    (
        "opensci",
        "211125293633",
        "us-west-2",
        "2024-02-21T15:39:24Z",
    ),
    (
        "projectpythia",
        "590183926898",
        "us-west-2",
        "2024-05-13T18:27:52Z",
    ),
    (
        "reflective",
        "916143380841",
        "us-west-2",
        "2025-04-09T10:59:50Z",
    ),
    (
        "temple",
        "324830304144",
        "us-west-2",
        "2025-08-19T09:36:25Z",
    ),
    (
        "ucmerced",
        "596308305316",
        "us-west-2",
        "2026-01-08T16:00:09Z",
    ),
    (
        "uw-escience",
        "334807430785",
        "us-west-2",
        "2026-07-03T15:43:30Z",
    ),
    (
        "victor",
        "129856558350",
        "us-west-2",
        "2022-11-07T14:24:44Z",
    ),
];

/// The 10 clusters on other clouds.
const OTHERS: [(&str, &str); 10] = [
    ("2i2c", "gcp"),
    ("2i2c-uk", "gcp"),
    ("awi-ciroh", "gcp"),
    ("cloudbank", "gcp"),
    ("dubois", "gcp"),
    ("hhmi", "gcp"),
    ("leap", "gcp"),
    ("projectpythia-binder", "kubeconfig"),
    ("ucec", "gcp"),
    ("utoronto", "kubeconfig"),
];

const SMCE: [&str; 4] = ["disasters", "maap", "nasa-ghg-hub", "nasa-veda"];

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// `smce-guard inventory --infrastructure INFRA --now NOW ARGS` in `dir`.
fn inventory(dir: &Path, infra: &Path, now: &str, args: &[&str]) -> Run {
    let mut all = vec![
        "inventory".to_owned(),
        "--infrastructure".to_owned(),
        infra.display().to_string(),
        "--now".to_owned(),
        now.to_owned(),
    ];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    execute(command(dir, all))
}

fn clusters(run: &Run) -> Vec<Value> {
    run.json()["clusters"].as_array().unwrap().clone()
}

fn cluster<'a>(clusters: &'a [Value], name: &str) -> &'a Value {
    clusters
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

/// A scratch copy of the real checkout (`infra/`).
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&data("infrastructure"), &dir.path().join("infra"));
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_aws_cluster_of_the_real_estate_with_its_credentials_age_and_the_others_not_covered() {
    // An empty folder: no `policies/`, no `fixtures/`.
    let empty = tempfile::tempdir().unwrap();
    let run = inventory(
        empty.path(),
        &data("infrastructure"),
        NOW,
        &["--format", "json"],
    );
    // 18 credentials past the default 60 days: exit 1.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["now"], NOW);
    let clusters = clusters(&run);
    assert_eq!(clusters.len(), 30);
    let now = at(NOW);
    let (mut over_90, mut over_three_and_a_half_years, mut expired) = (0, 0, 0);
    for (name, account, region, modified) in AWS {
        let c = cluster(&clusters, name);
        // Whole days, counted here by hand from the file's instant.
        let age = (now.as_second() - at(modified).as_second()) / 86_400;
        let due = at(modified) + SignedDuration::from_hours(24 * 60);
        let warn = due - SignedDuration::from_hours(24 * 15);
        let status = if now >= due {
            "expired"
        } else if now >= warn {
            "expiring"
        } else {
            "ok"
        };
        assert_eq!(
            (c.clone(), c["credentials"].clone()),
            (
                json!({
                    "name": name,
                    "file": format!("config/clusters/{name}/cluster.yaml"),
                    "provider": "aws",
                    "covered": true,
                    "problems": [],
                    "account_id": account,
                    "account_name": name,
                    "region": region,
                    "cluster_name": name,
                    "credentials_file": format!("config/clusters/{name}/enc-deployer-credentials.secret.json"),
                    "credentials": c["credentials"],
                    "max_age_days": 60,
                    "warn_days": 15,
                    "limit_from": "default",
                    "policy": null,
                }),
                json!({
                    "last_modified": modified,
                    "age_days": age,
                    "warn_at": warn.to_string(),
                    "due": due.to_string(),
                    "days_left": (due.as_second() - now.as_second()) / 86_400,
                    "status": status,
                })
            ),
            "{name}"
        );
        over_90 += usize::from(age > 90);
        over_three_and_a_half_years += usize::from(age * 2 > 365 * 7);
        expired += usize::from(status == "expired");
    }
    // The count, from the files themselves.
    assert_eq!((over_90, over_three_and_a_half_years, expired), (18, 4, 18));
    for (name, provider) in OTHERS {
        assert_eq!(
            cluster(&clusters, name),
            &json!({
                "name": name,
                "file": format!("config/clusters/{name}/cluster.yaml"),
                "provider": provider,
                "covered": false,
                "problems": [],
            }),
        );
    }
    assert_eq!(
        json["summary"],
        json!({"clusters": 30, "aws": 20, "not_covered": 10, "expired": 18, "expiring": 2,
               "with_problems": 0, "policy_errors": 0})
    );
    // One account per AWS cluster here, by id, each standing as its one cluster does.
    let accounts = json["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 20);
    let mut ids: Vec<&str> = AWS.iter().map(|a| a.1).collect();
    ids.sort_unstable();
    assert_eq!(
        accounts
            .iter()
            .map(|a| a["account_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ids
    );
    for (name, account, ..) in AWS {
        let c = cluster(&clusters, name);
        let a = accounts
            .iter()
            .find(|a| a["account_id"] == account)
            .unwrap();
        let credentials = &c["credentials"];
        assert_eq!(
            a,
            &json!({
                "account_id": account,
                "name": name,
                "clusters": [name],
                "status": credentials["status"],
                "last_modified": credentials["last_modified"],
                "age_days": credentials["age_days"],
                "warn_at": credentials["warn_at"],
                "due": credentials["due"],
                "days_left": credentials["days_left"],
                "max_age_days": 60,
                "warn_days": 15,
                "limit_from": "default",
            }),
            "{name}"
        );
    }
    // Nothing is decrypted, or even shown encrypted.
    for format in ["json", "table", "markdown", "ics"] {
        let out = inventory(
            empty.path(),
            &data("infrastructure"),
            NOW,
            &["--format", format],
        );
        assert!(!out.stdout.contains("ENC["), "{format}");
        assert!(!out.stdout.contains("AES256_GCM"), "{format}");
    }
    // The table lists every cluster, in one line each, and says what it counted.
    let table = inventory(empty.path(), &data("infrastructure"), NOW, &[]);
    assert_eq!(table.code, 1);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 20 + 10 + 1, "{}", table.stdout);
    assert!(
        lines[1].starts_with("2i2c-aws-us ") && lines[1].contains(" 1357 "),
        "{}",
        lines[1]
    );
    assert!(lines[21].starts_with("2i2c ") && lines[21].ends_with("not covered (provider: gcp)"));
    assert_eq!(
        lines[31],
        "30 clusters: 20 AWS (18 past their limit, 2 within the warning window), 10 not covered; ages at 2026-08-21T00:00:00Z"
    );
}

/// The repository's own policies and recordings: the four SMCE clusters are held to their
/// policies' limits and carry the verdict `check` gives their accounts. The legacy example's
/// invented account has no cluster in the checkout: a policy error (exit 2), and every cluster is
/// still listed and judged.
#[test]
fn covered_accounts_carry_the_verdict_check_gives_them() {
    let run = execute(command(
        &root(),
        [
            "inventory",
            "--infrastructure",
            "tests/data/infrastructure",
            "policies",
            "--fixtures",
            "fixtures",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    ));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["policy_errors"], 1);
    assert!(run.stderr.contains("1 policy error(s)"), "{}", run.stderr);
    let clusters = clusters(&run);
    let check = execute(command(
        &root(),
        [
            "check",
            "policies",
            "--infrastructure",
            "tests/data/infrastructure",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    ))
    .json();
    for name in SMCE {
        let c = cluster(&clusters, name);
        assert_eq!(c["limit_from"], "policy", "{name}");
        let account = (check["accounts"].as_array().unwrap().iter())
            .find(|a| a["name"] == name)
            .unwrap();
        let findings: Vec<&Value> = (check["findings"].as_array().unwrap().iter())
            .filter(|f| f["account_name"] == name && f["waived"] == false)
            .collect();
        let count = |severity: &str| {
            findings
                .iter()
                .filter(|f| f["severity"] == severity)
                .count()
        };
        let mut codes: Vec<&str> = findings
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            c["policy"],
            json!({
                "file": format!("policies/{name}.yaml"),
                "account_name": name,
                "verdict": account["status"],
                "errors": count("error"),
                "warnings": count("warning"),
                "codes": codes,
                "reason": null,
            }),
            "{name}"
        );
        // Every one of them is judged, and the sops instant reaches the rules as in `check`.
        assert_ne!(c["policy"]["verdict"], "ok", "{name}");
    }
    for (name, ..) in AWS.iter().filter(|(name, ..)| !SMCE.contains(name)) {
        assert_eq!(cluster(&clusters, name)["policy"], Value::Null, "{name}");
        assert_eq!(cluster(&clusters, name)["limit_from"], "default");
    }
}

#[test]
fn an_account_without_a_recording_says_so_and_exit_codes_follow_the_credentials() {
    let dir = scratch();
    // Only the four SMCE clusters and one on GCP.
    let clusters_dir = dir.path().join("infra/config/clusters");
    for entry in std::fs::read_dir(&clusters_dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !SMCE.contains(&name.as_str()) && name != "leap" {
            std::fs::remove_dir_all(clusters_dir.join(name)).unwrap();
        }
    }
    copy(&root().join("policies"), &dir.path().join("policies"));
    // The legacy example's account has no cluster: only the four SMCE policies here.
    std::fs::remove_file(dir.path().join("policies/legacy-members.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("fixtures")).unwrap();
    let infra = dir.path().join("infra");
    let run = |now: &str| inventory(dir.path(), &infra, now, &["--format", "json"]);
    // Eleven days after the last rotation: fresh, nothing judged (no recordings), exit 0.
    let fresh = run("2026-03-20T00:00:00Z");
    assert_eq!(fresh.code, 0, "{}\n{}", fresh.stdout, fresh.stderr);
    for name in SMCE {
        let c = cluster(&clusters(&fresh), name).clone();
        assert_eq!(c["credentials"]["status"], "ok");
        assert_eq!(c["policy"]["verdict"], "no recording", "{name}");
        assert_eq!(c["policy"]["reason"], "no recording of the account");
    }
    assert_eq!(cluster(&clusters(&fresh), "leap")["covered"], false);
    // Within the warning window (due 2026-05-08): listed as expiring, still exit 0.
    let expiring = run("2026-05-01T00:00:00Z");
    assert_eq!(expiring.code, 0);
    assert_eq!(expiring.json()["summary"]["expiring"], 4);
    // Past it: exit 1.
    let expired = run("2026-05-09T00:00:00Z");
    assert_eq!(expired.code, 1);
    assert_eq!(expired.json()["summary"]["expired"], 4);
    // A policy's own limit wins over the default.
    edit(
        &dir.path().join("policies/maap.yaml"),
        "max_age_days: 60",
        "max_age_days: 90",
    );
    let maap = run("2026-05-09T00:00:00Z");
    let c = cluster(&clusters(&maap), "maap").clone();
    assert_eq!(
        (
            c["max_age_days"].clone(),
            c["credentials"]["status"].clone()
        ),
        (json!(90), json!("ok"))
    );
}

#[test]
fn broken_and_odd_cluster_files_are_reported_per_cluster_and_the_rest_still_listed() {
    let dir = scratch();
    let clusters_dir = dir.path().join("infra/config/clusters");
    let at = |name: &str| clusters_dir.join(name);
    // Not YAML.
    std::fs::write(at("nasa-cryo/cluster.yaml"), "provider: aws\naws: [\n").unwrap();
    // A folder without a cluster file.
    std::fs::create_dir(at("half-made")).unwrap();
    // Credentials without sops metadata, and with an instant that is not one.
    std::fs::write(
        at("victor/enc-deployer-credentials.secret.json"),
        "{\"AccessKey\": {}}",
    )
    .unwrap();
    edit(
        &at("temple/enc-deployer-credentials.secret.json"),
        "\"lastmodified\": \"2025-08-19T09:36:25Z\"",
        "\"lastmodified\": \"last August\"",
    );
    // A key file outside the checkout is never read.
    edit(
        &at("reflective/cluster.yaml"),
        "key: enc-deployer-credentials.secret.json",
        "key: ../../../../../../etc/passwd",
    );
    // The 2025 shape of nasa-veda's file: the sign-in alias, no account id.
    std::fs::create_dir(at("old-veda")).unwrap();
    std::fs::copy(
        data("infrastructure/history/nasa-veda-cluster-2025-05-27.yaml"),
        at("old-veda/cluster.yaml"),
    )
    .unwrap();
    std::fs::copy(
        at("nasa-veda/enc-deployer-credentials.secret.json"),
        at("old-veda/enc-deployer-credentials.secret.json"),
    )
    .unwrap();
    // An account that is not an id, and a file that names no provider.
    edit(
        &at("opensci/cluster.yaml"),
        "account: 211125293633",
        "account: \"opensci\"",
    );
    edit(&at("dubois/cluster.yaml"), "provider: gcp", "cloud: gcp");
    let run = inventory(
        dir.path(),
        &dir.path().join("infra"),
        NOW,
        &["--format", "json"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let clusters = clusters(&run);
    assert_eq!(clusters.len(), 32);
    let problems = |name: &str| -> Vec<String> {
        cluster(&clusters, name)["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect()
    };
    let one = |name: &str, needle: &str| {
        let found = problems(name);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert!(found[0].contains(needle), "{name}: {found:?}");
    };
    one("nasa-cryo", "is not readable YAML (line 3, column 1)");
    one(
        "half-made",
        "config/clusters/half-made/cluster.yaml does not exist",
    );
    one("victor", "has no `sops` block");
    one(
        "temple",
        "`sops.lastmodified` is `last August`, not an RFC 3339 instant",
    );
    one("reflective", "etc/passwd");
    one("old-veda", "names no `aws.account`");
    one(
        "opensci",
        "`aws.account` is `opensci`, not a 12-digit account id",
    );
    one("dubois", "says no `provider`");
    // What could be read is still there: the region and key of the undatable ones.
    assert_eq!(cluster(&clusters, "victor")["region"], "us-west-2");
    assert_eq!(cluster(&clusters, "victor")["credentials"], Value::Null);
    assert_eq!(cluster(&clusters, "old-veda")["cluster_name"], "nasa-veda");
    // Nothing of the file outside the checkout is shown.
    assert!(!run.stdout.contains("root:"), "{}", run.stdout);
    // Every other cluster as in the clean checkout, and each problem on stderr too.
    let clean: Vec<&str> = AWS
        .iter()
        .map(|a| a.0)
        .filter(|n| !["nasa-cryo", "victor", "temple", "reflective", "opensci"].contains(n))
        .collect();
    for name in clean {
        assert_eq!(problems(name), Vec::<String>::new(), "{name}");
        assert!(cluster(&clusters, name)["credentials"]["age_days"].is_i64());
    }
    assert_eq!(run.stderr.lines().count(), 8, "{}", run.stderr);
    assert!(run.stderr.contains("error: cluster `temple`: "));
    // A checkout without the folder is refused as a whole.
    let none = inventory(dir.path(), dir.path(), NOW, &[]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("has no config/clusters folder"),
        "{}",
        none.stderr
    );
}

#[test]
fn unreadable_and_broken_recordings_are_exit_3_and_2() {
    let dir = scratch();
    copy(&root().join("policies"), &dir.path().join("policies"));
    copy(&root().join("fixtures"), &dir.path().join("fixtures"));
    // The legacy example's account has no cluster: only the four SMCE policies here.
    std::fs::remove_file(dir.path().join("policies/legacy-members.yaml")).unwrap();
    let infra = dir.path().join("infra");
    let json = |run: &Run, name: &str| cluster(&clusters(run), name)["policy"].clone();
    // A recording without its credential report: the account is unobserved (3 outranks 1).
    std::fs::remove_file(dir.path().join("fixtures/maap/credential-report.csv")).unwrap();
    let run = inventory(dir.path(), &infra, NOW, &["--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let maap = json(&run, "maap");
    assert_eq!(maap["verdict"], "unobserved");
    assert!(
        maap["reason"]
            .as_str()
            .unwrap()
            .contains("credential-report.csv is missing")
    );
    // A broken recording: invalid input (2 outranks 3).
    std::fs::write(
        dir.path().join("fixtures/disasters/access-keys.json"),
        "{not json",
    )
    .unwrap();
    let run = inventory(dir.path(), &infra, NOW, &["--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(json(&run, "disasters")["verdict"], "invalid");
    // A policy that contradicts its cluster file is a policy error, and its cluster says so.
    edit(
        &dir.path().join("policies/nasa-veda.yaml"),
        "cluster: nasa-veda",
        "cluster: veda",
    );
    let run = inventory(dir.path(), &infra, NOW, &["--format", "json"]);
    assert_eq!(run.json()["summary"]["policy_errors"], 1);
    assert!(run.stderr.contains("1 policy error(s)"), "{}", run.stderr);
}

#[test]
fn markdown_and_calendar_are_read_back_by_their_consumers() {
    let dir = scratch();
    let clusters_dir = dir.path().join("infra/config/clusters");
    // A folder named to break out of every format it is written to.
    let hostile = "evil|<img src=x>\n::error::*bold*";
    copy(
        &clusters_dir.join("uw-escience"),
        &clusters_dir.join(hostile),
    );
    let infra = dir.path().join("infra");
    let markdown = inventory(dir.path(), &infra, NOW, &["--format", "markdown"]);
    assert_eq!(markdown.code, 1);
    let read = consume("markdown.py", &markdown.stdout);
    // A header row and one row per AWS cluster: no cell split, no element made by a name.
    assert_eq!(read["rows"], 1 + 21, "{}", read["html"]);
    let tags: Vec<&str> = read["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "code", "h2", "h3", "li", "p", "table", "tbody", "td", "th", "thead", "tr", "ul"
        ],
        "{}",
        read["html"]
    );
    assert_eq!(read["list_items"], 10);
    assert!(
        read["html"]
            .as_str()
            .unwrap()
            .contains("evil|&lt;img src=x&gt; ::error::*bold*")
    );

    let ics = inventory(dir.path(), &infra, NOW, &["--format", "ics"]);
    assert_eq!(ics.code, 1);
    let calendar = consume("ics.py", &ics.stdout);
    let events = calendar["events"].as_array().unwrap();
    assert_eq!(events.len(), 21);
    for (name, account, _, modified) in AWS {
        let uid = format!("rotate-{account}-{name}@smce-guard");
        let event = events
            .iter()
            .find(|e| e["uid"] == uid)
            .unwrap_or_else(|| panic!("no event {uid}"));
        let due = at(modified) + SignedDuration::from_hours(24 * 60);
        let warn = due - SignedDuration::from_hours(24 * 15);
        let utc = |t: Timestamp| jiff::tz::TimeZone::UTC.to_datetime(t);
        assert_eq!(event["start"], utc(due).date().to_string(), "{name}");
        let day_before = utc(due - SignedDuration::from_hours(24));
        assert_eq!(
            event["alarms"],
            json!([
                {"action": "DISPLAY", "trigger": format!("{} 09:00:00+00:00", utc(warn).date()),
                 "description": format!("{name}: deployer credentials due for rotation")},
                {"action": "DISPLAY", "trigger": format!("{} {}+00:00", day_before.date(), day_before.time().strftime("%H:%M:%S")),
                 "description": format!("{name}: deployer credentials due for rotation")},
            ]),
            "{name}"
        );
        assert_eq!(event["transp"], "OPAQUE");
        let description = event["description"].as_str().unwrap();
        assert!(
            description.contains(&format!("last re-encrypted {modified}")),
            "{description}"
        );
    }
    let evil = events
        .iter()
        .find(|e| e["summary"].as_str().unwrap().starts_with("evil|"))
        .unwrap();
    assert_eq!(
        evil["summary"],
        format!("{hostile}: deployer credentials due for rotation")
    );
    // The table shows the name's line break, never acts on it.
    let table = inventory(dir.path(), &infra, NOW, &[]);
    assert!(
        table.stdout.lines().all(|l| !l.starts_with("::")),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains("evil|<img src=x>\\u{a}::error::*bold*"),
        "{}",
        table.stdout
    );
}

#[test]
fn inventory_has_help_with_an_example_and_needs_a_checkout() {
    let empty = tempfile::tempdir().unwrap();
    let mut bare = command(empty.path(), ["inventory"]);
    bare.env_remove("SMCE_GUARD_INFRASTRUCTURE");
    let run = execute(bare);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--infrastructure"), "{}", run.stderr);
    // The checkout from the environment, as CI sets it once.
    let mut env = command(
        empty.path(),
        ["inventory", "--now", NOW, "--format", "json"],
    );
    env.env("SMCE_GUARD_INFRASTRUCTURE", data("infrastructure"));
    let run = execute(env);
    assert_eq!(run.json()["summary"]["clusters"], 30);
}

/// `accounts` gathers the clusters of one account: the worst standing of its credentials, the
/// oldest of them, the policy's name (else the first folder's, when it is a valid account name),
/// and `unknown` while a credentials file cannot be dated and none is past its window.
#[test]
fn accounts_gather_their_clusters_with_the_oldest_credentials_and_the_worst_standing() {
    let dir = scratch();
    let clusters_dir = dir.path().join("infra/config/clusters");
    // A second cluster in uw-escience's account (its credentials 2026-07-03), rotated later.
    copy(
        &clusters_dir.join("uw-escience"),
        &clusters_dir.join("uw-escience-staging"),
    );
    edit(
        &clusters_dir.join("uw-escience-staging/enc-deployer-credentials.secret.json"),
        "2026-07-03T15:43:30Z",
        "2026-08-01T00:00:00Z",
    );
    // Two clusters in a new account: one dated, one that cannot be dated.
    for (name, from) in [("zeta-a", "neurohackademy"), ("zeta-b", "temple")] {
        copy(&clusters_dir.join(from), &clusters_dir.join(name));
    }
    let account_of = |name: &str, from: &str| {
        edit(
            &clusters_dir.join(name).join("cluster.yaml"),
            &format!("account: {from}"),
            "account: 999900001111",
        )
    };
    account_of("zeta-a", "181398284065");
    account_of("zeta-b", "324830304144");
    std::fs::write(
        clusters_dir.join("zeta-b/enc-deployer-credentials.secret.json"),
        "{}",
    )
    .unwrap();
    // A folder whose name no policy may carry, alone in its account.
    copy(&clusters_dir.join("victor"), &clusters_dir.join("Odd Name"));
    edit(
        &clusters_dir.join("Odd Name/cluster.yaml"),
        "account: 129856558350",
        "account: 999900002222",
    );
    // uw-escience's account declared by a policy of another name, with its own limits.
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/escience.yaml"),
        "account:\n  id: \"334807430785\"\n  name: escience\n  contacts: [{email: ops@example.org}]\ncredentials:\n  max_age_days: 90\n  warn_days: 30\n",
    )
    .unwrap();
    let infra = dir.path().join("infra");
    let account = |now: &str, id: &str| -> Value {
        let run = inventory(dir.path(), &infra, now, &["--format", "json"]);
        let json = run.json();
        (json["accounts"].as_array().unwrap().iter())
            .find(|a| a["account_id"] == id)
            .unwrap_or_else(|| panic!("no account {id}:\n{}", run.stdout))
            .clone()
    };
    let escience = account("2026-08-21T00:00:00Z", "334807430785");
    assert_eq!(
        escience,
        json!({
            "account_id": "334807430785",
            "name": "escience",
            "clusters": ["uw-escience", "uw-escience-staging"],
            // 48 days of 90, warned from day 60.
            "status": "ok",
            "last_modified": "2026-07-03T15:43:30Z",
            "age_days": 48,
            "warn_at": "2026-09-01T15:43:30Z",
            "due": "2026-10-01T15:43:30Z",
            "days_left": 41,
            "max_age_days": 90,
            "warn_days": 30,
            "limit_from": "policy",
        })
    );
    // The older cluster decides: expiring from 2026-09-01, though the other is fresh then.
    assert_eq!(account("2026-09-02", "334807430785")["status"], "expiring");
    assert_eq!(account("2026-10-02", "334807430785")["status"], "expired");
    // One credentials file undated, the other fresh: unknown; past its window: expiring.
    let zeta = account("2026-07-01", "999900001111");
    assert_eq!(
        (
            zeta["name"].clone(),
            zeta["clusters"].clone(),
            zeta["status"].clone(),
            zeta["last_modified"].clone()
        ),
        (
            json!("zeta-a"),
            json!(["zeta-a", "zeta-b"]),
            json!("unknown"),
            json!("2026-06-30T14:16:49Z")
        )
    );
    assert_eq!(account("2026-08-20", "999900001111")["status"], "expiring");
    // No name a policy could carry: none.
    let odd = account("2026-07-01", "999900002222");
    assert_eq!(
        (odd["name"].clone(), odd["status"].clone()),
        (Value::Null, json!("expired"))
    );
}
