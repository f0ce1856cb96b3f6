//! Renderings of the estate (`inventory`): a table, JSON (version 1), markdown for an issue or a
//! step summary, and a calendar with an event on each deployer credentials file's due date (the
//! calendar writer and alarms are `expiries`', [`super::calendar`]). Every value from a cluster
//! file, a policy or a recording passes through [`super::escape`] for where it is written.

use super::calendar;
use super::escape::{markdown, markdown_code, terminal};
use crate::base::clock::utc_date;
use crate::outcome::expiries::Standing;
use crate::outcome::inventory::{
    Account, AwsCluster, Cluster, Credentials, Inventory, PolicyVerdict,
};
use serde_json::{Value, json};
use std::fmt::Write;

/// The formats `inventory` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InventoryFormat {
    Table,
    Json,
    Markdown,
    Ics,
}

pub fn render(inventory: &Inventory, format: InventoryFormat) -> String {
    match format {
        InventoryFormat::Table => table(inventory),
        InventoryFormat::Json => json(inventory),
        InventoryFormat::Markdown => markdown_page(inventory),
        InventoryFormat::Ics => ics(inventory),
    }
}

fn standing(c: &Credentials) -> &'static str {
    match c.standing {
        Standing::Fresh => "ok",
        Standing::Expiring => "expiring",
        Standing::Expired => "expired",
    }
}

