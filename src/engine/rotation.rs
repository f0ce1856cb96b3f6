//! Rotation you can prove: the deployer's keys as CI uses them. A rotation creates a second key;
//! it is complete when CI uses the newer key and the older one is deleted. Last use, from the
//! credential report, tells which key CI holds without asking CI.

use super::Judging;
use super::rules::Subject;
use super::usage::idle;
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::AccessKey;
use jiff::{SignedDuration, Timestamp};

fn grace(cx: &Judging<'_>) -> SignedDuration {
    let days = cx
        .policy
        .deployer
        .as_ref()
        .map_or(1, |d| d.rotation_grace_days);
    SignedDuration::from_hours(24 * i64::from(days))
}

fn used(key: &AccessKey) -> String {
    key.last_used
        .map_or_else(|| "never used".to_owned(), |t| format!("last used {t}"))
}

fn describe(key: &AccessKey) -> String {
    let created = key
        .created
        .map_or_else(|| "?".to_owned(), |t| t.to_string());
    format!("{} (created {created}, {})", key.label(), used(key))
}

/// `deployer.rotation-incomplete`: with two active keys, the newer created at least the grace
/// ago, CI has not moved to it: the newer was never used, or the older was used after the newer
/// was created plus the grace.
pub fn rotation_incomplete(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let mut keys: Vec<&AccessKey> = user.active_keys().filter(|k| k.created.is_some()).collect();
    if keys.len() != 2 {
        return;
    }
    keys.sort_by_key(|k| k.created);
    let (older, newer) = (keys[0], keys[1]);
    let Some(born) = newer.created else { return };
    let settled = born.saturating_add(grace(cx)).unwrap_or(Timestamp::MAX);
    if cx.now < settled {
        return;
    }
    let holds = if newer.last_used.is_none() {
        format!(
            "CI has never used the newer key {}: it still holds the older one, or a key the account no longer has",
            newer.label()
        )
    } else if older.last_used.is_some_and(|t| t > settled) {
        format!(
            "the older key {} was used after the newer was created: something (CI?) still holds it",
            older.label()
        )
    } else {
        return;
    };
    let name = user.name.as_str();
    out.push(
        cx.finding(
            Route::of(["deployer", "rotation_grace_days"]),
            format!(
                "the deployer `{name}` is mid-rotation: older key {}, newer key {}; {holds}",
                describe(older),
                describe(newer)
            ),
        )
        .for_principal(name)
        .with_label("CI may use the older key this long after a rotation")
        .with_detail("older_key_id", older.label())
        .with_detail("older_created", older.created.map(|t| t.to_string()))
        .with_detail("older_last_used", older.last_used.map(|t| t.to_string()))
        .with_detail("newer_key_id", newer.label())
        .with_detail("newer_created", newer.created.map(|t| t.to_string()))
        .with_detail("newer_last_used", newer.last_used.map(|t| t.to_string()))
        .with_help(format!(
            "re-encrypt the newer key's credentials for CI (`terraform output -raw continuous_deployer_creds`, then `sops -e`), deploy once, check with `smce-guard verify-key`, then delete {}",
            older.label()
        )),
    );
}

/// `deployer.key-unused`: the deployer's only active key was never used and is older than the
/// grace, or was last used more than `credentials.unused_days` ago: CI probably holds another,
/// deleted key.
pub fn key_unused(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let mut active = user.active_keys();
    let (Some(key), None) = (active.next(), active.next()) else {
        return;
    };
    let Some(created) = key.created else { return };
    let why = match key.last_used {
        None => {
            let settled = created.saturating_add(grace(cx)).unwrap_or(Timestamp::MAX);
            if cx.now < settled {
                return;
            }
            format!("has never been used since it was created ({created})")
        }
        Some(_) => {
            let Some(idle) = idle(
                key.last_used,
                created,
                cx.policy.credentials.unused_days,
                cx.now,
            ) else {
                return;
            };
            format!("was last used {} days ago", idle.days)
        }
    };
    let name = user.name.as_str();
    out.push(
        cx.finding(
            Route::of(["deployer", "user"]),
            format!(
                "the deployer `{name}`'s only active key {} {why}: CI is probably holding some other, deleted key",
                key.label()
            ),
        )
        .for_principal(name)
        .with_detail("key_id", key.label())
        .with_detail("created", created.to_string())
        .with_detail("last_used", key.last_used.map(|t| t.to_string()))
        .with_help("check the key CI holds (`sops -d enc-deployer-credentials.secret.json | smce-guard verify-key --account NAME`), re-encrypt the active key's credentials for CI and deploy"),
    );
}

