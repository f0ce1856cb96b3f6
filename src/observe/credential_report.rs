//! The IAM credential report: the decoded CSV of `GetCredentialReport`, read by column name, with
//! its special values (`N/A`, `no_information`, `not_supported`) and its `<root_account>` row.

use super::ParseError;
use super::model::Root;
use jiff::Timestamp;

/// One user's row, reduced to what the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub user: String,
    pub arn: String,
    pub password_enabled: bool,
    pub password_last_changed: Option<Timestamp>,
    /// `None` when never used, or when the report has no such column (see [`OPTIONAL`]).
    pub password_last_used: Option<Timestamp>,
    pub password_next_rotation: Option<Timestamp>,
    pub mfa_active: bool,
    /// `(active, last_rotated)` for key slots 1 and 2.
    pub keys: [(bool, Option<Timestamp>); 2],
    /// `access_key_N_last_used_date` for slots 1 and 2; `None` as for `password_last_used`.
    pub keys_last_used: [Option<Timestamp>; 2],
}

/// The report: user rows, and the root row (its ARN names the account).
#[derive(Debug, Clone, Default)]
pub struct CredentialReport {
    pub rows: Vec<Row>,
    /// Whether the report has the last-use columns (every report AWS makes does; a trimmed or
    /// older recording may not, and its last use is then unknown rather than "never").
    pub last_use_columns: bool,
    pub root_arn: Option<String>,
    pub root: Option<Root>,
}

const COLUMNS: [&str; 9] = [
    "user",
    "arn",
    "password_enabled",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_2_active",
    "access_key_2_last_rotated",
];

/// Columns read when present. Older recordings (and tools that trim the report) lack them; their
/// values then read as `None`, which the model cannot tell apart from "never used": a rule must
/// not call a credential unused from a report that does not say.
const OPTIONAL: [&str; 4] = [
    "password_last_used",
    "password_next_rotation",
    "access_key_1_last_used_date",
    "access_key_2_last_used_date",
];

/// Parses the CSV text of a credential report (a recorded one's byte-order mark is stripped by
/// the recording reader, which keeps the offsets counting from the file's first byte).
pub fn parse(text: &str) -> Result<CredentialReport, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&e))?.clone();
    // Which of two same-named columns holds the truth would be a guess. One set of the names
    // seen: a report of 100,000 columns is one pass, not every pair (issue 20).
    // The name reported is the first column's that repeats.
    let mut first = std::collections::HashMap::with_capacity(headers.len());
    let repeated = (headers.iter().map(str::trim).enumerate())
        .filter_map(|(i, name)| first.insert(name, i).map(|earlier| (earlier, name)))
        .min();
    if let Some((_, name)) = repeated {
        return Err(ParseError::new(
            format!("the credential report has two `{name}` columns"),
            Some(0),
        ));
    }
    let mut index = [0usize; COLUMNS.len()];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                ParseError::new(
                    format!("the credential report has no `{name}` column"),
                    Some(0),
                )
            })?;
    }
    let optional = OPTIONAL.map(|name| headers.iter().position(|h| h.trim() == name));
    let mut report = CredentialReport {
        last_use_columns: optional[0].is_some() && optional[2].is_some() && optional[3].is_some(),
        ..CredentialReport::default()
    };
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line());
        let offset = record.position().map(|p| p.byte() as usize);
        let field = |i: usize| record.get(index[i]).unwrap_or("").trim();
        let at = |message: String| ParseError::new(format!("line {line}: {message}"), offset);
        let user = field(0).to_owned();
        if user.is_empty() {
            return Err(at("a row has an empty `user`".into()));
        }
        if user.chars().any(char::is_control) {
            return Err(at(format!(
                "user `{}` has a control character in its name",
                user.escape_debug()
            )));
        }
        // Two root rows would be two answers to "does root have MFA?".
        if let Some(first) = seen.insert(user.clone(), line) {
            return Err(at(format!(
                "user `{user}` appears twice (lines {first} and {line})"
            )));
        }
        let flag = |i: usize| {
            boolean(field(i)).map_err(|value| {
                at(format!(
                    "`{}` must be true or false, found `{value}`",
                    COLUMNS[i]
                ))
            })
        };
        let date = |i: usize| {
            timestamp(field(i))
                .map_err(|value| at(format!("`{}` is not a date: `{value}`", COLUMNS[i])))
        };
        let optional_date = |i: usize| match optional[i] {
            Some(column) => {
                let value = record.get(column).unwrap_or("").trim();
                timestamp(value)
                    .map_err(|value| at(format!("`{}` is not a date: `{value}`", OPTIONAL[i])))
            }
            None => Ok(None),
        };
        if user == "<root_account>" {
            // The root row has no password or key dates to age; only its flags are read.
            report.root_arn = Some(field(1).to_owned());
            report.root = Some(Root {
                mfa_active: flag(4)?,
                keys_active: [flag(5)?, flag(7)?],
            });
            continue;
        }
        let row = Row {
            arn: field(1).to_owned(),
            password_enabled: flag(2)?,
            password_last_changed: date(3)?,
            password_last_used: optional_date(0)?,
            password_next_rotation: optional_date(1)?,
            mfa_active: flag(4)?,
            keys: [(flag(5)?, date(6)?), (flag(7)?, date(8)?)],
            keys_last_used: [optional_date(2)?, optional_date(3)?],
            user,
        };
        // A credential in use without a date could not be aged: its expiry would go unseen.
        let undated = [
            (
                row.password_enabled && row.password_last_changed.is_none(),
                2,
                3,
            ),
            (row.keys[0].0 && row.keys[0].1.is_none(), 5, 6),
            (row.keys[1].0 && row.keys[1].1.is_none(), 7, 8),
        ];
        if let Some(&(_, on, date)) = undated.iter().find(|(undated, ..)| *undated) {
            return Err(at(format!(
                "`{}` is true but `{}` is `{}`: the credential's age cannot be known",
                COLUMNS[on],
                COLUMNS[date],
                field(date)
            )));
        }
        report.rows.push(row);
    }
    Ok(report)
}

