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
    /// Set on one page of several (the CLI merges pages and leaves it out).
    #[serde(default)]
    is_truncated: bool,
    #[serde(default)]
    marker: Option<String>,
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
    /// The account's alias (`iam:ListAccountAliases`), as the live reader records it.
    #[serde(default)]
    #[allow(dead_code)]
    account_alias: Option<String>,
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
        // `symlink_metadata`: a link that leads nowhere is there but unreadable (exit 2), not
        // missing.
        if std::fs::symlink_metadata(required).is_err() {
            return Err(ObserveError::Unobserved(format!(
                "no recorded state: {} is missing",
                required.display()
            )));
        }
    }
    let authorization = with_text(&gaad_path, gaad::parse)?;
    let report = with_text(&report_path, credential_report::parse)?;
    let access_keys = optional(&dir.join(ACCESS_KEYS), parse_access_keys)?;
    let snapshot = optional(&dir.join(SNAPSHOT), parse_snapshot)?;
    Ok(recording(authorization, report, access_keys, snapshot))
}

/// The four recorded documents of one account, as text: read from a fixture folder, or produced by
/// the live reader in exactly the shape it writes to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub authorization_details: String,
    pub credential_report: String,
    pub access_keys: Option<String>,
    pub snapshot: Option<String>,
}

/// Parses recorded texts into the model; `dir` names them in errors (`<dir>/<file>`).
pub fn parse(texts: Texts, dir: &str) -> Result<AccountState, ObserveError> {
    let name = |file: &str| format!("{}/{file}", dir.trim_end_matches('/'));
    let authorization = parse_text(
        name(AUTHORIZATION_DETAILS),
        texts.authorization_details,
        gaad::parse,
    )?;
    let report = parse_text(
        name(CREDENTIAL_REPORT),
        texts.credential_report,
        credential_report::parse,
    )?;
    let access_keys = match texts.access_keys {
        Some(text) => Some(parse_text(name(ACCESS_KEYS), text, parse_access_keys)?),
        None => None,
    };
    let snapshot = match texts.snapshot {
        Some(text) => Some(parse_text(name(SNAPSHOT), text, parse_snapshot)?),
        None => None,
    };
    Ok(recording(authorization, report, access_keys, snapshot))
}

/// Joins the parsed documents into the model.
fn recording(
    authorization: gaad::Authorization,
    report: credential_report::CredentialReport,
    access_keys: Option<Vec<(String, AccessKey)>>,
    snapshot: Option<SnapshotFields>,
) -> AccountState {
    let (access_keys, access_key_users) = match access_keys {
        Some(pairs) => {
            let (users, keys) = pairs.into_iter().unzip();
            (Some(keys), users)
        }
        None => (None, Vec::new()),
    };
    let (snapshot_account, captured_at, source) = match snapshot {
        Some((account, captured, source)) => (Some(account), Some(captured), source),
        None => (None, None, None),
    };
    Recording {
        authorization,
        report,
        access_keys,
        access_key_users,
        snapshot_account,
        captured_at,
        source,
    }
    .assemble()
}

fn optional<T>(
    path: &Path,
    parse: fn(&str) -> Result<T, ParseError>,
) -> Result<Option<T>, ObserveError> {
    // Present but unreadable (a link that leads nowhere, say) is an error, not an absent file.
    if std::fs::symlink_metadata(path).is_ok() {
        with_text(path, parse).map(Some)
    } else {
        Ok(None)
    }
}

