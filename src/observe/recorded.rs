//! Recordings on disk: `fixtures/<account.name>/` holding the AWS CLI's own outputs.
//!
//! A missing folder or required file makes the account unobserved; a file that exists but does not
//! parse is an invalid input, reported at its line and column.
//!
//! [`FILES`] is the one list of recorded files: [`read`] (from a folder), [`parse`] (the live
//! reader's texts) and [`write`] all go through it, and each text is parsed by [`parse_one`].

use super::{
    AccessKey, AccountState, InvalidInput, ObserveError, ParseError, Recording, credential_report,
    gaad, password_policy,
};
use crate::base::source::Span;
use serde::Deserialize;
use std::path::Path;

pub const AUTHORIZATION_DETAILS: &str = "authorization-details.json";
pub const CREDENTIAL_REPORT: &str = "credential-report.csv";
pub const ACCESS_KEYS: &str = "access-keys.json";
pub const SNAPSHOT: &str = "snapshot.json";
pub const PASSWORD_POLICY: &str = "password-policy.json";

/// Recordings larger than this are refused unread: a real account's is a few megabytes.
pub const MAX_RECORDING_BYTES: u64 = 256 * 1024 * 1024;

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

/// One recorded file: its name in a recording's folder, whether a recording must hold it, and the
/// parser that reads its text into its field of the [`Recording`]. A new recorded file is an entry
/// here, its parser and its field.
pub struct RecordedFile {
    pub name: &'static str,
    /// A missing required file leaves the account unobserved; a missing optional one is absent.
    pub required: bool,
    parse: fn(&str, &mut Recording) -> Result<(), ParseError>,
}

/// Every recorded file, in the order they are read, parsed and reported.
pub const FILES: &[RecordedFile] = &[
    RecordedFile {
        name: AUTHORIZATION_DETAILS,
        required: true,
        parse: |text, recording| gaad::parse(text).map(|parsed| recording.authorization = parsed),
    },
    RecordedFile {
        name: CREDENTIAL_REPORT,
        required: true,
        parse: |text, recording| {
            credential_report::parse(text).map(|parsed| recording.report = parsed)
        },
    },
    RecordedFile {
        name: ACCESS_KEYS,
        required: false,
        parse: parse_access_keys,
    },
    RecordedFile {
        name: SNAPSHOT,
        required: false,
        parse: super::snapshot::parse,
    },
    // Optional: recordings made before it was recorded still read, their policy unknown.
    RecordedFile {
        name: PASSWORD_POLICY,
        required: false,
        parse: |text, recording| {
            password_policy::parse(text).map(|parsed| recording.password_policy = parsed)
        },
    },
];

/// Reads `dir` (one account's fixture folder, inside `root`, the `--fixtures` directory) into the
/// model: each file of [`FILES`] is read, then parsed by [`parse_one`], as the live reader's texts
/// are. Every file is read only as a regular file inside `root` (see [`crate::base::confined`]).
pub fn read(dir: &Path, root: &Path) -> Result<AccountState, ObserveError> {
    if !dir.is_dir() {
        return Err(ObserveError::Unobserved(format!(
            "no recorded state: {} is not a directory",
            dir.display()
        )));
    }
    // `symlink_metadata`: a link that leads nowhere is there but unreadable (exit 2), not missing.
    let present = |file: &RecordedFile| std::fs::symlink_metadata(dir.join(file.name)).is_ok();
    if let Some(missing) = FILES.iter().find(|file| file.required && !present(file)) {
        return Err(ObserveError::Unobserved(format!(
            "no recorded state: {} is missing",
            dir.join(missing.name).display()
        )));
    }
    let mut recording = Recording::default();
    for file in FILES.iter().filter(|file| file.required || present(file)) {
        let path = dir.join(file.name);
        with_text(&path, root, |name, text| {
            parse_one(file, name, text, &mut recording)
        })?;
    }
    Ok(recording.assemble())
}

/// The recorded documents of one account, as text, by file name (each one of [`FILES`]): read
/// from a recording's folder, or produced by the live reader in exactly the shape it writes to one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts(Vec<(&'static str, String)>);

impl Texts {
    /// These texts and `text` as the recorded file `name`.
    pub fn with(mut self, name: &'static str, text: String) -> Self {
        debug_assert!(FILES.iter().any(|file| file.name == name), "{name}");
        self.0.retain(|(held, _)| *held != name);
        self.0.push((name, text));
        self
    }

    /// Every recorded file held, by name, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(name, text)| (*name, text.as_str()))
    }

    /// The text of the recorded file `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(held, _)| *held == name)
            .map(|(_, text)| text.as_str())
    }
}

