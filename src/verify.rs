//! The `verify-key` pipeline: is the key CI holds the deployer's newest active key? It answers
//! the question 2i2c's incidents asked — a rotation that re-encrypted the old key, a key SMCE
//! deleted — from the key id alone: given on the command line, or read from the JSON that `aws
//! iam create-access-key` prints (the shape 2i2c keeps encrypted with sops, so `sops -d ... |
//! smce-guard verify-key --account NAME` works). The secret access key in that JSON is never
//! kept, printed, logged or written: it is skipped while parsing.

use crate::clock::Clock;
use crate::engine::credentials::{Standing, expiry};
use crate::observe::{self, AccessKey, ObserveError, Source};
use crate::select::{Selection, UnknownAccounts};
use jiff::Timestamp;
use serde::Deserialize;
use std::path::PathBuf;

/// Standard input is read up to this many bytes: the JSON holds one key.
pub const MAX_STDIN_BYTES: u64 = 64 * 1024;

/// How the answer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerFormat {
    Human,
    Json,
}

/// What `verify-key` is asked.
pub struct VerifyOptions {
    pub paths: Vec<PathBuf>,
    /// The account (`account.name`) whose deployer should hold the key.
    pub account: String,
    /// The key CI holds.
    pub held: HeldKey,
    pub source: Source,
    pub clock: Clock,
}

/// The key CI holds: its id, and the user the JSON names, if it came from JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldKey {
    pub id: String,
    pub user: Option<String>,
}

/// `{"AccessKey": {"UserName": ..., "AccessKeyId": ..., ...}}`. Only these two fields are read:
/// the secret is skipped by the parser, never held in a field.
#[derive(Deserialize)]
struct CreatedKey {
    #[serde(rename = "AccessKey")]
    access_key: CreatedKeyFields,
}

#[derive(Deserialize)]
struct CreatedKeyFields {
    #[serde(rename = "AccessKeyId")]
    id: String,
    #[serde(rename = "UserName", default)]
    user: Option<String>,
}

/// Reads the key CI holds from the JSON `aws iam create-access-key` prints. The error never
/// quotes the input: it holds a secret.
pub fn parse_held(bytes: &[u8]) -> Result<HeldKey, String> {
    let expected = "expected the JSON `aws iam create-access-key` prints: {\"AccessKey\": {\"UserName\": ..., \"AccessKeyId\": \"AKIA...\", \"SecretAccessKey\": ...}} (for example `sops -d enc-deployer-credentials.secret.json | smce-guard verify-key --account NAME`), or pass --key-id";
    let parsed: CreatedKey = serde_json::from_slice(bytes).map_err(|e| {
        // serde's message can quote a value of the input; only its position is given.
        format!(
            "standard input is not that JSON (line {}, column {}): {expected}",
            e.line(),
            e.column()
        )
    })?;
    let id = parsed.access_key.id;
    if !is_key_id(&id) {
        return Err(format!(
            "`AccessKeyId` is not an access key id (20 uppercase letters and digits, starting AKIA or ASIA): {expected}"
        ));
    }
    Ok(HeldKey {
        id,
        user: parsed.access_key.user,
    })
}

/// Whether `id` has the shape of an access key id.
pub fn is_key_id(id: &str) -> bool {
    id.len() == 20
        && (id.starts_with("AKIA") || id.starts_with("ASIA"))
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// What the key CI holds is, in the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The deployer's newest active key, not within its warning window.
    Current,
    /// The newest active key, but expiring (or expired) soon.
    Expiring { days_left: i64 },
    /// An active key, but not the newest: the rotation is not finished.
    Older { newer: String },
    /// A key the deployer holds, but inactive.
    Inactive,
    /// Not a key of the deployer: deleted (or another user's); deploys fail.
    Unknown,
}

/// The answer: the verdict, and the facts it rests on.
pub struct Verified {
    pub account: String,
    pub deployer: String,
    pub key_id: String,
    pub verdict: Verdict,
    /// The deployer's keys as the account holds them.
    pub keys: Vec<AccessKey>,
    pub expires_at: Option<Timestamp>,
    pub judged_at: Timestamp,
}