thread_local! {
    /// One read buffer per thread, reused for every recorded file: a fleet's files are read one
    /// after another, and reusing the buffer keeps the allocator from fragmenting on them.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a recorded file into this thread's buffer and parses it, turning every failure into an
/// [`InvalidInput`] naming the file (with its text, so the report can show the excerpt).
fn with_text<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
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
    // A pipe or a device would block or never end.
    if !metadata.is_file() {
        return Err(invalid(format!("{name} is not a regular file")));
    }
    BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        // Read at most one byte past the limit: a file's reported size is not to be trusted.
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(f, MAX_FIXTURE_BYTES + 1),
                    bytes,
                )
            })
            .map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
        if bytes.len() as u64 > MAX_FIXTURE_BYTES {
            return Err(invalid(format!(
                "{name} is over the {MAX_FIXTURE_BYTES}-byte limit"
            )));
        }
        let result = match std::str::from_utf8(bytes) {
            Ok(text) => parse_bom(text, parse).map_err(|error| {
                ObserveError::Invalid(InvalidInput {
                    file: name.clone(),
                    message: error.message,
                    span: error.offset.map(Span::point),
                    text: Some(text.to_owned()),
                })
            }),
            Err(error) => {
                let at = error.valid_up_to();
                Err(ObserveError::Invalid(InvalidInput {
                    file: name.clone(),
                    message: format!("{name} is not valid UTF-8 (byte {at})"),
                    text: Some(String::from_utf8_lossy(bytes).into_owned()),
                    span: Some(Span::new(at, at + 1)),
                }))
            }
        };
        // Keep the buffer for the next file, unless one huge file made it huge.
        if bytes.capacity() > 16 * 1024 * 1024 {
            *bytes = Vec::new();
        }
        result
    })
}

/// Parses a text that may start with a byte-order mark (editors on Windows add one), keeping error
/// offsets relative to the file's first byte.
fn parse_bom<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => parse(rest).map_err(|mut error| {
            error.offset = error.offset.map(|o| o + '\u{feff}'.len_utf8());
            error
        }),
        None => parse(text),
    }
}

/// Parses one recorded text, turning a failure into an [`InvalidInput`] at its position.
fn parse_text<T>(
    name: String,
    text: String,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> Result<T, ObserveError> {
    parse_bom(&text, parse).map_err(|error| {
        ObserveError::Invalid(InvalidInput {
            file: name,
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
    let keys: AccessKeys = super::json_object(text)?;
    if keys.is_truncated || keys.marker.is_some() {
        return Err(ParseError::new(
            "the recording is one page of several (it has IsTruncated or Marker): record it again with the AWS CLI, which merges every page",
            None,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    keys.access_key_metadata
        .into_iter()
        .map(|key| {
            if !seen.insert(key.access_key_id.clone()) {
                let quoted = serde_json::to_string(&key.access_key_id).unwrap_or_default();
                return Err(ParseError::new(
                    format!("key {} is listed twice", key.access_key_id),
                    text.match_indices(&quoted).nth(1).map(|(at, _)| at),
                ));
            }
            // IAM's statusType: Active, Inactive, or Expired (a key IAM retired itself).
            let active = match key.status.to_ascii_lowercase().as_str() {
                "active" => true,
                "inactive" | "expired" => false,
                _ => {
                    return Err(ParseError::new(
                        format!(
                            "key {} has Status `{}`; expected Active, Inactive or Expired",
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
    Ok((snapshot.account_id, captured_at, snapshot.source))
}

/// Writes `texts` into `dir` as a fixture folder. Every file goes to a temporary name first and is
/// renamed into place only once all are written, so an interrupted run never leaves a half-written
/// fixture and a failed one leaves the previous fixture untouched.
pub fn write(dir: &Path, texts: &Texts) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files = [
        (AUTHORIZATION_DETAILS, Some(&texts.authorization_details)),
        (CREDENTIAL_REPORT, Some(&texts.credential_report)),
        (ACCESS_KEYS, texts.access_keys.as_ref()),
        (SNAPSHOT, texts.snapshot.as_ref()),
    ];
    let temporary = |name: &str| dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written: std::io::Result<()> = files
        .iter()
        .filter_map(|(name, text)| text.map(|t| (name, t)))
        .try_for_each(|(name, text)| std::fs::write(temporary(name), text));
    if let Err(error) = written {
        for (name, _) in &files {
            let _ = std::fs::remove_file(temporary(name));
        }
        return Err(error);
    }
    for (name, text) in &files {
        if text.is_some() {
            std::fs::rename(temporary(name), dir.join(name))?;
        }
    }
    Ok(())
}
