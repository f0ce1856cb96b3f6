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

/// A whole number of days and what is left, for "9 days old".
pub fn whole_days(from: Timestamp, to: Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(24 * 60 * 60)
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
}
