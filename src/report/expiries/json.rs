//! The expiry list as JSON (version 1), streamed credential by credential.

use super::status;
use crate::outcome::expiries::{Contact, Credential, Expiries};
use crate::report::escape;
use serde::Serialize;
use std::io::{self, Write};

/// The JSON document (version 1): its keys in the order `serde_json` sorted them when the
/// document was built as a value, so the bytes are what they always were.
#[derive(Serialize)]
struct JsonDocument<'a> {
    credentials: JsonCredentials<'a>,
    now: String,
    stale: Vec<JsonStale<'a>>,
    /// The accounts whose credentials are missing from `credentials`, so a consumer can tell a
    /// short list from an incomplete one.
    unread: Vec<JsonUnread<'a>>,
    version: u32,
    /// Other warnings about recordings (a partial key listing), by account.
    warnings: Vec<JsonWarning<'a>>,
}

/// The credentials, serialised one after another as the writer takes them.
struct JsonCredentials<'a>(&'a [Credential]);

impl Serialize for JsonCredentials<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(JsonCredential))
    }
}

struct JsonCredential<'a>(&'a Credential);

impl Serialize for JsonCredential<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        JsonCredentialFields {
            account_id: &c.account_id,
            account_name: &c.account_name,
            contacts: JsonContacts(&c.contacts),
            created: c.created.to_string(),
            days_left: c.days_left,
            expires_at: c.expires_at.to_string(),
            expires_by: c.expires_by,
            judged_at: c.judged_at.to_string(),
            key_id: c.key_id.as_deref(),
            kind: c.kind.as_str(),
            last_used: c.last_used.map(|t| t.to_string()),
            owner: c.owner.as_deref(),
            status: status(c),
            user: &c.user,
            warn_at: c.warn_at.to_string(),
            who_must_act: c.actors(),
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct JsonCredentialFields<'a> {
    account_id: &'a str,
    account_name: &'a str,
    contacts: JsonContacts<'a>,
    created: String,
    days_left: i64,
    expires_at: String,
    expires_by: &'static str,
    judged_at: String,
    key_id: Option<&'a str>,
    kind: &'static str,
    last_used: Option<String>,
    owner: Option<&'a str>,
    status: &'static str,
    user: &'a str,
    warn_at: String,
    who_must_act: String,
}

/// The account's contacts, shared by its credentials and written out in each.
struct JsonContacts<'a>(&'a [Contact]);

impl Serialize for JsonContacts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct One<'a> {
            email: &'a str,
            name: Option<&'a str>,
        }
        serializer.collect_seq(self.0.iter().map(|k| One {
            email: &k.email,
            name: k.name.as_deref(),
        }))
    }
}

#[derive(Serialize)]
struct JsonStale<'a> {
    account_name: &'a str,
    captured_at: Option<String>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonWarning<'a> {
    account_name: &'a str,
    code: &'static str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonUnread<'a> {
    account_name: &'a str,
    reason: &'a str,
}

pub(super) fn json(e: &Expiries, out: &mut dyn Write) -> io::Result<()> {
    let document = JsonDocument {
        credentials: JsonCredentials(&e.credentials),
        now: e.now.to_string(),
        stale: (e.stale.iter())
            .map(|s| JsonStale {
                account_name: &s.account,
                captured_at: s.captured_at.map(|t| t.to_string()),
                message: &s.message,
            })
            .collect(),
        unread: (e.failures.iter())
            .map(|f| JsonUnread {
                account_name: &f.account,
                reason: &f.reason,
            })
            .collect(),
        version: 1,
        warnings: (e.warnings.iter())
            .map(|w| JsonWarning {
                account_name: &w.account,
                code: w.code.as_str(),
                message: &w.message,
            })
            .collect(),
    };
    escape::json(out, &document)
}
