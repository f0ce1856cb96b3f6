//! IAM policy documents: read from JSON objects (as the AWS CLI prints them) or URL-encoded strings
//! (as the API sends them), with `Statement`, `Action`, `Resource` and their `Not` forms accepted
//! as a single value or a list.

use super::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The policy language version (`2012-10-17`, `2008-10-17`), if the document names one. Only
    /// `2012-10-17` gives `${...}` a meaning; the engine resolves variables per user.
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// A document granting nothing, for a source whose document the recording lacks (a static, so
/// callers can borrow it for as long as the recorded ones).
pub static EMPTY: Document = Document {
    version: None,
    statements: Vec::new(),
};

impl Document {
    /// Whether `${...}` in its resources is a policy variable (version 2012-10-17) rather than
    /// literal text (2008-10-17, or no version), as IAM reads it.
    pub fn has_variables(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    pub actions: Patterns,
    pub resources: Patterns,
    /// The statement's `Condition` block, one entry per operator and key (sorted by operator, then key).
    pub conditions: Vec<Condition>,
}

/// One test of a statement's `Condition`: `{"Bool": {"aws:MultiFactorAuthPresent": "false"}}` is
/// the operator `Bool`, the key `aws:MultiFactorAuthPresent` and the values `["false"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    /// The values as written; booleans and numbers as their JSON text.
    pub values: Vec<String>,
}

/// A statement's `Action`/`Resource` (what it names) or `NotAction`/`NotResource` (everything but
/// what it names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    Only(Vec<String>),
    AllBut(Vec<String>),
}

impl Statement {
    pub fn has_condition(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// How reports name the statement: its Sid, or its position.
    pub fn label(&self, index: usize) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
            _ => format!("statement #{index}"),
        }
    }
}

impl Document {
    /// Parses a document as text: JSON, or URL-encoded JSON as GetAccountAuthorizationDetails
    /// sends it.
    pub fn from_text(text: &str) -> Result<Self, ParseError> {
        let json = json_text(text)?;
        let policy: RawPolicy = serde_json::from_str(&json)
            .map_err(|e| ParseError::new(format!("the policy document is not JSON: {e}"), None))?;
        Self::from_policy(policy)
    }
}

