//! `snapshot.json`: which account a recording is of, when it was captured, by what, and which
//! entity types its authorization details were read with (`entities`, so that a recording made
//! without roles is never read as an account without roles).

use super::recorded::{AUTHORIZATION_DETAILS, offset_of_value};
use super::{ParseError, Recording};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    account_id: String,
    captured_at: String,
    #[serde(default)]
    source: Option<String>,
    /// The account's alias (`iam:ListAccountAliases`), as the live reader records it.
    #[serde(default)]
    #[allow(dead_code)]
    account_alias: Option<String>,
    /// The entity types `authorization-details.json` was read with (GAAD's `--filter` values);
    /// absent in recordings made before it was written.
    #[serde(default)]
    entities: Option<Vec<String>>,
}

/// GetAccountAuthorizationDetails' entity types (its `Filter` values), as `entities` names them.
pub const ENTITIES: &[&str] = &[
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

/// The snapshot: which account was recorded, when, and by what.
pub(super) fn parse(text: &str, recording: &mut Recording) -> Result<(), ParseError> {
    let snapshot: Snapshot = super::json_object(text)?;
    let id = &snapshot.account_id;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(
            format!("account_id `{id}` is not a 12-digit AWS account id"),
            offset_of_value(text, id),
        ));
    }
    let captured_at = snapshot.captured_at.parse().map_err(|_| {
        ParseError::new(
            format!(
                "captured_at `{}` is not an RFC 3339 instant",
                snapshot.captured_at
            ),
            offset_of_value(text, &snapshot.captured_at),
        )
    })?;
    if let Some(entities) = &snapshot.entities {
        let roles = recording.authorization.roles.len();
        read_entities(text, entities, roles)?;
    }
    recording.entities = snapshot.entities;
    recording.snapshot_account = Some(snapshot.account_id);
    recording.captured_at = Some(captured_at);
    recording.source = snapshot.source;
    Ok(())
}

/// Checks `entities`: each one of [`ENTITIES`], and roles listed only if roles were read (the
/// authorization details are parsed before the snapshot, so `roles` is their count).
fn read_entities(text: &str, entities: &[String], roles: usize) -> Result<(), ParseError> {
    if let Some(odd) = entities.iter().find(|e| !ENTITIES.contains(&e.as_str())) {
        return Err(ParseError::new(
            format!("entities lists `{odd}`; expected {}", ENTITIES.join(", ")),
            offset_of_value(text, odd),
        ));
    }
    if roles > 0 && !entities.iter().any(|e| e == "Role") {
        return Err(ParseError::new(
            format!("entities says roles were not read, but {AUTHORIZATION_DETAILS} lists {roles}"),
            text.find("\"entities\""),
        ));
    }
    Ok(())
}