fn csv_error(error: &csv::Error) -> ParseError {
    let offset = error.position().map(|p| p.byte() as usize);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: a row has {len} fields where the header has {expected_len}",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { .. } => "the credential report is not valid UTF-8".to_owned(),
        _ => format!("the credential report is not valid CSV: {error}"),
    };
    ParseError::new(message, offset)
}

/// `true`/`false` in any case; `N/A`-like values (the root row, unsupported columns) read as false.
/// An empty field is refused: AWS always writes a value, so an empty one is damage.
fn boolean(value: &str) -> Result<bool, String> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") || (is_absent(value) && !value.is_empty()) {
        Ok(false)
    } else {
        Err(value.to_owned())
    }
}

fn is_absent(value: &str) -> bool {
    matches!(value, "" | "N/A" | "no_information" | "not_supported")
}

/// An RFC 3339 instant, or `None` for the report's absent values.
pub fn timestamp(value: &str) -> Result<Option<Timestamp>, String> {
    if is_absent(value) {
        return Ok(None);
    }
    value
        .parse::<Timestamp>()
        .map(Some)
        .map_err(|_| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    #[test]
    fn reads_rows_by_header_and_special_values() {
        let text = format!(
            "{HEADER}\n<root_account>,arn:aws:iam::444055461661:root,2020-01-01T00:00:00+00:00,not_supported,2020-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
             alice,arn:aws:iam::444055461661:user/alice,2026-01-01T00:00:00+00:00,TRUE,no_information,2026-10-01T00:00:00+00:00,N/A,False,true,2026-10-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let report = parse(&text).unwrap();
        assert_eq!(
            report.root_arn.as_deref(),
            Some("arn:aws:iam::444055461661:root")
        );
        let alice = &report.rows[0];
        assert!(alice.password_enabled && !alice.mfa_active);
        assert_eq!(alice.keys[0].1.unwrap().to_string(), "2026-10-02T00:00:00Z");
        assert_eq!(alice.keys[1], (false, None));
    }

    #[test]
    fn reads_last_use_next_rotation_and_the_root_row() {
        let text = format!(
            "{HEADER}\n<root_account>,arn:aws:iam::444055461661:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
             bob,arn:aws:iam::444055461661:user/bob,2026-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,true,true,2026-10-02T00:00:00+00:00,2026-11-19T07:00:00+00:00,us-west-2,eks,true,2026-10-03T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let report = parse(&text).unwrap();
        let root = report.root.clone().unwrap();
        assert!(!root.mfa_active);
        assert_eq!(root.keys_active, [true, false]);
        let bob = &report.rows[0];
        let at = |t: Option<Timestamp>| t.map(|t| t.to_string());
        assert_eq!(
            at(bob.password_last_used).as_deref(),
            Some("2026-11-19T08:00:00Z")
        );
        assert_eq!(
            at(bob.password_next_rotation).as_deref(),
            Some("2026-11-30T00:00:00Z")
        );
        assert_eq!(
            bob.keys_last_used.map(at),
            [Some("2026-11-19T07:00:00Z".to_owned()), None]
        );
        // A bad last-use date is refused like any other date.
        let broken = text.replace("2026-11-19T07:00:00+00:00", "last tuesday");
        let error = parse(&broken).unwrap_err();
        assert!(
            error.message.contains("access_key_1_last_used_date")
                && error.message.contains("line 3"),
            "{}",
            error.message
        );
        // Two root rows are refused.
        let root_row = text.lines().nth(1).unwrap();
        let error = parse(&format!("{text}{root_row}\n")).unwrap_err();
        assert!(error.message.contains("appears twice"), "{}", error.message);
    }

    /// An older recording without the last-use columns reads, with every last use `None`.
    #[test]
    fn last_use_columns_are_optional() {
        let text = "user,arn,password_enabled,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated\n\
                    carol,arn:aws:iam::1:user/carol,true,2026-10-01T00:00:00+00:00,true,true,2026-10-02T00:00:00+00:00,false,N/A\n";
        let report = parse(text).unwrap();
        let carol = &report.rows[0];
        assert_eq!(carol.password_last_used, None);
        assert_eq!(carol.password_next_rotation, None);
        assert_eq!(carol.keys_last_used, [None, None]);
        assert!(report.root.is_none());
    }

    #[test]
    fn missing_column_and_bad_date_are_errors() {
        let error = parse("arn,mfa_active\nx,true\n").unwrap_err();
        assert!(error.message.contains("`user`"), "{}", error.message);
        let text = format!(
            "{HEADER}\nbob,arn:aws:iam::1:user/bob,x,false,N/A,yesterday,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let error = parse(&text).unwrap_err();
        assert!(
            error.message.contains("password_last_changed") && error.message.contains("line 2"),
            "{}",
            error.message
        );
    }
}