/// The JSON text of a document given as text: itself when it is JSON already, else URL-decoded
/// (GetAccountAuthorizationDetails sends documents URL-encoded). Shared with trust policies.
pub(super) fn json_text(text: &str) -> Result<std::borrow::Cow<'_, str>, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return Ok(std::borrow::Cow::Borrowed(trimmed));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| ParseError::new("the URL-encoded policy document is not UTF-8", None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize as _;
    use serde_json::Value;

    /// A document given as a JSON value: an object, or a (possibly URL-encoded) string.
    fn from_value(value: &Value) -> Result<Document, ParseError> {
        Document::from_raw(
            RawDocument::deserialize(value).map_err(|e| ParseError::new(e.to_string(), None))?,
        )
    }

    #[test]
    fn url_encoded_and_object_documents_agree() {
        let object = serde_json::json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":["arn:aws:eks:us-west-2:1:cluster/x"]}});
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22eks%3ADescribeCluster%22%2C%22Resource%22%3A%5B%22arn%3Aaws%3Aeks%3Aus-west-2%3A1%3Acluster%2Fx%22%5D%7D%7D";
        let a = from_value(&object).unwrap();
        let b = from_value(&Value::from(encoded)).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.statements[0].actions,
            Patterns::Only(vec!["eks:DescribeCluster".into()])
        );
    }

    #[test]
    fn version_and_condition_keys_are_kept() {
        let doc = from_value(&serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": false}, "StringNotEquals": {"aws:RequestedRegion": ["us-west-2", "us-east-1"]}}}]})).unwrap();
        assert!(doc.has_variables());
        assert_eq!(
            doc.statements[0].conditions,
            vec![
                Condition {
                    operator: "BoolIfExists".into(),
                    key: "aws:MultiFactorAuthPresent".into(),
                    values: vec!["false".into()],
                },
                Condition {
                    operator: "StringNotEquals".into(),
                    key: "aws:RequestedRegion".into(),
                    values: vec!["us-west-2".into(), "us-east-1".into()],
                },
            ]
        );
        let old = from_value(&serde_json::json!({"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})).unwrap();
        assert!(!old.has_variables() && !old.statements[0].has_condition());
    }

    #[test]
    fn not_action_and_bad_effect() {
        let doc = from_value(&serde_json::json!({"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]})).unwrap();
        assert_eq!(
            doc.statements[0].actions,
            Patterns::AllBut(vec!["iam:*".into()])
        );
        assert!(from_value(&serde_json::json!({"Statement":[{"Effect":"Maybe"}]})).is_err());
    }
}

/// A policy document as recorded, read without building a JSON tree: either the URL-encoded string
/// the API sends or the object the CLI prints, with statements typed. Meaning (the effect, the
/// `Not` forms) is checked by [`Document::from_raw`], where the caller can name the policy.
#[derive(Debug, Clone)]
pub enum RawDocument {
    Encoded(String),
    Object(RawPolicy),
}

/// IAM's policy grammar: a misspelt or missing `Statement` is refused rather than read as
/// granting nothing, which would hide whatever the document really grants.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RawPolicy {
    /// Kept: it decides whether `${...}` is a variable.
    #[serde(default)]
    version: Option<String>,
    // Accepted, not used: it does not change what the statements grant.
    #[serde(rename = "Id", default)]
    _id: Option<serde::de::IgnoredAny>,
    statement: OneOrMany<RawStatement>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RawStatement {
    #[serde(default)]
    sid: Option<String>,
    #[serde(default)]
    effect: Option<String>,
    #[serde(default)]
    action: Option<OneOrMany<String>>,
    #[serde(default)]
    not_action: Option<OneOrMany<String>>,
    #[serde(default)]
    resource: Option<OneOrMany<String>>,
    #[serde(default)]
    not_resource: Option<OneOrMany<String>>,
    /// Read as any JSON: its operators and keys are kept for reports; an odd shape is kept as
    /// far as it goes rather than refused, since conditions never widen what the matcher credits.
    #[serde(default)]
    condition: Option<serde_json::Value>,
}

/// IAM's "a value or a list of values".
#[derive(Debug, Clone)]
struct OneOrMany<T>(Vec<T>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(serde::de::value::StrDeserializer::new(v))
                    .map(|t| OneOrMany(vec![t]))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|t| OneOrMany(vec![t]))
            }
        }
        deserializer.deserialize_any(Visit(std::marker::PhantomData))
    }
}

impl<'de> serde::Deserialize<'de> for RawDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawDocument;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a policy document (a JSON object or a URL-encoded string)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawDocument::Encoded(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawDocument::Object)
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl Document {
    /// Checks a recorded document's meaning and builds the model.
    pub fn from_raw(raw: RawDocument) -> Result<Self, ParseError> {
        match raw {
            RawDocument::Encoded(text) => Self::from_text(&text),
            RawDocument::Object(policy) => Self::from_policy(policy),
        }
    }

    fn from_policy(policy: RawPolicy) -> Result<Self, ParseError> {
        let statements = policy
            .statement
            .0
            .into_iter()
            .map(|s| {
                let allow = match s.effect.as_deref().unwrap_or("") {
                    "Allow" => true,
                    "Deny" => false,
                    other => {
                        return Err(ParseError::new(
                            format!("a statement's Effect must be Allow or Deny, found `{other}`"),
                            None,
                        ));
                    }
                };
                let pair = |only: Option<OneOrMany<String>>,
                            all_but: Option<OneOrMany<String>>,
                            names: (&str, &str)| match (only, all_but) {
                    (Some(v), None) => Ok(Patterns::Only(v.0)),
                    (None, Some(v)) => Ok(Patterns::AllBut(v.0)),
                    // IAM rejects both or neither; read "neither" as everything so nothing is hidden.
                    (None, None) => Ok(Patterns::Only(vec!["*".to_owned()])),
                    (Some(_), Some(_)) => Err(ParseError::new(
                        format!("a statement has both {} and {}", names.0, names.1),
                        None,
                    )),
                };
                Ok(Statement {
                    sid: s.sid,
                    allow,
                    actions: pair(s.action, s.not_action, ("Action", "NotAction"))?,
                    resources: pair(s.resource, s.not_resource, ("Resource", "NotResource"))?,
                    conditions: s.condition.as_ref().map(conditions).unwrap_or_default(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Document {
            version: policy.version,
            statements,
        })
    }
}

/// A `Condition` block as a list of tests. IAM's shape is `{operator: {key: value or values}}`;
/// anything else still yields an entry, so a statement with a condition never reads as
/// unconditional.
fn conditions(block: &serde_json::Value) -> Vec<Condition> {
    use serde_json::Value;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let values = |v: &Value| match v {
        Value::Array(items) => items.iter().map(text).collect(),
        other => vec![text(other)],
    };
    let Value::Object(operators) = block else {
        return vec![Condition {
            operator: "?".to_owned(),
            key: "?".to_owned(),
            values: values(block),
        }];
    };
    let mut out = Vec::new();
    for (operator, tests) in operators {
        match tests {
            Value::Object(keys) => out.extend(keys.iter().map(|(key, v)| Condition {
                operator: operator.clone(),
                key: key.clone(),
                values: values(v),
            })),
            other => out.push(Condition {
                operator: operator.clone(),
                key: "?".to_owned(),
                values: values(other),
            }),
        }
    }
    out
}
