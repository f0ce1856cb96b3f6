//! The expiry list as an RFC 5545 calendar: an event on each credential's warning date (with a
//! display alarm at 09:00 UTC) and one on its expiry date, written credential by credential.

use super::{fix, last_used, what};
use crate::outcome::expiries::Expiries;
use crate::report::escape::{ics_line, ics_text, ics_token};
use jiff::Timestamp;
use std::io::{self, Write};

/// An instant as an iCalendar UTC DATE-TIME.
fn ics_instant(t: Timestamp) -> String {
    jiff::tz::TimeZone::UTC
        .to_datetime(t)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// 09:00 UTC on the day of `t`: when a warning reaches people at work on both sides of the
/// Atlantic.
fn nine_utc(t: Timestamp) -> Timestamp {
    let day = crate::base::clock::utc_date(t);
    jiff::tz::TimeZone::UTC
        .to_timestamp(day.at(9, 0, 0, 0))
        .unwrap_or(t)
}

fn ics_date(t: Timestamp) -> String {
    crate::base::clock::utc_date(t)
        .strftime("%Y%m%d")
        .to_string()
}

pub(super) fn ics(e: &Expiries, w: &mut dyn Write) -> io::Result<()> {
    let mut out = String::new();
    let stamp = jiff::tz::TimeZone::UTC
        .to_datetime(e.now)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//2i2c//smce-guard//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:SMCE credential expiry",
    ] {
        ics_line(line, &mut out);
    }
    for c in &e.credentials {
        // One credential's two events at a time.
        w.write_all(out.as_bytes())?;
        out.clear();
        let id = c.key_id.as_deref().unwrap_or("password");
        for (event, at, headline) in [
            ("warn", c.warn_at, "rotate soon"),
            ("expire", c.expires_at, "expires today"),
        ] {
            let day = ics_date(at);
            let next = ics_date(
                at.saturating_add(jiff::SignedDuration::from_hours(24))
                    .unwrap_or(at),
            );
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
            // A display alarm at 09:00 UTC on the warning date, and one a day before expiry: an
            // event without one never reaches anybody. Expiry days are busy time (opaque).
            let (alarm, transparency) = match event {
                "warn" => (nine_utc(c.warn_at), "TRANSP:TRANSPARENT"),
                _ => (
                    c.expires_at
                        .saturating_sub(jiff::SignedDuration::from_hours(24))
                        .unwrap_or(c.expires_at),
                    "TRANSP:OPAQUE",
                ),
            };
            for line in [
                "BEGIN:VEVENT".to_owned(),
                format!(
                    "UID:{event}-{}-{}-{}@smce-guard",
                    ics_token(&c.account_id),
                    ics_token(&c.user),
                    ics_token(id)
                ),
                format!("DTSTAMP:{stamp}"),
                format!("DTSTART;VALUE=DATE:{day}"),
                format!("DTEND;VALUE=DATE:{next}"),
                format!("SUMMARY:{}", ics_text(&summary)),
                format!("DESCRIPTION:{}", ics_text(&description)),
                "CATEGORIES:smce-guard".to_owned(),
                transparency.to_owned(),
                "BEGIN:VALARM".to_owned(),
                "ACTION:DISPLAY".to_owned(),
                format!("TRIGGER;VALUE=DATE-TIME:{}", ics_instant(alarm)),
                format!("DESCRIPTION:{}", ics_text(&summary)),
                "END:VALARM".to_owned(),
                "END:VEVENT".to_owned(),
            ] {
                ics_line(&line, &mut out);
            }
        }
    }
    ics_line("END:VCALENDAR", &mut out);
    w.write_all(out.as_bytes())
}
