//! The expiry list as an RFC 5545 calendar ([`crate::report::calendar`]): an event on each
//! credential's warning date and one on its expiry date, written credential by credential.

use super::{fix, last_used, what};
use crate::outcome::expiries::Expiries;
use crate::report::calendar;
use std::io::{self, Write};

/// Two events per credential: its warning date (free time, an alarm at 09:00 UTC that day) and
/// its expiry date (busy time, an alarm a day before the exact expiry).
pub(super) fn ics(e: &Expiries, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = calendar::Writer::begin(out, "SMCE credential expiry", e.now)?;
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
            writer.event(&calendar::Event {
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
            })?;
        }
    }
    writer.end()
}
