//! Recorded state on disk: `fixtures/<account.name>/` holding the AWS CLI's own outputs.
//!
//! A missing folder or required file makes the account unobserved; a file that exists but does not
//! parse is an invalid input, reported at its line and column.

use super::{
    AccessKey, AccountState, InvalidInput, ObserveError, ParseError, Recording, credential_report,
    gaad,
};
use crate::source::Span;
use serde::Deserialize;
use std::path::Path;

pub const AUTHORIZATION_DETAILS: &str = "authorization-details.json";
pub const CREDENTIAL_REPORT: &str = "credential-report.csv";
pub const ACCESS_KEYS: &str = "access-keys.json";
pub const SNAPSHOT: &str = "snapshot.json";

/// Recordings larger than this are refused unread: a real account's is a few megabytes.
pub const MAX_FIXTURE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccessKeys {
    access_key_metadata: Vec<KeyMetadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyMetadata {
    user_name: String,
    access_key_id: String,
    status: String,
    create_date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    account_id: String,
    captured_at: String,
    #[serde(default)]
    source: Option<String>,
}

/// Reads `dir` (one account's fixture folder) into the model.
pub fn read(dir: &Path) -> Result<AccountState, ObserveError> {
    if !dir.is_dir() {
        return Err(ObserveError::Unobserved(format!(
            "no recorded state: {} is not a directory",
            dir.display()
        )));
    }
    let gaad_path = dir.join(AUTHORIZATION_DETAILS);
    let report_path = dir.join(CREDENTIAL_REPORT);
    for required in [&gaad_path, &report_path] {
        if !required.exists() {
            return Err(ObserveError::Unobserved(format!(
                "no recorded state: {} is missing",
                required.display()
            )));
        }
    }
    let authorization = parse_file(&gaad_path, gaad::parse)?;
    let report = parse_file(&report_path, credential_report::parse)?;
    let (access_keys, access_key_users) = match optional(&dir.join(ACCESS_KEYS), parse_access_keys)?
    {
        Some(pairs) => {
            let (users, keys) = pairs.into_iter().unzip();
            (Some(keys), users)
        }
        None => (None, Vec::new()),
    };
    let snapshot = optional(&dir.join(SNAPSHOT), parse_snapshot)?;
    let (snapshot_account, captured_at, source) = match snapshot {
        Some((account, captured, source)) => (Some(account), Some(captured), source),
        None => (None, None, None),
    };
    Ok(Recording {
        authorization,
        report,
        access_keys,
        access_key_users,
        snapshot_account,
        captured_at,
        source,
    }
    .assemble())
}

fn optional<T>(
    path: &Path,
    parse: fn(&str) -> Result<T, ParseError>,
) -> Result<Option<T>, ObserveError> {
    if path.exists() {
        parse_file(path, parse).map(Some)
    } else {
        Ok(None)
    }
}

/// Reads a file and parses it, turning every failure into an [`InvalidInput`] naming the file.
fn parse_file<T>(
    path: &Path,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> Result<T, ObserveError> {
    let name = path.to_string_lossy().into_owned();
    let invalid = |message: String| ObserveError::Invalid(InvalidInput::new(name.clone(), message));
    let metadata =
        std::fs::metadata(path).map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
    if metadata.is_dir() {
        return Err(invalid(format!(
            "{name} is a directory; a recorded file was expected"
        )));
    }
    if metadata.len() > MAX_FIXTURE_BYTES {
        return Err(invalid(format!(
            "{name} is {} bytes, over the {MAX_FIXTURE_BYTES}-byte limit",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            return Err(ObserveError::Invalid(InvalidInput {
                file: name.clone(),
                message: format!("{name} is not valid UTF-8 (byte {at})"),
                text: Some(String::from_utf8_lossy(error.as_bytes()).into_owned()),
                span: Some(Span::new(at, at + 1)),
            }));
        }
    };
    parse(&text).map_err(|error| {
        ObserveError::Invalid(InvalidInput {
            file: name.clone(),
            message: error.message,
            span: error.offset.map(Span::point),
            text: Some(text),
        })
    })
}

/// Where a JSON string value first appears in `text`: the position for a value that parsed as
/// JSON but not as what it should be (a date, a status).
fn offset_of_value(text: &str, value: &str) -> Option<usize> {
    let quoted = serde_json::to_string(value).ok()?;
    text.find(&quoted)
}

fn parse_access_keys(text: &str) -> Result<Vec<(String, AccessKey)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let keys: AccessKeys =
        serde_json::from_str(text).map_err(|e| ParseError::from_json(&e, text))?;
    keys.access_key_metadata
        .into_iter()
        .map(|key| {
            let active = match key.status.to_ascii_lowercase().as_str() {
                "active" => true,
                "inactive" => false,
                _ => {
                    return Err(ParseError::new(
                        format!(
                            "key {} has Status `{}`; expected Active or Inactive",
                            key.access_key_id, key.status
                        ),
                        offset_of_value(text, &key.status),
                    ));
                }
            };
            let created = key.create_date.parse().map_err(|_| {
                ParseError::new(
                    format!(
                        "key {} has CreateDate `{}`, not an RFC 3339 instant",
                        key.access_key_id, key.create_date
                    ),
                    offset_of_value(text, &key.create_date),
                )
            })?;
            Ok((
                key.user_name,
                AccessKey {
                    id: Some(key.access_key_id),
                    slot: None,
                    active,
                    created: Some(created),
                },
            ))
        })
        .collect()
}

type SnapshotFields = (String, jiff::Timestamp, Option<String>);

fn parse_snapshot(text: &str) -> Result<SnapshotFields, ParseError> {
    let snapshot: Snapshot =
        serde_json::from_str(text).map_err(|e| ParseError::from_json(&e, text))?;
    let captured_at = snapshot.captured_at.parse().map_err(|_| {
        ParseError::new(
            format!(
                "captured_at `{}` is not an RFC 3339 instant",
                snapshot.captured_at
            ),
            offset_of_value(text, &snapshot.captured_at),
        )
    })?;
    Ok((snapshot.account_id, captured_at, snapshot.source))
}
