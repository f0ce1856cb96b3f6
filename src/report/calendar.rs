//! The one iCalendar (RFC 5545) writer: all-day events, each with display alarms, its lines
//! folded and its text escaped by the escaping layer ([`ics_line`], [`ics_text`], [`ics_token`]:
//! no physical line is one the Actions runner acts on). `expiries` (an event on each credential's
//! warning date and one on its expiry date) and `inventory` (an event on each deployer
//! credentials file's due date) build their events and hand them here, one at a time
//! ([`Writer`]: a calendar of every credential is never held whole), and take their alarms'
//! instants from [`warning_alarm`] and [`expiry_alarm`], so both calendars remind alike.

use super::escape::{ics_line, ics_text, ics_token};
use jiff::Timestamp;
use std::io::{self, Write};

/// One all-day event.
pub struct Event {
    /// The parts of the event's UID, each written as an iCalendar token and joined by `-`.
    pub uid: Vec<String>,
    /// The day the event falls on (its UTC date).
    pub day: Timestamp,
    pub summary: String,
    pub description: String,
    /// Busy time (`OPAQUE`, an expiry) or free time (`TRANSPARENT`, a warning).
    pub busy: bool,
    /// Each display alarm's instant; the alarm's text is the summary.
    pub alarms: Vec<Timestamp>,
}

/// 09:00 UTC on the day a warning window opens: when a warning reaches people at work on both
/// sides of the Atlantic.
pub fn warning_alarm(warn_at: Timestamp) -> Timestamp {
    let day = crate::base::clock::utc_date(warn_at);
    jiff::tz::TimeZone::UTC
        .to_timestamp(day.at(9, 0, 0, 0))
        .unwrap_or(warn_at)
}

/// A day before the exact expiry.
pub fn expiry_alarm(expires_at: Timestamp) -> Timestamp {
    expires_at
        .saturating_sub(jiff::SignedDuration::from_hours(24))
        .unwrap_or(expires_at)
}

/// An instant as an iCalendar UTC DATE-TIME.
fn instant(t: Timestamp) -> String {
    jiff::tz::TimeZone::UTC
        .to_datetime(t)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn date(t: Timestamp) -> String {
    crate::base::clock::utc_date(t)
        .strftime("%Y%m%d")
        .to_string()
}

/// Writes a calendar to its writer event by event: [`Writer::begin`], [`Writer::event`] for
/// each, [`Writer::end`].
pub struct Writer<'w> {
    out: &'w mut dyn Write,
    stamp: String,
    /// One event's lines, reused.
    buffer: String,
}

impl<'w> Writer<'w> {
    /// The calendar `name`, stamped `now`: its header written.
    pub fn begin(out: &'w mut dyn Write, name: &str, now: Timestamp) -> io::Result<Self> {
        let mut writer = Writer {
            out,
            stamp: instant(now),
            buffer: String::new(),
        };
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//2i2c//smce-guard//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            &format!("X-WR-CALNAME:{}", ics_text(name)),
        ] {
            ics_line(line, &mut writer.buffer);
        }
        writer.flush()?;
        Ok(writer)
    }

    pub fn event(&mut self, event: &Event) -> io::Result<()> {
        let next = event
            .day
            .saturating_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(event.day);
        let uid: Vec<String> = event.uid.iter().map(|part| ics_token(part)).collect();
        let mut lines = vec![
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@smce-guard", uid.join("-")),
            format!("DTSTAMP:{}", self.stamp),
            format!("DTSTART;VALUE=DATE:{}", date(event.day)),
            format!("DTEND;VALUE=DATE:{}", date(next)),
            format!("SUMMARY:{}", ics_text(&event.summary)),
            format!("DESCRIPTION:{}", ics_text(&event.description)),
            "CATEGORIES:smce-guard".to_owned(),
            if event.busy {
                "TRANSP:OPAQUE"
            } else {
                "TRANSP:TRANSPARENT"
            }
            .to_owned(),
        ];
        for alarm in &event.alarms {
            lines.extend([
                "BEGIN:VALARM".to_owned(),
                "ACTION:DISPLAY".to_owned(),
                format!("TRIGGER;VALUE=DATE-TIME:{}", instant(*alarm)),
                format!("DESCRIPTION:{}", ics_text(&event.summary)),
                "END:VALARM".to_owned(),
            ]);
        }
        lines.push("END:VEVENT".to_owned());
        for line in lines {
            ics_line(&line, &mut self.buffer);
        }
        self.flush()
    }

    pub fn end(mut self) -> io::Result<()> {
        ics_line("END:VCALENDAR", &mut self.buffer);
        self.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buffer.as_bytes())?;
        self.buffer.clear();
        Ok(())
    }
}

/// The calendar `name` holding `events`, stamped `now`, as text.
pub fn write(name: &str, now: Timestamp, events: &[Event]) -> String {
    let mut bytes = Vec::new();
    let written = Writer::begin(&mut bytes, name, now).and_then(|mut writer| {
        for event in events {
            writer.event(event)?;
        }
        writer.end()
    });
    written.expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("a calendar is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(ics_text("a,b;c\nd\\"), "a\\,b\\;c\\nd\\\\");
    }

    #[test]
    fn alarms_fall_at_nine_on_the_warning_day_and_a_day_before_expiry() {
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(
            warning_alarm(at("2026-03-07T17:45:00Z")),
            at("2026-03-07T09:00:00Z")
        );
        assert_eq!(
            expiry_alarm(at("2026-03-22T17:45:00Z")),
            at("2026-03-21T17:45:00Z")
        );
    }
}
