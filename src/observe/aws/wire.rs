//! SDK outputs written in the AWS CLI's shapes, so that a live read and a recording are the
//! same documents: `check --live` parses exactly what `snapshot` writes.

use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types::{
    AccessKeyMetadata, AttachedPolicy, GroupDetail, ManagedPolicyDetail, PasswordPolicy,
    PolicyDetail, RoleDetail, UserDetail,
};
use serde_json::{Map, Value, json};

/// An instant as the CLI prints it (RFC 3339, UTC).
pub fn date(value: Option<&DateTime>) -> Value {
    value
        .and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
        .map_or(Value::Null, Value::String)
}

/// A policy document as the CLI prints it: URL-decoded into a JSON object. A document that does
/// not decode is kept as the string the API sent, which the reader reports at its place.
pub fn document(encoded: Option<&str>) -> Value {
    let Some(encoded) = encoded else {
        return Value::Null;
    };
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .unwrap_or_else(|| Value::String(encoded.to_owned()))
}

/// Drops null fields, as the CLI omits absent members.
fn object(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

fn inline(list: &[PolicyDetail]) -> Vec<Value> {
    list.iter().map(|p| json!({ "PolicyName": p.policy_name(), "PolicyDocument": document(p.policy_document()) })).collect()
}

fn attached(list: &[AttachedPolicy]) -> Vec<Value> {
    list.iter()
        .map(|p| object(json!({ "PolicyName": p.policy_name(), "PolicyArn": p.policy_arn() })))
        .collect()
}

pub fn user(u: &UserDetail) -> Value {
    object(json!({
        "Path": u.path(),
        "UserName": u.user_name(),
        "UserId": u.user_id(),
        "Arn": u.arn(),
        "CreateDate": date(u.create_date()),
        "UserPolicyList": inline(u.user_policy_list()),
        "GroupList": u.group_list(),
        "AttachedManagedPolicies": attached(u.attached_managed_policies()),
        "Tags": u.tags().iter().map(|t| json!({ "Key": t.key(), "Value": t.value() })).collect::<Vec<_>>(),
    }))
}

pub fn group(g: &GroupDetail) -> Value {
    object(json!({
        "Path": g.path(),
        "GroupName": g.group_name(),
        "GroupId": g.group_id(),
        "Arn": g.arn(),
        "CreateDate": date(g.create_date()),
        "GroupPolicyList": inline(g.group_policy_list()),
        "AttachedManagedPolicies": attached(g.attached_managed_policies()),
    }))
}

/// A role as the CLI prints it, with what the permission-set rules read: its path, trust policy
/// (decoded) and policies. Instance profiles, tags and last use are left out.
pub fn role(r: &RoleDetail) -> Value {
    object(json!({
        "Path": r.path(),
        "RoleName": r.role_name(),
        "RoleId": r.role_id(),
        "Arn": r.arn(),
        "CreateDate": date(r.create_date()),
        "AssumeRolePolicyDocument": document(r.assume_role_policy_document()),
        "RolePolicyList": inline(r.role_policy_list()),
        "AttachedManagedPolicies": attached(r.attached_managed_policies()),
    }))
}

pub fn policy(p: &ManagedPolicyDetail) -> Value {
    object(json!({
        "PolicyName": p.policy_name(),
        "PolicyId": p.policy_id(),
        "Arn": p.arn(),
        "Path": p.path(),
        "DefaultVersionId": p.default_version_id(),
        "AttachmentCount": p.attachment_count(),
        "IsAttachable": p.is_attachable(),
        "CreateDate": date(p.create_date()),
        "UpdateDate": date(p.update_date()),
        "PolicyVersionList": p.policy_version_list().iter().map(|v| object(json!({
            "Document": document(v.document()),
            "VersionId": v.version_id(),
            "IsDefaultVersion": v.is_default_version(),
            "CreateDate": date(v.create_date()),
        }))).collect::<Vec<_>>(),
    }))
}

pub fn authorization_details(
    users: &[UserDetail],
    groups: &[GroupDetail],
    roles: &[RoleDetail],
    policies: &[ManagedPolicyDetail],
) -> String {
    let document = json!({
        "UserDetailList": users.iter().map(user).collect::<Vec<_>>(),
        "GroupDetailList": groups.iter().map(group).collect::<Vec<_>>(),
        "RoleDetailList": roles.iter().map(role).collect::<Vec<_>>(),
        "Policies": policies.iter().map(policy).collect::<Vec<_>>(),
    });
    pretty(&document)
}

/// The entity types the live reader asks GetAccountAuthorizationDetails for (no filter: all of
/// them), as `snapshot.json` records them.
pub const ENTITIES_READ: &[&str] = crate::observe::snapshot::ENTITIES;

pub fn access_keys(keys: &[AccessKeyMetadata]) -> String {
    let keys: Vec<Value> = keys
        .iter()
        .map(|k| {
            object(json!({
                "UserName": k.user_name(),
                "AccessKeyId": k.access_key_id(),
                "Status": k.status().map(|s| s.as_str()),
                "CreateDate": date(k.create_date()),
            }))
        })
        .collect();
    pretty(&json!({ "AccessKeyMetadata": keys }))
}

/// `get-account-password-policy` as the CLI prints it, in its field order; `None` (the account has
/// no policy) as `{"PasswordPolicy": null}`, what the recipe writes in place of the CLI's error.
pub fn password_policy(policy: Option<&PasswordPolicy>) -> String {
    let policy = policy.map(|p| {
        object(json!({
            "MinimumPasswordLength": p.minimum_password_length(),
            "RequireSymbols": p.require_symbols(),
            "RequireNumbers": p.require_numbers(),
            "RequireUppercaseCharacters": p.require_uppercase_characters(),
            "RequireLowercaseCharacters": p.require_lowercase_characters(),
            "AllowUsersToChangePassword": p.allow_users_to_change_password(),
            "ExpirePasswords": p.expire_passwords(),
            "MaxPasswordAge": p.max_password_age(),
            "PasswordReusePrevention": p.password_reuse_prevention(),
            "HardExpiry": p.hard_expiry(),
        }))
    });
    pretty(&json!({ "PasswordPolicy": policy }))
}

pub fn snapshot(
    account_id: &str,
    captured_at: jiff::Timestamp,
    source: &str,
    alias: Option<&str>,
) -> String {
    pretty(&object(json!({
        "account_id": account_id,
        "captured_at": captured_at.to_string(),
        "source": source,
        "account_alias": alias,
        "entities": ENTITIES_READ,
    })))
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("plain JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_decoded_like_the_cli_does() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            document(Some(encoded)),
            json!({"Version": "2012-10-17", "Statement": []})
        );
        assert_eq!(document(Some("%7Bbroken")), json!("%7Bbroken"));
        assert_eq!(document(None), Value::Null);
    }

    #[test]
    fn password_policies_print_like_the_cli_and_read_back() {
        use crate::observe::{model, password_policy};
        let none = password_policy(None);
        assert_eq!(none, "{\n  \"PasswordPolicy\": null\n}\n");
        assert_eq!(
            password_policy::parse(&none).unwrap(),
            model::PasswordPolicy::None
        );
        let policy = PasswordPolicy::builder()
            .minimum_password_length(14)
            .expire_passwords(true)
            .max_password_age(90)
            .build();
        let text = password_policy(Some(&policy));
        assert!(
            text.contains("\"MaxPasswordAge\": 90") && !text.contains("PasswordReusePrevention"),
            "{text}"
        );
        assert_eq!(
            password_policy::parse(&text).unwrap(),
            model::PasswordPolicy::Some {
                max_password_age: Some(90)
            }
        );
    }

    #[test]
    fn dates_print_as_rfc3339() {
        let when = DateTime::from_secs(1_790_000_000);
        assert_eq!(date(Some(&when)), json!("2026-09-21T14:13:20Z"));
    }
}
