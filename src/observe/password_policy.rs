//! `password-policy.json`: what `aws iam get-account-password-policy` prints, or
//! `{"PasswordPolicy": null}` for an account without one (IAM answers `NoSuchEntity`, which the
//! CLI prints as an error, so the recorder writes this in its place).

use super::ParseError;
use super::model::PasswordPolicy;
use serde::Deserialize;

/// The file. `PasswordPolicy` must be there (null or an object): `{}` says nothing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "PasswordPolicy", deserialize_with = "Option::deserialize")]
    policy: Option<Fields>,
}

/// Every field `GetAccountPasswordPolicy` returns. An unknown one is refused rather than skipped:
/// a misspelt `MaxPasswordAge` would otherwise read as passwords that never expire.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
#[allow(dead_code)] // Read for their types only: the rules need the expiry alone.
struct Fields {
    minimum_password_length: Option<u32>,
    require_symbols: Option<bool>,
    require_numbers: Option<bool>,
    require_uppercase_characters: Option<bool>,
    require_lowercase_characters: Option<bool>,
    allow_users_to_change_password: Option<bool>,
    expire_passwords: Option<bool>,
    max_password_age: Option<u32>,
    password_reuse_prevention: Option<u32>,
    hard_expiry: Option<bool>,
}

/// IAM's bound for `MaxPasswordAge`, in days. 0 is what UpdateAccountPasswordPolicy takes for
/// "never expire" (and what moto answers when it was not set), so it reads as no expiry.
const MAX_AGE_DAYS: u32 = 1095;

/// Parses the file's text.
pub fn parse(text: &str) -> Result<PasswordPolicy, ParseError> {
    let file: File = super::json_object(text)?;
    let Some(fields) = file.policy else {
        return Ok(PasswordPolicy::None);
    };
    if let Some(age) = fields.max_password_age.filter(|a| *a > MAX_AGE_DAYS) {
        let offset = text.find("\"MaxPasswordAge\"");
        return Err(ParseError::new(
            format!("MaxPasswordAge is {age}; IAM allows at most {MAX_AGE_DAYS} days"),
            offset,
        ));
    }
    // `ExpirePasswords` is what IAM derives from `MaxPasswordAge`; false wins when they disagree.
    let max_password_age = fields
        .max_password_age
        .filter(|age| *age > 0 && fields.expire_passwords != Some(false));
    Ok(PasswordPolicy::Some { max_password_age })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(text: &str) -> PasswordPolicy {
        parse(text).unwrap()
    }

    #[test]
    fn reads_the_cli_output_and_no_policy() {
        let cli = r#"{
    "PasswordPolicy": {
        "MinimumPasswordLength": 14,
        "RequireSymbols": true,
        "RequireNumbers": true,
        "RequireUppercaseCharacters": true,
        "RequireLowercaseCharacters": true,
        "AllowUsersToChangePassword": true,
        "ExpirePasswords": true,
        "MaxPasswordAge": 60,
        "PasswordReusePrevention": 24,
        "HardExpiry": false
    }
}"#;
        let some = |days| PasswordPolicy::Some {
            max_password_age: days,
        };
        assert_eq!(age(cli), some(Some(60)));
        assert_eq!(age(r#"{"PasswordPolicy": null}"#), PasswordPolicy::None);
        let never = r#"{"PasswordPolicy": {"MinimumPasswordLength": 8, "ExpirePasswords": false}}"#;
        assert_eq!(age(never), some(None));
        let off = r#"{"PasswordPolicy": {"ExpirePasswords": false, "MaxPasswordAge": 90}}"#;
        assert_eq!(age(off), some(None));
        let zero = r#"{"PasswordPolicy": {"ExpirePasswords": false, "MaxPasswordAge": 0}}"#;
        assert_eq!(age(zero), some(None));
        assert_eq!(
            age(r#"{"PasswordPolicy": {"MaxPasswordAge": 90}}"#),
            some(Some(90))
        );
    }

    #[test]
    fn unknown_shapes_are_refused_at_their_place() {
        let at = |text: &str| {
            let error = parse(text).unwrap_err();
            (error.offset, error.message)
        };
        let (offset, message) = at("{\n  \"PasswordPolicy\": {\"MaxPaswordAge\": 60}\n}");
        assert_eq!(offset, Some(37), "{message}");
        assert!(message.contains("MaxPaswordAge"), "{message}");
        let (_, message) = at("{}");
        assert!(message.contains("PasswordPolicy"), "{message}");
        let (_, message) = at(r#"{"PasswordPolicy": {"MaxPasswordAge": "60"}}"#);
        assert!(message.contains("invalid type"), "{message}");
        let (offset, message) = at(r#"{"PasswordPolicy": {"MaxPasswordAge": 1096}}"#);
        assert_eq!(offset, Some(20), "{message}");
        let (offset, _) = at("[]");
        assert_eq!(offset, Some(0));
        let (_, message) = at(r#"{"PasswordPolicy": null, "IsTruncated": false}"#);
        assert!(message.contains("IsTruncated"), "{message}");
    }
}