/// `deployer.credentials-stale`: the credentials CI decrypts were re-encrypted before every
/// active key was created (error: the file holds a key the account no longer has active), or, of
/// two active keys, before the newer (warning: the rotation was not re-encrypted). What is
/// certain is said as such; when the credential report shows the key the file predates used after
/// the file's date, something holds that key, so CI may hold a newer copy than git, and the
/// message says so rather than that deploys fail.
pub fn credentials_stale(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    use crate::base::codes::Severity;
    let (Some(user), Some(stamp)) = (subject.user, cx.credentials) else {
        return;
    };
    let mut keys: Vec<&AccessKey> = user.active_keys().filter(|k| k.created.is_some()).collect();
    keys.sort_by_key(|k| k.created);
    let Some(&newest) = keys.last() else { return };
    let older_than = |key: &&AccessKey| key.created.is_some_and(|c| stamp.modified < c);
    let every = keys.iter().all(older_than);
    let rotation_not_reencrypted = keys.len() >= 2 && older_than(&newest);
    if !(every || rotation_not_reencrypted) {
        return;
    }
    // The key the file cannot hold and that the report shows in use since the file's date.
    let used = (keys.iter().rev())
        .filter(|k| older_than(k))
        .find_map(|k| k.last_used.filter(|t| *t > stamp.modified).map(|t| (*k, t)));
    let (severity, what) = match (every, used) {
        (true, None) => (
            Severity::Error,
            "before every active key was created: CI holds a key the account no longer has, and deploys fail with UnrecognizedClientException".to_owned(),
        ),
        (true, Some((key, at))) => (
            Severity::Error,
            format!(
                "before every active key was created, so it holds a key the account no longer has; yet {} was used at {at}, after that: something holds newer credentials than git, so CI may hold a newer copy, and deploys that decrypt the copy in git fail with UnrecognizedClientException",
                key.label()
            ),
        ),
        (false, None) => (
            Severity::Warning,
            "before the newer active key was created: the rotation was not re-encrypted, and CI breaks when the older key is deleted".to_owned(),
        ),
        (false, Some((key, at))) => (
            Severity::Warning,
            format!(
                "before the newer active key was created, so it holds the older one; yet {} was used at {at}, after that: CI may hold a newer copy than git, and the copy in git breaks deploys once the older key is deleted",
                key.label()
            ),
        ),
    };
    let keys_text: Vec<String> = keys.iter().map(|k| describe(k)).collect();
    let reencrypt = if keys.len() >= 2 {
        format!(
            "re-encrypt the credentials of {} with sops (`terraform output -raw continuous_deployer_creds`), commit and deploy, then delete the older key",
            newest.label()
        )
    } else {
        "re-encrypt the active key's credentials with sops (`terraform output -raw continuous_deployer_creds`), commit and deploy".to_owned()
    };
    let help = match used {
        None => reencrypt,
        Some((key, _)) => format!(
            "check which key CI holds (`sops -d {} | smce-guard verify-key {}`): if it is {}, commit the copy CI holds so git has it too; otherwise {reencrypt}",
            crate::base::shell::quote(&stamp.file),
            crate::base::shell::option("--account", &cx.policy.account.name),
            key.label()
        ),
    };
    out.push(
        cx.finding(
            Route::of(["deployer", "user"]),
            format!(
                "{} was re-encrypted at {}, {what} (keys: {})",
                stamp.file,
                stamp.modified,
                keys_text.join(", ")
            ),
        )
        .with_severity(severity)
        .for_principal(subject.name.unwrap_or_default())
        .with_label("the credentials in git predate this user's key")
        .with_help(help)
        .with_detail("credentials_file", stamp.file.clone())
        .with_detail("lastmodified", stamp.modified.to_string())
        .with_detail("newest_key", newest.label())
        .with_detail("used_since", used.map(|(key, _)| key.label())),
    );
}