impl Verified {
    /// Whether CI holds what it should: the newest active key, not expiring.
    pub fn ok(&self) -> bool {
        self.verdict == Verdict::Current
    }

    /// One sentence for people.
    pub fn sentence(&self) -> String {
        let key = &self.key_id;
        let who = format!("`{}` in account `{}`", self.deployer, self.account);
        match &self.verdict {
            Verdict::Current => {
                format!("{key} is the newest active key of {who}: CI holds the right key")
            }
            Verdict::Expiring { days_left } if *days_left < 0 => format!(
                "{key} is the newest active key of {who}, but it expired {} days ago: rotate it now",
                -days_left
            ),
            Verdict::Expiring { days_left } => format!(
                "{key} is the newest active key of {who}, but it expires in {days_left} days: rotate it"
            ),
            Verdict::Older { newer } => format!(
                "{key} is an active key of {who}, but not the newest ({newer} is): the rotation is not finished; re-encrypt {newer} for CI, deploy, then delete {key}"
            ),
            Verdict::Inactive => format!(
                "{key} is an inactive key of {who}: deploys fail; re-encrypt the active key for CI"
            ),
            Verdict::Unknown => format!(
                "{key} is not a key of {who}: it was deleted (or belongs to another user), so deploys fail with UnrecognizedClientException; rotate and re-encrypt the new key for CI"
            ),
        }
    }
}

/// Why `verify-key` could not answer.
pub enum VerifyError {
    /// `--account` names no policy.
    Unknown(UnknownAccounts),
    /// Bad input: the policy is invalid, has no deployer, or the recording cannot name keys.
    Invalid(String),
    /// The account could not be read.
    Unobserved(String),
}

pub fn run(options: &VerifyOptions) -> Result<Verified, VerifyError> {
    let selection = Selection {
        names: vec![options.account.clone()],
        shard: None,
    };
    let selected = selection
        .apply(crate::policy::load(&options.paths, None))
        .map_err(VerifyError::Unknown)?;
    let Some(declared) = selected.policies().next() else {
        return Err(VerifyError::Invalid(format!(
            "the policy of `{}` has errors; run `smce-guard lint`",
            options.account
        )));
    };
    let policy = declared
        .read()
        .map_err(|d| VerifyError::Invalid(d.message))?
        .policy;
    let Some(deployer) = policy.deployer.as_ref() else {
        return Err(VerifyError::Invalid(format!(
            "the policy of `{}` declares no deployer",
            options.account
        )));
    };
    let live = matches!(options.source, Source::Live { .. });
    let mut observed = observe::observe_each(
        &[&declared.account],
        &options.source,
        &|| {},
        &|_, observation| observation.state,
    );
    let state = match observed.pop() {
        Some(Ok(state)) => state,
        Some(Err(ObserveError::Unobserved(reason))) => return Err(VerifyError::Unobserved(reason)),
        Some(Err(ObserveError::Invalid(input))) => {
            return Err(VerifyError::Invalid(format!(
                "{}: {}",
                input.file, input.message
            )));
        }
        None => return Err(VerifyError::Unobserved("nothing was read".to_owned())),
    };
    if state.account_ids.iter().any(|id| *id != policy.account.id) {
        let message = format!(
            "the state read belongs to account {}, not {}",
            state
                .account_ids
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            policy.account.id
        );
        return Err(if live {
            VerifyError::Unobserved(message)
        } else {
            VerifyError::Invalid(message)
        });
    }
    let judged_at = options.clock.judge_at(state.captured_at, live);
    let keys: Vec<AccessKey> = state
        .user(&deployer.user)
        .map(|u| u.keys.clone())
        .unwrap_or_default();
    if keys.iter().any(|k| k.id.is_none()) {
        return Err(VerifyError::Invalid(format!(
            "the recording of `{}` has no access-keys.json: the credential report does not name key ids, so the key cannot be matched; record it again (`smce-guard snapshot --account {}`) or use --live",
            options.account, options.account
        )));
    }
    let held = keys
        .iter()
        .find(|k| k.id.as_deref() == Some(options.held.id.as_str()));
    let mut active: Vec<&AccessKey> = keys.iter().filter(|k| k.active).collect();
    active.sort_by_key(|k| k.created);
    let newest = active.last().copied();
    let limits = policy.credentials;
    let (verdict, expires_at) = match held {
        None => (Verdict::Unknown, None),
        Some(key) if !key.active => (Verdict::Inactive, None),
        Some(key) => {
            let e = key
                .created
                .map(|c| expiry(c, limits.max_age_days, limits.warn_days, judged_at));
            let expires_at = e.map(|e| e.expires_at);
            match (newest, e) {
                (Some(newest), _) if newest.id != key.id => (
                    Verdict::Older {
                        newer: newest.label(),
                    },
                    expires_at,
                ),
                (_, Some(e)) if e.standing != Standing::Fresh => (
                    Verdict::Expiring {
                        days_left: e.days_left,
                    },
                    expires_at,
                ),
                _ => (Verdict::Current, expires_at),
            }
        }
    };
    Ok(Verified {
        account: options.account.clone(),
        deployer: deployer.user.clone(),
        key_id: options.held.id.clone(),
        verdict,
        keys,
        expires_at,
        judged_at,
    })
}

