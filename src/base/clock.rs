//! The instant accounts are judged at. By default that is now: the moment the run started, to
//! the second, the same for every account. `--now` names another instant (a date is its midnight
//! UTC); `--as-recorded` judges each recording at its own `captured_at`, to reproduce an old
//! report. Live reads are always judged now.

use jiff::Timestamp;

/// How a run tells the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// The run's instant: `--now`, or the moment it started.
    pub now: Timestamp,
    /// Whether `now` was given (`--now`): the user's question, taken as asked.
    pub explicit: bool,
    /// Whether recordings are judged at their own capture time.
    pub as_recorded: bool,
}

impl Clock {
    /// The current instant, to the second (reports print seconds; a sub-second part would make
    /// two runs in one second differ and clutter every timestamp).
    pub fn current() -> Clock {
        Clock {
            now: to_second(Timestamp::now()),
            explicit: false,
            as_recorded: false,
        }
    }

    /// `--now` when given, else the current instant; `as_recorded` as asked.
    pub fn new(now: Option<Timestamp>, as_recorded: bool) -> Clock {
        let current = Clock::current();
        Clock {
            now: now.unwrap_or(current.now),
            explicit: now.is_some(),
            as_recorded,
        }
    }

    /// The instant an account is judged at: its recording's `captured_at` under `--as-recorded`
    /// (when it has one), else the run's instant. A live read is judged now, whatever it says.
    pub fn judge_at(&self, captured: Option<Timestamp>, live: bool) -> Timestamp {
        match captured {
            Some(captured) if self.as_recorded && !live => captured,
            _ => self.now,
        }
    }

    /// The one instant every account is judged at, if there is one (not under `--as-recorded`,
    /// where each recording has its own).
    pub fn shared(&self) -> Option<Timestamp> {
        (!self.as_recorded).then_some(self.now)
    }
}

/// `t` without its fraction of a second.
pub fn to_second(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// Reads `--now`: an RFC 3339 instant, a date (its midnight UTC), or `now`.
pub fn parse_instant(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(Clock::current().now);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && !text.contains('T')
        && !text.contains(' ')
    {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| format!("`{text}`: {e}"));
    }
    text.parse::<Timestamp>().map_err(|e| {
        format!("expected an RFC 3339 instant such as 2026-12-01T00:00:00Z, a date such as 2026-12-01 (midnight UTC), or `now`: {e}")
    })
}

/// The UTC calendar day of an instant: the day waivers are judged on, and the day calendars and
/// tables print.
pub fn utc_date(now: Timestamp) -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}

const HOUR: i64 = 60 * 60;
const DAY: i64 = 24 * HOUR;

/// Whole seconds from `from` to `to`, toward zero (negative when `to` is earlier).
fn seconds(from: Timestamp, to: Timestamp) -> i64 {
    to.duration_since(from).as_secs()
}

/// Whole days from `from` to `to`, counted toward zero: 5 days and 23 hours is 5, and so is
/// minus 5 days and 23 hours (-5). Every command and format counts days this one way, so the
/// same credential at the same instant reads the same everywhere.
pub fn whole_days(from: Timestamp, to: Timestamp) -> i64 {
    seconds(from, to) / DAY
}

/// How long, in words: whole days toward zero, and under one day whole hours ("10 hours"),
/// under one hour "less than an hour".
fn amount(seconds: i64) -> String {
    let seconds = seconds.abs();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (seconds / DAY, seconds / HOUR) {
        (0, 0) => "less than an hour".to_owned(),
        (0, hours) => plural(hours, "hour"),
        (days, _) => plural(days, "day"),
    }
}

/// When something runs out, seen from `now`: "expires in 3 days", "expires in 10 hours",
/// "expired 10 hours ago", "expired 5 days ago". At `at` exactly it has expired.
pub fn expiry_words(now: Timestamp, at: Timestamp) -> String {
    let left = seconds(now, at);
    if now < at {
        format!("expires in {}", amount(left))
    } else {
        format!("expired {} ago", amount(left))
    }
}

/// How long ago `then` was, seen from `now`: "5 days", "10 hours", "less than an hour".
pub fn age_words(then: Timestamp, now: Timestamp) -> String {
    amount(seconds(then, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_takes_instants_dates_and_the_word_now() {
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(
            parse_instant("2026-12-01").unwrap(),
            at("2026-12-01T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2026-12-01T10:00:00+02:00").unwrap(),
            at("2026-12-01T08:00:00Z")
        );
        let before = Timestamp::now().as_second();
        let now = parse_instant("now").unwrap();
        assert!(now.as_second() >= before && now.subsec_nanosecond() == 0);
        assert!(parse_instant("2026-13-01").is_err());
        assert!(parse_instant("yesterday").is_err());
    }

    #[test]
    fn recordings_are_judged_now_unless_as_recorded() {
        let now = "2026-11-29T12:00:00Z".parse().unwrap();
        let recorded_at: Timestamp = "2026-11-20T09:00:00Z".parse().unwrap();
        let captured = Some(recorded_at);
        let clock = Clock::new(Some(now), false);
        assert_eq!(clock.judge_at(captured, false), now);
        assert_eq!(clock.shared(), Some(now));
        let recorded = Clock::new(Some(now), true);
        assert_eq!(recorded.judge_at(captured, false), recorded_at);
        assert_eq!(recorded.judge_at(captured, true), now, "live is judged now");
        assert_eq!(recorded.judge_at(None, false), now);
        assert_eq!(recorded.shared(), None);
    }

    #[test]
    fn days_count_toward_zero_and_hours_under_a_day() {
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        let expires = at("2026-12-10T00:00:00Z");
        // 5 days 23 hours either side of the instant is 5 days either way.
        assert_eq!(whole_days(at("2026-12-04T01:00:00Z"), expires), 5);
        assert_eq!(whole_days(at("2026-12-15T23:00:00Z"), expires), -5);
        assert_eq!(
            expiry_words(at("2026-12-04T01:00:00Z"), expires),
            "expires in 5 days"
        );
        assert_eq!(
            expiry_words(at("2026-12-15T23:00:00Z"), expires),
            "expired 5 days ago"
        );
        assert_eq!(
            expiry_words(at("2026-12-09T14:00:00Z"), expires),
            "expires in 10 hours"
        );
        assert_eq!(
            expiry_words(at("2026-12-10T10:59:59Z"), expires),
            "expired 10 hours ago"
        );
        assert_eq!(
            expiry_words(at("2026-12-09T23:30:00Z"), expires),
            "expires in less than an hour"
        );
        assert_eq!(
            expiry_words(expires, expires),
            "expired less than an hour ago"
        );
        assert_eq!(
            expiry_words(at("2026-12-09T00:00:00Z"), expires),
            "expires in 1 day"
        );
        assert_eq!(
            expiry_words(at("2026-12-09T23:00:00Z"), expires),
            "expires in 1 hour"
        );
    }
}
