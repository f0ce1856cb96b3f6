//! The `verify-key` pipeline: is the key CI holds the deployer's newest active key? It answers
//! the question 2i2c's incidents asked — a rotation that re-encrypted the old key, a key SMCE
//! deleted — from the key id alone: given on the command line, or read from the JSON that `aws
//! iam create-access-key` prints (the shape 2i2c keeps encrypted with sops, so `sops -d ... |
//! smce-guard verify-key --account NAME` works). The secret access key in that JSON is never
//! kept, printed, logged or written: it is skipped while parsing.

use super::judging::{self, One, Unanswered};
use crate::base::clock::Clock;
use crate::engine::credentials::{Standing, expiry};
use crate::observe::{AccessKey, Source};
use crate::outcome::verification::{DeployerKey, KeyState, Verified};
use serde::Deserialize;
use std::path::PathBuf;

/// Standard input is read up to this many bytes: the JSON holds one key.
pub const MAX_STDIN_BYTES: u64 = 64 * 1024;

/// What `verify-key` is asked.
pub struct VerifyOptions {
    pub paths: Vec<PathBuf>,
    /// The account (`account.name`) whose deployer should hold the key.
    pub account: String,
    /// The key CI holds.
    pub held: HeldKey,
    pub source: Source,
    pub clock: Clock,
    /// A recording older than this many days cannot prove which key is current.
    pub max_age_days: u32,
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

/// Why `verify-key` could not answer: as every one-account command ([`judging::one`]), and bad
/// input of its own (no deployer, a recording that cannot name keys).
pub type VerifyError = Unanswered;

pub fn run(options: &VerifyOptions) -> Result<Verified, VerifyError> {
    let One {
        outcome,
        reread,
        state,
    } = judging::one(
        &options.paths,
        &options.account,
        &options.source,
        options.clock,
        options.max_age_days,
    )?;
    let policy = reread.policy;
    let Some(deployer) = policy.deployer.as_ref() else {
        return Err(VerifyError::Invalid(format!(
            "the policy of `{}` declares no deployer",
            options.account
        )));
    };
    let judged_at = outcome.judged_at().unwrap_or(options.clock.now);
    let keys: Vec<AccessKey> = state
        .user(&deployer.user)
        .map(|u| u.keys.clone())
        .unwrap_or_default();
    if keys.iter().any(|k| k.id.is_none()) {
        let lacks = if state.keys_unlisted.contains(&deployer.user) {
            format!(
                "a key listing (access-keys.json) that leaves out `{}`",
                deployer.user
            )
        } else {
            "no access-keys.json".to_owned()
        };
        return Err(VerifyError::Invalid(format!(
            "the recording of `{}` has {lacks}: the credential report does not name key ids, so the key cannot be matched; record it again (`smce-guard snapshot {}`) or use --live",
            options.account,
            crate::base::shell::option("--account", &options.account)
        )));
    }
    let held = keys
        .iter()
        .find(|k| k.id.as_deref() == Some(options.held.id.as_str()));
    let mut active: Vec<&AccessKey> = keys.iter().filter(|k| k.active).collect();
    active.sort_by_key(|k| k.created);
    let newest = active.last().copied();
    let limits = policy.credentials;
    let expiry = held
        .and_then(|k| k.created)
        .map(|c| expiry(c, limits.max_age_days, limits.warn_days, judged_at));
    let state_of_key = match held {
        // A recording older than --max-age cannot prove which key is current today.
        _ if outcome.stale => KeyState::Unproven {
            captured_at: outcome.provenance.captured_at,
        },
        None => KeyState::Unknown,
        Some(key) if !key.active => KeyState::Inactive,
        Some(key) => match (newest, expiry) {
            (Some(newest), _) if newest.id != key.id => KeyState::Older {
                newer: newest.label(),
            },
            (_, Some(e)) if e.standing == Standing::Expired => KeyState::Expired {
                expires_at: e.expires_at,
            },
            (_, Some(e)) if e.standing == Standing::Expiring => KeyState::Expiring {
                expires_at: e.expires_at,
            },
            _ => KeyState::Current,
        },
    };
    let held_active = held.is_some_and(|k| k.active);
    Ok(Verified {
        account: options.account.clone(),
        deployer: deployer.user.clone(),
        key_id: options.held.id.clone(),
        state: state_of_key,
        keys: keys
            .iter()
            .map(|k| DeployerKey {
                id: k.label(),
                active: k.active,
                created: k.created,
                last_used: k.last_used,
            })
            .collect(),
        expires_at: expiry.filter(|_| held_active).map(|e| e.expires_at),
        judged_at,
        captured_at: outcome.provenance.captured_at,
    })
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
