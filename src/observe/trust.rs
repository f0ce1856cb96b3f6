//! Role trust policies (`AssumeRolePolicyDocument`): who may assume a role. Read as the policy
//! documents are, from a JSON object (the AWS CLI) or a URL-encoded string (the API), keeping
//! each statement's effect, federated principals and actions, which is what tells a permission
//! set's role (trusted through the account's IAM Identity Center SAML provider) from any other.
//!
//! Read leniently in shape (a trust policy may name AWS, Service or CanonicalUser principals
//! and conditions, which no rule reads) but strictly in meaning: a document that is not JSON, has
//! no statement or an effect other than Allow or Deny is refused, never read as trusting nobody.

use super::ParseError;
use super::document::Patterns;
use super::model::TrustStatement;
use serde_json::Value;

/// Parses a trust policy given as the recording holds it: an object, or a URL-encoded string.
pub fn parse(raw: &Value) -> Result<Vec<TrustStatement>, ParseError> {
    let decoded;
    let document = match raw {
        Value::String(text) => {
            let json = super::document::json_text(text)?;
            decoded = serde_json::from_str::<Value>(&json)
                .map_err(|e| ParseError::new(format!("the trust policy is not JSON: {e}"), None))?;
            &decoded
        }
        other => other,
    };
    let statements = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => {
            return Err(ParseError::new(
                "the trust policy has no Statement object or list",
                None,
            ));
        }
    };
    statements.into_iter().map(statement).collect()
}

fn statement(value: &Value) -> Result<TrustStatement, ParseError> {
    let allow = match value.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        other => {
            return Err(ParseError::new(
                format!(
                    "a trust statement's Effect must be Allow or Deny, found `{}`",
                    other.unwrap_or("")
                ),
                None,
            ));
        }
    };
    // `NotPrincipal` trusts everyone but what it names: no provider is trusted by name.
    let federated = match value.get("Principal") {
        Some(Value::Object(principals)) => strings(principals.get("Federated"))?,
        _ => Vec::new(),
    };
    let actions = match (value.get("Action"), value.get("NotAction")) {
        (Some(only), None) => Patterns::Only(strings(Some(only))?),
        (None, Some(all_but)) => Patterns::AllBut(strings(Some(all_but))?),
        (None, None) => Patterns::Only(Vec::new()),
        (Some(_), Some(_)) => {
            return Err(ParseError::new(
                "a trust statement has both Action and NotAction",
                None,
            ));
        }
    };
    Ok(TrustStatement {
        allow,
        federated,
        actions,
    })
}

/// IAM's "a string or a list of strings".
fn strings(value: Option<&Value>) -> Result<Vec<String>, ParseError> {
    let bad = || {
        ParseError::new(
            "a trust principal or action must be a string or a list",
            None,
        )
    };
    match value {
        None => Ok(Vec::new()),
        Some(Value::String(one)) => Ok(vec![one.clone()]),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
            .collect(),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROVIDER: &str =
        "arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE";

    #[test]
    fn an_sso_trust_policy_reads_alike_as_object_and_url_encoded() {
        let object = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
        }]});
        let encoded: String = object
            .to_string()
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let read = parse(&object).unwrap();
        assert_eq!(read, parse(&Value::String(encoded)).unwrap());
        assert_eq!(
            read,
            [TrustStatement {
                allow: true,
                federated: vec![PROVIDER.to_owned()],
                actions: Patterns::Only(vec![
                    "sts:AssumeRoleWithSAML".into(),
                    "sts:TagSession".into()
                ]),
            }]
        );
    }

    #[test]
    fn service_principals_and_not_principal_trust_no_provider() {
        let service = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}});
        assert_eq!(parse(&service).unwrap()[0].federated, Vec::<String>::new());
        let not = json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"Federated": PROVIDER}, "Action": "sts:AssumeRoleWithSAML"}});
        assert_eq!(parse(&not).unwrap()[0].federated, Vec::<String>::new());
    }

    #[test]
    fn broken_trust_policies_are_refused() {
        for broken in [
            json!("%7Bnot json"),
            json!({"Statements": []}),
            json!({"Statement": {"Effect": "Maybe", "Action": "sts:AssumeRole"}}),
            json!({"Statement": {"Effect": "Allow", "Principal": {"Federated": 7}}}),
            json!({"Statement": {"Effect": "Allow", "Action": "a:b", "NotAction": "c:d"}}),
        ] {
            assert!(parse(&broken).is_err(), "{broken}");
        }
    }
}
