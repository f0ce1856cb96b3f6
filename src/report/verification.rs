//! `verify-key`'s answer, for people (one sentence) and machines (JSON version 1).

use crate::base::clock::expiry_words;
use crate::outcome::verification::{KeyState, Verified};

/// How the answer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerFormat {
    Human,
    Json,
}

/// One sentence for people.
pub fn sentence(verified: &Verified) -> String {
    let key = &verified.key_id;
    let who = format!("`{}` in account `{}`", verified.deployer, verified.account);
    let when = |expires_at| expiry_words(verified.judged_at, expires_at);
    match &verified.state {
        KeyState::Current => {
            format!("{key} is the newest active key of {who}: CI holds the right key")
        }
        KeyState::Expired { expires_at } => format!(
            "{key} is the newest active key of {who}, but it {}: SMCE deletes expired keys; rotate it now",
            when(*expires_at)
        ),
        KeyState::Expiring { expires_at } => format!(
            "{key} is the newest active key of {who}, but it {}: rotate it",
            when(*expires_at)
        ),
        KeyState::Older { newer } => format!(
            "{key} is an active key of {who}, but not the newest ({newer} is): the rotation is not finished; re-encrypt {newer} for CI, deploy, then delete {key}"
        ),
        KeyState::Inactive => format!(
            "{key} is an inactive key of {who}: deploys fail; re-encrypt the active key for CI"
        ),
        KeyState::Unknown => format!(
            "{key} is not a key of {who}: it was deleted (or belongs to another user), so deploys fail with UnrecognizedClientException; rotate and re-encrypt the new key for CI"
        ),
        KeyState::Unproven { captured_at } => {
            let recorded = match captured_at {
                Some(at) => format!(
                    "was captured at {at}, {} before the instant judged,",
                    crate::base::clock::age_words(*at, verified.judged_at)
                ),
                None => "does not say when it was captured, so its age is unknown,".to_owned(),
            };
            format!(
                "the recording of {who} {recorded} longer ago than --max-age allows: it cannot prove whether {key} is the current key; record it again (`smce-guard snapshot {account}`) or ask live (`--live`)",
                account = crate::base::shell::option("--account", &verified.account)
            )
        }
    }
}

/// The answer for people: a mark, the sentence and the instant judged.
pub fn human(verified: &Verified) -> String {
    let mark = if verified.ok() { "✓" } else { "✗" };
    super::escape::terminal_lines(&format!(
        "{mark} {}\n(judged at {})\n",
        sentence(verified),
        verified.judged_at
    ))
}

/// The answer as JSON (version 1).
pub fn json(verified: &Verified) -> String {
    let keys: Vec<serde_json::Value> = verified
        .keys
        .iter()
        .map(|k| {
            serde_json::json!({
                "key_id": k.id,
                "active": k.active,
                "created": k.created.map(|t| t.to_string()),
                "last_used": k.last_used.map(|t| t.to_string()),
            })
        })
        .collect();
    super::escape::json_text(&serde_json::json!({
        "version": 1,
        "account_name": verified.account,
        "deployer": verified.deployer,
        "key_id": verified.key_id,
        "verdict": verified.state.as_str(),
        "ok": verified.ok(),
        "days_left": verified.days_left(),
        "newer_key_id": match &verified.state { KeyState::Older { newer } => Some(newer.as_str()), _ => None },
        "expires_at": verified.expires_at.map(|t| t.to_string()),
        "judged_at": verified.judged_at.to_string(),
        "captured_at": verified.captured_at.map(|t| t.to_string()),
        "message": sentence(verified),
        "keys": keys,
    }))
}