/// The policy's verdict in a few words: `ok`, `drift (2 errors, 1 warning)`, `no recording`.
fn verdict_words(p: &PolicyVerdict) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (p.errors, p.warnings) {
        (0, 0) => p.judgement.as_str().to_owned(),
        (e, 0) => format!("{} ({})", p.judgement.as_str(), plural(e, "error")),
        (0, w) => format!("{} ({})", p.judgement.as_str(), plural(w, "warning")),
        (e, w) => format!(
            "{} ({}, {})",
            p.judgement.as_str(),
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

fn policy_words(aws: &AwsCluster) -> String {
    aws.policy
        .as_ref()
        .map_or_else(|| "no policy".to_owned(), verdict_words)
}

fn limit_words(aws: &AwsCluster) -> String {
    let from = if aws.limit.from_policy {
        "policy"
    } else {
        "default"
    };
    format!("{}d ({from})", aws.limit.max_age_days)
}

fn dash(value: Option<&str>) -> &str {
    value.unwrap_or("-")
}

/// The AWS clusters, then the clusters not covered, then the problems.
fn partition(i: &Inventory) -> (Vec<(&Cluster, &AwsCluster)>, Vec<&Cluster>) {
    let aws = (i.clusters.iter())
        .filter_map(|c| Some((c, c.aws.as_ref()?)))
        .collect();
    let other = i.clusters.iter().filter(|c| !c.covered()).collect();
    (aws, other)
}

fn counts(i: &Inventory) -> (usize, usize, usize) {
    let dated = (i.clusters.iter()).filter_map(|c| c.aws.as_ref()?.credentials.as_ref());
    let (mut expired, mut expiring) = (0, 0);
    for c in dated {
        match c.standing {
            Standing::Expired => expired += 1,
            Standing::Expiring => expiring += 1,
            Standing::Fresh => {}
        }
    }
    let problems = i.clusters.iter().filter(|c| !c.problems.is_empty()).count();
    (expired, expiring, problems)
}

fn table(i: &Inventory) -> String {
    let (aws, other) = partition(i);
    let mut out = format!(
        "{:<22} {:<12} {:<10} {:<10} {:>5} {:<13} {:<10} {:<9} POLICY\n",
        "CLUSTER", "ACCOUNT", "REGION", "ROTATED", "AGE", "LIMIT", "DUE", "STATUS"
    );
    for (cluster, a) in &aws {
        let (rotated, age, due, status) = match &a.credentials {
            Some(c) => (
                utc_date(c.modified).to_string(),
                c.age_days.to_string(),
                utc_date(c.due).to_string(),
                standing(c),
            ),
            None => ("-".into(), "-".into(), "-".into(), "unknown"),
        };
        let _ = writeln!(
            out,
            "{:<22} {:<12} {:<10} {:<10} {:>5} {:<13} {:<10} {:<9} {}",
            terminal(&cluster.name),
            terminal(dash(a.account_id.as_deref())),
            terminal(dash(a.region.as_deref())),
            rotated,
            age,
            limit_words(a),
            due,
            status,
            terminal(&policy_words(a)),
        );
    }
    for cluster in &other {
        let _ = writeln!(
            out,
            "{:<22} not covered (provider: {})",
            terminal(&cluster.name),
            terminal(dash(cluster.provider.as_deref()))
        );
    }
    let (expired, expiring, problems) = counts(i);
    let _ = writeln!(
        out,
        "{} clusters: {} AWS ({expired} past their limit, {expiring} within the warning window), {} not covered; ages at {}",
        i.clusters.len(),
        aws.len(),
        other.len(),
        i.now
    );
    for cluster in i.clusters.iter().filter(|c| !c.problems.is_empty()) {
        for problem in &cluster.problems {
            let _ = writeln!(
                out,
                "PROBLEM: {}: {}",
                terminal(&cluster.name),
                terminal(problem)
            );
        }
    }
    if problems > 0 || i.policy_errors > 0 {
        let _ = writeln!(
            out,
            "{problems} cluster(s) with problems, {} policy error(s)",
            i.policy_errors
        );
    }
    out
}

fn credentials_json(aws: &AwsCluster) -> Value {
    let Some(c) = &aws.credentials else {
        return Value::Null;
    };
    json!({
        "last_modified": c.modified.to_string(),
        "age_days": c.age_days,
        "warn_at": c.warn_at.to_string(),
        "due": c.due.to_string(),
        "days_left": c.days_left,
        "status": standing(c),
    })
}

fn policy_json(p: &PolicyVerdict) -> Value {
    json!({
        "file": p.file,
        "account_name": p.account_name,
        "verdict": p.judgement.as_str(),
        "errors": p.errors,
        "warnings": p.warnings,
        "codes": p.codes,
        "reason": p.reason,
    })
}

/// One account: its clusters and the standing of its oldest credentials, for a script that
/// keeps one issue per account.
fn account_json(a: &Account<'_>) -> Value {
    let oldest = a.oldest;
    json!({
        "account_id": a.id,
        "name": a.name,
        "clusters": a.clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        "status": a.standing.as_str(),
        "last_modified": oldest.map(|c| c.modified.to_string()),
        "age_days": oldest.map(|c| c.age_days),
        "warn_at": oldest.map(|c| c.warn_at.to_string()),
        "due": oldest.map(|c| c.due.to_string()),
        "days_left": oldest.map(|c| c.days_left),
        "max_age_days": a.limit.max_age_days,
        "warn_days": a.limit.warn_days,
        "limit_from": if a.limit.from_policy { "policy" } else { "default" },
    })
}

fn json(i: &Inventory) -> String {
    let clusters: Vec<Value> = (i.clusters.iter())
        .map(|c| {
            let mut entry = json!({
                "name": c.name,
                "file": c.file,
                "provider": c.provider,
                "covered": c.covered(),
                "problems": c.problems,
            });
            if let Some(a) = &c.aws {
                let extra = json!({
                    "account_id": a.account_id,
                    "account_name": a.account_name,
                    "region": a.region,
                    "cluster_name": a.cluster_name,
                    "credentials_file": a.credentials_file,
                    "credentials": credentials_json(a),
                    "max_age_days": a.limit.max_age_days,
                    "warn_days": a.limit.warn_days,
                    "limit_from": if a.limit.from_policy { "policy" } else { "default" },
                    "policy": a.policy.as_ref().map(policy_json),
                });
                if let (Value::Object(entry), Value::Object(extra)) = (&mut entry, extra) {
                    entry.extend(extra);
                }
            }
            entry
        })
        .collect();
    let (expired, expiring, problems) = counts(i);
    let aws = i.clusters.iter().filter(|c| c.covered()).count();
    super::escape::json_text(&json!({
        "version": 1,
        "now": i.now.to_string(),
        "infrastructure": i.infrastructure,
        "clusters": clusters,
        "accounts": i.accounts().iter().map(account_json).collect::<Vec<_>>(),
        "summary": {
            "clusters": i.clusters.len(),
            "aws": aws,
            "not_covered": i.clusters.len() - aws,
            "expired": expired,
            "expiring": expiring,
            "with_problems": problems,
            "policy_errors": i.policy_errors,
        },
    }))
}

fn markdown_page(i: &Inventory) -> String {
    let (aws, other) = partition(i);
    let (expired, expiring, _) = counts(i);
    let mut out = format!(
        "## Deployer credentials across the estate\n\n{} clusters in {}: {} on AWS ({expired} past their limit, {expiring} within the warning window), {} not covered. Ages at {}.\n\n",
        i.clusters.len(),
        markdown_code(&i.infrastructure),
        aws.len(),
        other.len(),
        i.now
    );
    out.push_str("| cluster | account | region | credentials | last rotated | age (days) | limit | due | status | policy |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (cluster, a) in &aws {
        let (rotated, age, due, status) = match &a.credentials {
            Some(c) => (
                utc_date(c.modified).to_string(),
                c.age_days.to_string(),
                utc_date(c.due).to_string(),
                standing(c),
            ),
            None => ("-".into(), "-".into(), "-".into(), "unknown"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {rotated} | {age} | {} | {due} | {status} | {} |",
            markdown(&cluster.name),
            markdown(dash(a.account_id.as_deref())),
            markdown(dash(a.region.as_deref())),
            a.credentials_file
                .as_deref()
                .map_or_else(|| "-".to_owned(), markdown_code),
            limit_words(a),
            markdown(&policy_words(a)),
        );
    }
    if !other.is_empty() {
        out.push_str("\n### Not covered\n\n");
        for cluster in &other {
            let _ = writeln!(
                out,
                "- {} (provider: {})",
                markdown(&cluster.name),
                markdown(dash(cluster.provider.as_deref()))
            );
        }
    }
    let broken: Vec<&Cluster> = i
        .clusters
        .iter()
        .filter(|c| !c.problems.is_empty())
        .collect();
    if !broken.is_empty() {
        out.push_str("\n### Problems\n\n");
        for cluster in broken {
            for problem in &cluster.problems {
                let _ = writeln!(out, "- {}: {}", markdown(&cluster.name), markdown(problem));
            }
        }
    }
    out
}

/// One event per dated credentials file, on its due date, with `expiries`' two alarms: 09:00
/// UTC on the day the warning window opens, and a day before the exact due instant.
fn ics(i: &Inventory) -> String {
    let mut events = Vec::new();
    for (cluster, a) in partition(i).0 {
        let (Some(c), Some(file)) = (&a.credentials, &a.credentials_file) else {
            continue;
        };
        let account = dash(a.account_id.as_deref());
        let quoted = crate::base::shell::quote(file);
        let summary = format!("{}: deployer credentials due for rotation", cluster.name);
        let description = format!(
            "Cluster {} (account {account}, {}).\nCredentials {file} last re-encrypted {} ({} days before {}); limit {} days ({}), due {}.\nPolicy: {}.\nFix: terraform apply -replace=aws_iam_access_key.continuous_deployer, then terraform output -raw continuous_deployer_creds > {quoted} and sops -i -e {quoted}; check the old key id is gone.",
            cluster.name,
            dash(a.region.as_deref()),
            c.modified,
            c.age_days,
            i.now,
            a.limit.max_age_days,
            if a.limit.from_policy {
                "the account's policy"
            } else {
                "default"
            },
            c.due,
            policy_words(a),
        );
        events.push(calendar::Event {
            uid: vec![
                "rotate".to_owned(),
                account.to_owned(),
                cluster.name.clone(),
            ],
            day: c.due,
            summary,
            description,
            busy: true,
            alarms: vec![
                calendar::warning_alarm(c.warn_at),
                calendar::expiry_alarm(c.due),
            ],
        });
    }
    calendar::write("Deployer credentials across the estate", i.now, &events)
}