/// The answer as JSON (version 1).
pub fn json(verified: &Verified) -> String {
    let verdict = match &verified.verdict {
        Verdict::Current => "current",
        Verdict::Expiring { .. } => "expiring",
        Verdict::Older { .. } => "older",
        Verdict::Inactive => "inactive",
        Verdict::Unknown => "unknown",
    };
    let keys: Vec<serde_json::Value> = verified
        .keys
        .iter()
        .map(|k| {
            serde_json::json!({
                "key_id": k.label(),
                "active": k.active,
                "created": k.created.map(|t| t.to_string()),
                "last_used": k.last_used.map(|t| t.to_string()),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({
        "version": 1,
        "account_name": verified.account,
        "deployer": verified.deployer,
        "key_id": verified.key_id,
        "verdict": verdict,
        "ok": verified.ok(),
        "days_left": match verified.verdict { Verdict::Expiring { days_left } => Some(days_left), _ => None },
        "newer_key_id": match &verified.verdict { Verdict::Older { newer } => Some(newer.as_str()), _ => None },
        "expires_at": verified.expires_at.map(|t| t.to_string()),
        "judged_at": verified.judged_at.to_string(),
        "message": verified.sentence(),
        "keys": keys,
    }))
    .expect("plain JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_create_access_key_prints_is_read_without_its_secret() {
        let input = br#"{"AccessKey": {"UserName": "hub-continuous-deployer", "AccessKeyId": "AKIAEXAMPLE123456789", "Status": "Active", "SecretAccessKey": "SECRETDISTINCT77/wJalrXUtnFEMI", "CreateDate": "2026-11-01T00:00:00Z"}}"#;
        let held = parse_held(input).unwrap();
        assert_eq!(held.id, "AKIAEXAMPLE123456789");
        assert_eq!(held.user.as_deref(), Some("hub-continuous-deployer"));
        // Broken input: the error names the place, never the content.
        for broken in [
            &br#"{"AccessKey": {"AccessKeyId": "AKIAEXAMPLE123456789", "SecretAccessKey": "SECRETDISTINCT77"#[..],
            br#"{"AccessKey": {"AccessKeyId": 7, "SecretAccessKey": "SECRETDISTINCT77"}}"#,
            br#""SECRETDISTINCT77""#,
            br#"{"AccessKey": {"AccessKeyId": "SECRETDISTINCT77", "SecretAccessKey": "x"}}"#,
        ] {
            let error = parse_held(broken).unwrap_err();
            assert!(!error.contains("SECRETDISTINCT77"), "{error}");
        }
    }
}
