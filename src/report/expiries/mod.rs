//! Renderings of the credential expiry list: a table, JSON, an RFC 5545 calendar (an event on each
//! credential's warning date and one on its expiry date), and markdown with a mermaid gantt chart.
//!
//! Every format is written to its writer credential by credential: each credential names all of
//! its account's contacts, so the output grows with credentials x contacts, while the memory holds
//! one credential's text at a time (issue 20: the JSON, built whole with every contact copied into
//! every credential, took 5.4 GB for 3,000 credentials of 1,000 contacts).

mod ics;
mod json;

use super::escape::{self, mermaid, terminal};
use crate::outcome::expiries::Standing;
use crate::outcome::expiries::{Credential, Expiries, Kind};
use ics::ics;
use json::json;
use std::io::{self, Write};

/// The formats `expiries` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiriesFormat {
    Table,
    Json,
    Ics,
    Markdown,
}

/// Writes `expiries` in `format` to `out`, one credential at a time, through a buffer.
pub fn write(expiries: &Expiries, format: ExpiriesFormat, out: &mut dyn Write) -> io::Result<()> {
    if format == ExpiriesFormat::Json {
        // Buffered by the JSON writer itself.
        return json(expiries, out);
    }
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    match format {
        ExpiriesFormat::Table => table(expiries, &mut out)?,
        ExpiriesFormat::Ics => ics(expiries, &mut out)?,
        ExpiriesFormat::Markdown => markdown(expiries, &mut out)?,
        ExpiriesFormat::Json => unreachable!("written above"),
    }
    out.flush()
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
        (Kind::AccessKey, false) => format!(
            "create a new key (`aws iam create-access-key {}`), switch to it, delete the old one",
            crate::base::shell::option("--user-name", &c.user)
        ),
        (Kind::Password, _) => format!("`{}` changes the console password (or an admin resets it)", c.user),
    }
}

fn table(e: &Expiries, out: &mut dyn Write) -> io::Result<()> {
    // Columns as wide as their longest value (real cluster names reach 20 characters), and at
    // least as wide as before, so that short names keep the familiar layout.
    let widest =
        |least: usize, values: &mut dyn Iterator<Item = usize>| values.fold(least, usize::max);
    let account = widest(
        14,
        &mut e
            .credentials
            .iter()
            .map(|c| terminal(&c.account_name).chars().count()),
    );
    let user = widest(
        28,
        &mut e
            .credentials
            .iter()
            .map(|c| terminal(&c.user).chars().count()),
    );
    let credential = widest(
        34,
        &mut e
            .credentials
            .iter()
            .map(|c| terminal(&what(c)).chars().count()),
    );
    writeln!(
        out,
        "{:<21} {:>5} {:<9} {:<account$} {:<user$} {:<credential$} {:<10} WHO MUST ACT",
        "EXPIRES_AT", "DAYS", "STATUS", "ACCOUNT", "USER", "CREDENTIAL", "LAST_USED"
    )?;
    for c in &e.credentials {
        writeln!(
            out,
            "{:<21} {:>5} {:<9} {:<account$} {:<user$} {:<credential$} {:<10} {}{}",
            // jiff's Display ignores width: padded as text, so the columns after it line up.
            c.expires_at.to_string(),
            c.days_left,
            status(c),
            terminal(&c.account_name),
            terminal(&c.user),
            terminal(&what(c)),
            last_used(c),
            terminal(&c.actors()),
            judged_own(e, c)
        )?;
    }
    writeln!(
        out,
        "{} credential{}, {}",
        e.credentials.len(),
        if e.credentials.len() == 1 { "" } else { "s" },
        judged(e)
    )?;
    for (label, message, help) in recording_notes(e, ["STALE", "WARNING"]) {
        writeln!(out, "{label}: {}; {}", terminal(message), terminal(help))?;
    }
    for failure in &e.failures {
        writeln!(
            out,
            "INCOMPLETE: account {} was not read: {}",
            terminal(&failure.account),
            terminal(&failure.reason)
        )?;
    }
    Ok(())
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

fn markdown(e: &Expiries, out: &mut dyn Write) -> io::Result<()> {
    let today = crate::base::clock::utc_date(e.now);
    write!(
        out,
        "## Credential expiry\n\nAll active credentials, {}.\n\n",
        judged(e)
    )?;
    for (label, message, help) in recording_notes(e, ["Stale", "Warning"]) {
        let (message, help) = (escape::markdown(message), escape::markdown(help));
        writeln!(out, "> ⚠️ **{label}:** {message} {help}\n")?;
    }
    for failure in &e.failures {
        writeln!(
            out,
            "> **Incomplete:** account {} was not read: {}\n",
            escape::markdown(&failure.account),
            escape::markdown(&failure.reason)
        )?;
    }
    out.write_all(b"| expires | days left | status | account | user | credential | last used | who must act |\n|---|---|---|---|---|---|---|---|\n")?;
    for c in &e.credentials {
        writeln!(
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
        )?;
    }
    out.write_all(b"\n```mermaid\ngantt\n    title Credential lifetimes\n    dateFormat YYYY-MM-DD\n    axisFormat %m-%d\n    todayMarker off\n")?;
    // The marker's task name is a word: a bare date there is read as a date, not a name, and
    // mermaid refuses the whole chart.
    writeln!(
        out,
        "    section today\n    today : milestone, today, {today}, 0d"
    )?;
    let mut by_account: Vec<(usize, &Credential)> = e.credentials.iter().enumerate().collect();
    by_account.sort_by(|a, b| {
        (&a.1.account_name, a.1.expires_at).cmp(&(&b.1.account_name, b.1.expires_at))
    });
    let mut section = "";
    for (i, c) in by_account {
        if c.account_name != section {
            section = &c.account_name;
            writeln!(out, "    section {}", mermaid(section))?;
        }
        let tag = match c.standing {
            Standing::Fresh => "active",
            _ => "crit",
        };
        writeln!(
            out,
            "    {} of {} : {tag}, c{i}, {}, {}",
            mermaid(&what(c)),
            mermaid(&c.user),
            crate::base::clock::utc_date(c.created),
            crate::base::clock::utc_date(c.expires_at)
        )?;
    }
    out.write_all(b"```\n")
}
