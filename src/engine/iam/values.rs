//! The typed values condition operators compare: numbers, dates, booleans and IP addresses, read
//! from the text a policy or a request context holds. Each reader answers `None` for text of
//! another type; the operator then does not match (AWS: "If the key that you specify in a policy
//! condition ... cannot be compared, the condition is false").

use jiff::Timestamp;

/// A number as the `Numeric` operators read it: an optional `-`, digits, optionally a fraction.
pub fn number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (plain(whole) && plain(fraction))
        .then(|| text.parse().ok())
        .flatten()
}

/// A date as the `Date` operators read it, in seconds since the epoch: epoch seconds (as
/// `aws:EpochTime` holds them), or a W3C/ISO 8601 date and time (`2026-12-01T00:00:00Z`,
/// `2026-12-01`). AWS's condition operator reference: "Date condition operators ... support
/// ... ISO 8601 ... or epoch (UNIX) time".
pub fn date(text: &str) -> Option<f64> {
    if let Some(seconds) = number(text).filter(|_| !text.contains('.')) {
        return Some(seconds);
    }
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at.as_nanosecond() as f64 / 1e9);
    }
    // A date or a month alone is midnight UTC of its first day.
    let padded = match text.len() {
        7 => format!("{text}-01"),
        _ => text.to_owned(),
    };
    let day: jiff::civil::Date = padded.parse().ok()?;
    let at: Timestamp = format!("{day}T00:00:00Z").parse().ok()?;
    Some(at.as_second() as f64)
}

/// The text of a date given in seconds since the epoch, as RFC 3339.
pub fn date_text(seconds: f64) -> String {
    let nanos = (seconds * 1e9).round() as i128;
    Timestamp::from_nanosecond(nanos)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{seconds}"))
}

/// A boolean: `true` or `false` in any case.
pub fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IP address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

/// An address as a number within its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    pub family: Family,
    pub bits: u128,
}

/// A CIDR range, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    pub family: Family,
    pub first: u128,
    pub last: u128,
}

impl Family {
    pub fn width(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

impl Address {
    pub fn text(self) -> String {
        match self.family {
            Family::V4 => std::net::Ipv4Addr::from(self.bits as u32).to_string(),
            Family::V6 => std::net::Ipv6Addr::from(self.bits).to_string(),
        }
    }
}

impl Range {
    pub fn contains(&self, address: Address) -> bool {
        address.family == self.family && self.first <= address.bits && address.bits <= self.last
    }

    /// Whether the range is one address.
    pub fn single(&self) -> bool {
        self.first == self.last
    }
}

/// An IP address (v4 dotted quad or v6).
pub fn address(text: &str) -> Option<Address> {
    match text.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => Some(Address {
            family: Family::V4,
            bits: u128::from(u32::from(a)),
        }),
        std::net::IpAddr::V6(a) => Some(Address {
            family: Family::V6,
            bits: u128::from(a),
        }),
    }
}

/// A CIDR range (`203.0.113.0/24`, `2001:db8::/32`), or one address as a range of one. Host
/// bits below the prefix are ignored, as IAM ignores them.
pub fn range(text: &str) -> Option<Range> {
    let (base, prefix) = match text.split_once('/') {
        Some((base, prefix)) => (base, Some(prefix)),
        None => (text, None),
    };
    let base = address(base)?;
    let width = base.family.width();
    let prefix = match prefix {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        Some(_) => return None,
        None => width,
    };
    if prefix > width {
        return None;
    }
    let host = width - prefix;
    let span: u128 = if host == 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    let first = base.bits & !span;
    Some(Range {
        family: base.family,
        first,
        last: first | span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_read_strictly() {
        assert_eq!(number("3600"), Some(3600.0));
        assert_eq!(number("-1.5"), Some(-1.5));
        for not in ["", "1e5", "0x10", "NaN", "1.", ".5", "12abc"] {
            assert_eq!(number(not), None, "{not}");
        }
        assert_eq!(date("1700000000"), Some(1_700_000_000.0));
        assert_eq!(date("2023-11-14T22:13:20Z"), Some(1_700_000_000.0));
        assert_eq!(date("2023-11-14"), Some(1_699_920_000.0));
        assert_eq!(date("yesterday"), None);
        assert_eq!(boolean("TRUE"), Some(true));
        assert_eq!(boolean("yes"), None);
    }

    #[test]
    fn ranges_hold_their_addresses() {
        let r = range("203.0.113.7/24").unwrap();
        assert!(r.contains(address("203.0.113.255").unwrap()));
        assert!(!r.contains(address("203.0.114.0").unwrap()));
        assert!(!r.contains(address("::1").unwrap()));
        let v6 = range("2001:db8::/32").unwrap();
        assert!(v6.contains(address("2001:db8:ffff::1").unwrap()));
        assert_eq!(range("0.0.0.0/0").unwrap().last, u128::from(u32::MAX));
        assert_eq!(range("::/0").unwrap().last, u128::MAX);
        assert!(range("10.0.0.1").unwrap().single());
        assert_eq!(range("10.0.0.0/33"), None);
        assert_eq!(address("10.0.0.256"), None);
    }
}
