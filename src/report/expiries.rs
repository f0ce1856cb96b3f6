//! Renderings of the credential expiry list: a table, JSON, an RFC 5545 calendar (an event on each
//! credential's warning date and one on its expiry date), and markdown with a mermaid gantt chart.

use super::calendar;
use super::escape::{self, mermaid, terminal};
use crate::outcome::expiries::Standing;
use crate::outcome::expiries::{Credential, Expiries, Kind};
use serde_json::json;
use std::fmt::Write;

/// The formats `expiries` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiriesFormat {
    Table,
    Json,
    Ics,
    Markdown,
}

pub fn render(expiries: &Expiries, format: ExpiriesFormat) -> String {
    match format {
        ExpiriesFormat::Table => table(expiries),
        ExpiriesFormat::Json => json(expiries),
        ExpiriesFormat::Ics => ics(expiries),
        ExpiriesFormat::Markdown => markdown(expiries),
    }
}

fn what(c: &Credential) -> String {
    match (c.kind, &c.key_id) {
        (Kind::AccessKey, Some(id)) => format!("access key {id}"),
        (Kind::AccessKey, None) => "access key".to_owned(),
        (Kind::Password, _) => "console password".to_owned(),
    }
}

fn status(c: &Credential) -> &'static str {
    match c.standing {
        Standing::Fresh => "ok",
        Standing::Expiring => "expiring",
        Standing::Expired => "expired",
    }
}

/// When the credential was last used, as a date: `never` when the report says so (or does not
/// know; see `key.unused`).
fn last_used(c: &Credential) -> String {
    c.last_used.map_or_else(
        || "never".to_owned(),
        |t| crate::base::clock::utc_date(t).to_string(),
    )
}

/// When the list was judged: one instant, or each account's own (`--as-recorded`).
fn judged(e: &Expiries) -> String {
    if e.per_account {
        "each account judged at its recording's capture time".to_owned()
    } else {
        format!("judged at {}", e.now)
    }
}

/// The credential's own instant, where accounts were judged at different ones.
fn judged_own(e: &Expiries, c: &Credential) -> String {
    if e.per_account {
        format!(" (judged at {})", c.judged_at)
    } else {
        String::new()
    }
}

/// What to do about a credential, as the calendar and markdown say it.
fn fix(c: &Credential) -> String {
    match (c.kind, c.is_deployer) {
        (Kind::AccessKey, true) => "rotate with `terraform apply -replace=aws_iam_access_key.continuous_deployer`, re-encrypt the new key for CI, and check the old key id is gone".to_owned(),
        (Kind::AccessKey, false) => format!("create a new key (`aws iam create-access-key --user-name {}`), switch to it, delete the old one", c.user),
        (Kind::Password, _) => format!("`{}` changes the console password (or an admin resets it)", c.user),
    }
}

fn table(e: &Expiries) -> String {
    let mut out = format!(
        "{:<21} {:>5} {:<9} {:<14} {:<28} {:<34} {:<10} WHO MUST ACT\n",
        "EXPIRES_AT", "DAYS", "STATUS", "ACCOUNT", "USER", "CREDENTIAL", "LAST_USED"
    );
    for c in &e.credentials {
        let _ = writeln!(
            out,
            "{:<21} {:>5} {:<9} {:<14} {:<28} {:<34} {:<10} {}{}",
            c.expires_at,
            c.days_left,
            status(c),
            terminal(&c.account_name),
            terminal(&c.user),
            terminal(&what(c)),
            last_used(c),
            terminal(&c.actors()),
            judged_own(e, c)
        );
    }
    let _ = writeln!(
        out,
        "{} credential{}, {}",
        e.credentials.len(),
        if e.credentials.len() == 1 { "" } else { "s" },
        judged(e)
    );
    for (label, message, help) in recording_notes(e, ["STALE", "WARNING"]) {
        let _ = writeln!(out, "{label}: {}; {}", terminal(message), terminal(help));
    }
    for failure in &e.failures {
        let _ = writeln!(
            out,
            "INCOMPLETE: account {} was not read: {}",
            terminal(&failure.account),
            terminal(&failure.reason)
        );
    }
    out
}

/// What the table and markdown say about recordings, in order: each stale one (labelled
/// `labels[0]`), then every other warning (`labels[1]` and its code), as (label, message, help).
fn recording_notes<'a>(
    e: &'a Expiries,
    [stale, warning]: [&'a str; 2],
) -> impl Iterator<Item = (String, &'a str, &'a str)> {
    let stale = (e.stale.iter()).map(move |s| (stale.to_owned(), &*s.message, &*s.help));
    let other = (e.warnings.iter())
        .map(move |w| (format!("{warning} ({})", w.code), &*w.message, &*w.help));
    stale.chain(other)
}