/// Parses recorded texts into the model; `dir` names them in errors (`<dir>/<file>`).
pub fn parse(texts: &Texts, dir: &str) -> Result<AccountState, ObserveError> {
    let name = |file: &RecordedFile| format!("{}/{}", dir.trim_end_matches('/'), file.name);
    let mut recording = Recording::default();
    for file in FILES {
        match texts.get(file.name) {
            Some(text) => parse_one(file, name(file), text, &mut recording)?,
            None if file.required => {
                return Err(ObserveError::Unobserved(format!(
                    "no recorded state: {} is missing",
                    name(file)
                )));
            }
            None => {}
        }
    }
    Ok(recording.assemble())
}

/// Parses one recorded text (the file `name`) into its field of `recording`. The one place a
/// byte-order mark is stripped (editors on Windows add one): error offsets still count from the
/// file's first byte. A failure becomes an [`InvalidInput`] at its position, holding the text so
/// the report can show the excerpt.
fn parse_one(
    file: &RecordedFile,
    name: String,
    text: &str,
    recording: &mut Recording,
) -> Result<(), ObserveError> {
    let (body, bom) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    (file.parse)(body, recording).map_err(|error| {
        ObserveError::Invalid(InvalidInput {
            file: name,
            message: error.message,
            span: error.offset.map(|offset| Span::point(offset + bom)),
            text: Some(text.to_owned()),
        })
    })
}

thread_local! {
    /// One read buffer per thread, reused for every recorded file: a fleet's files are read one
    /// after another, and reusing the buffer keeps the allocator from fragmenting on them.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads a recorded file into this thread's buffer and hands its name and text to `parse`; a file
/// that cannot be read (too large, not a regular file, a link out of `root`, not UTF-8) is an
/// [`InvalidInput`] naming it. Only a text read this way can reach an excerpt: a refused file's
/// error carries no text.
fn with_text<T>(
    path: &Path,
    root: &Path,
    parse: impl FnOnce(String, &str) -> Result<T, ObserveError>,
) -> Result<T, ObserveError> {
    let name = path.to_string_lossy().into_owned();
    let invalid = |message: String| ObserveError::Invalid(InvalidInput::new(name.clone(), message));
    // A pipe or a device would block or never end; a link out of the recordings could be a secret.
    let (file, _) = crate::base::confined::open(path, root).map_err(invalid)?;
    BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        // Read at most one byte past the limit: a file's reported size is not to be trusted.
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_RECORDING_BYTES + 1),
            bytes,
        )
        .map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
        if bytes.len() as u64 > MAX_RECORDING_BYTES {
            return Err(invalid(format!(
                "{name} is over the {MAX_RECORDING_BYTES}-byte limit"
            )));
        }
        let result = match std::str::from_utf8(bytes) {
            Ok(text) => parse(name.clone(), text),
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

/// Where a JSON string value first appears in `text`: the position for a value that parsed as
/// JSON but not as what it should be (a date, a status).
pub(super) fn offset_of_value(text: &str, value: &str) -> Option<usize> {
    let quoted = serde_json::to_string(value).ok()?;
    text.find(&quoted)
}

/// The key listing: every key with its owner, authoritative for keys when present.
fn parse_access_keys(text: &str, recording: &mut Recording) -> Result<(), ParseError> {
    let keys: AccessKeys = super::json_object(text)?;
    if keys.is_truncated || keys.marker.is_some() {
        return Err(ParseError::new(
            "the recording is one page of several (it has IsTruncated or Marker): record it again with the AWS CLI, which merges every page",
            None,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let pairs = keys
        .access_key_metadata
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
                    last_used: None,
                },
            ))
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    let (users, keys) = pairs.into_iter().unzip();
    recording.access_keys = Some(keys);
    recording.access_key_users = users;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder read from disk and the same texts as the live reader hands them are one account;
    /// a byte-order mark moves an error's position by its own length only.
    #[test]
    fn a_folder_and_its_texts_read_alike() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/maap");
        let texts = FILES.iter().fold(Texts::default(), |texts, file| {
            texts.with(
                file.name,
                std::fs::read_to_string(dir.join(file.name)).unwrap(),
            )
        });
        // Groups and policies are hash maps: compared by their users and counts.
        let shape = |s: AccountState| {
            let users = format!(
                "{:?} {:?} {:?} {:?} {:?}",
                s.account_ids, s.captured_at, s.users, s.root, s.password_policy
            );
            (users, s.groups.len(), s.managed_policies.len())
        };
        assert_eq!(
            shape(read(&dir, dir.parent().unwrap()).unwrap()),
            shape(parse(&texts, "x").unwrap())
        );
        let offset = |text: &str| match parse(&texts.clone().with(ACCESS_KEYS, text.into()), "x") {
            Err(ObserveError::Invalid(input)) => input.span.unwrap().start,
            _ => panic!("a broken key listing must be refused"),
        };
        let broken = "{\"AccessKeyMetadata\": 1}";
        assert_eq!(offset(&format!("\u{feff}{broken}")), offset(broken) + 3);
    }
}