fn json(e: &Expiries) -> String {
    let credentials: Vec<_> = e
        .credentials
        .iter()
        .map(|c| {
            json!({
                "account_id": c.account_id,
                "account_name": c.account_name,
                "user": c.user,
                "kind": c.kind.as_str(),
                "key_id": c.key_id,
                "created": c.created.to_string(),
                "warn_at": c.warn_at.to_string(),
                "expires_at": c.expires_at.to_string(),
                "days_left": c.days_left,
                "status": status(c),
                "contacts": c.contacts.iter().map(|k| json!({"name": k.name, "email": k.email})).collect::<Vec<_>>(),
                "owner": c.owner,
                "who_must_act": c.actors(),
                "judged_at": c.judged_at.to_string(),
                "expires_by": c.expires_by,
                "last_used": c.last_used.map(|t| t.to_string()),
            })
        })
        .collect();
    // `unread` lists the accounts whose credentials are missing from `credentials`, so a consumer
    // can tell a short list from an incomplete one.
    let unread: Vec<_> = e
        .failures
        .iter()
        .map(|f| json!({"account_name": f.account, "reason": f.reason}))
        .collect();
    let stale: Vec<_> = e
        .stale
        .iter()
        .map(|s| json!({"account_name": s.account, "captured_at": s.captured_at.map(|t| t.to_string()), "message": s.message}))
        .collect();
    let warnings: Vec<_> = e
        .warnings
        .iter()
        .map(|w| json!({"account_name": w.account, "code": w.code.as_str(), "message": w.message}))
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "version": 1,
        "now": e.now.to_string(),
        "credentials": credentials,
        "unread": unread,
        "stale": stale,
        "warnings": warnings,
    }))
    .expect("plain JSON");
    text.push('\n');
    text
}

/// Two events per credential: its warning date (free time, an alarm at 09:00 UTC that day) and
/// its expiry date (busy time, an alarm a day before the exact expiry).
fn ics(e: &Expiries) -> String {
    let mut events = Vec::with_capacity(2 * e.credentials.len());
    for c in &e.credentials {
        let id = c.key_id.as_deref().unwrap_or("password");
        for (event, at, headline) in [
            ("warn", c.warn_at, "rotate soon"),
            ("expire", c.expires_at, "expires today"),
        ] {
            let summary = format!("{}: {} of {} {headline}", c.account_name, what(c), c.user);
            let description = format!(
                "Account {} ({}), user {}, {}.\nExpires at {} (created {}; last used: {}).\nWho must act: {}.\nFix: {}.",
                c.account_name,
                c.account_id,
                c.user,
                what(c),
                c.expires_at,
                c.created,
                last_used(c),
                c.actors(),
                fix(c),
            );
            let (alarm, busy) = match event {
                "warn" => (calendar::warning_alarm(c.warn_at), false),
                _ => (calendar::expiry_alarm(c.expires_at), true),
            };
            events.push(calendar::Event {
                uid: vec![
                    event.to_owned(),
                    c.account_id.clone(),
                    c.user.clone(),
                    id.to_owned(),
                ],
                day: at,
                summary,
                description,
                busy,
                alarms: vec![alarm],
            });
        }
    }
    calendar::write("SMCE credential expiry", e.now, &events)
}

fn markdown(e: &Expiries) -> String {
    let today = crate::base::clock::utc_date(e.now);
    let mut out = format!(
        "## Credential expiry\n\nAll active credentials, {}.\n\n",
        judged(e)
    );
    for (label, message, help) in recording_notes(e, ["Stale", "Warning"]) {
        let (message, help) = (escape::markdown(message), escape::markdown(help));
        let _ = writeln!(out, "> ⚠️ **{label}:** {message} {help}\n");
    }
    for failure in &e.failures {
        let _ = writeln!(
            out,
            "> **Incomplete:** account {} was not read: {}\n",
            escape::markdown(&failure.account),
            escape::markdown(&failure.reason)
        );
    }
    out.push_str("| expires | days left | status | account | user | credential | last used | who must act |\n|---|---|---|---|---|---|---|---|\n");
    for c in &e.credentials {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            crate::base::clock::utc_date(c.expires_at),
            c.days_left,
            status(c),
            escape::markdown(&c.account_name),
            escape::markdown(&c.user),
            escape::markdown(&what(c)),
            last_used(c),
            escape::markdown(&c.actors())
        );
    }
    out.push_str("\n```mermaid\ngantt\n    title Credential lifetimes\n    dateFormat YYYY-MM-DD\n    axisFormat %m-%d\n    todayMarker off\n");
    // The marker's task name is a word: a bare date there is read as a date, not a name, and
    // mermaid refuses the whole chart.
    let _ = writeln!(
        out,
        "    section today\n    today : milestone, today, {today}, 0d"
    );
    let mut by_account: Vec<(usize, &Credential)> = e.credentials.iter().enumerate().collect();
    by_account.sort_by(|a, b| {
        (&a.1.account_name, a.1.expires_at).cmp(&(&b.1.account_name, b.1.expires_at))
    });
    let mut section = "";
    for (i, c) in by_account {
        if c.account_name != section {
            section = &c.account_name;
            let _ = writeln!(out, "    section {}", mermaid(section));
        }
        let tag = match c.standing {
            Standing::Fresh => "active",
            _ => "crit",
        };
        let _ = writeln!(
            out,
            "    {} of {} : {tag}, c{i}, {}, {}",
            mermaid(&what(c)),
            mermaid(&c.user),
            crate::base::clock::utc_date(c.created),
            crate::base::clock::utc_date(c.expires_at)
        );
    }
    out.push_str("```\n");
    out
}
