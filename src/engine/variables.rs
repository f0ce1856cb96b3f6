//! IAM policy variables (`${aws:username}`, ...) in the resources of documents of version
//! 2012-10-17, resolved for one user, the deployer.
//!
//! What the deployer's own request context fixes is substituted: its name, id, account, type and
//! tags, the escapes `${*}`, `${?}` and `${$}`, and a `${KEY, 'default'}` whose key is unknown
//! takes its default. Any other variable depends on the request (`aws:SourceIdentity`,
//! `aws:RequestedRegion`, ...) and stays unknown; it is read so that each answer stays sound:
//! as matching anything where the question is what a statement may grant or deny
//! ([`Reading::Widest`]), and as matching nothing where it is what a statement surely grants
//! ([`Reading::Narrowest`]). Documents of version 2008-10-17 (or none) read `${` literally.

use crate::observe::User;
use crate::observe::document::{Document, Patterns, Statement};
use std::borrow::Cow;

/// The literal `*` and `?` of `${*}` and `${?}` (and of substituted values), kept apart from the
/// glob wildcards: characters of Unicode's private use area, which no ARN holds, so a literal
/// matches only itself and is covered only by a wildcard.
pub const LITERAL_STAR: char = '\u{F8F0}';
pub const LITERAL_QUESTION: char = '\u{F8F1}';

/// The deployer's request context: what it fixes whatever the request.
pub struct Principal<'a> {
    pub user: &'a User,
    /// The account the user lives in: its ARN's, else the policy's `account.id`.
    pub account: &'a str,
}

/// How an unknown variable is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Every pattern may match more than it says: for excess and Deny, never under-reported.
    Widest,
    /// Every pattern matches only what it surely matches: for what is granted.
    Narrowest,
}

impl<'a> Principal<'a> {
    /// `user`'s context in the account `declared` (the policy's `account.id`), used when the
    /// user's ARN names none.
    pub fn of(user: &'a User, declared: &'a str) -> Self {
        Principal {
            user,
            account: crate::base::arn::account_of(&user.arn).unwrap_or(declared),
        }
    }

    /// The value of a variable's key, if the deployer's context fixes it. Keys compare without
    /// regard to case, as IAM compares them.
    fn value(&self, key: &str) -> Option<String> {
        let lower = key.to_ascii_lowercase();
        match lower.as_str() {
            "aws:username" => Some(self.user.name.clone()),
            "aws:userid" => self.user.id.clone(),
            "aws:principalaccount" => Some(self.account.to_owned()),
            "aws:principaltype" => Some("User".to_owned()),
            _ => {
                let tag = lower.strip_prefix("aws:principaltag/")?;
                // IAM refuses two tags of one user that differ only in case.
                (self.user.tags.iter())
                    .find(|(k, _)| k.eq_ignore_ascii_case(tag))
                    .map(|(_, v)| v.clone())
            }
        }
    }
}

/// One piece of a resource pattern after resolution.
enum Piece {
    Text(String),
    Unknown,
}

/// A part of a pattern as IAM reads its `${...}`: text, one of the escapes `${*}`, `${?}` and
/// `${$}` (the character itself, never a wildcard), or a variable with its optional default
/// (`${aws:username, 'anonymous'}`). An unterminated `${` is text, as IAM would have refused a
/// malformed variable when the policy was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Escape(char),
    Variable {
        key: &'a str,
        default: Option<&'a str>,
    },
}

/// Splits `pattern` into its [`Part`]s.
pub fn parts(pattern: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            out.push(Part::Text(&rest[..start]));
        }
        let inner = &rest[start + 2..start + len];
        rest = &rest[start + len + 1..];
        let (key, default) = match inner.split_once(',') {
            Some((key, default)) => (key.trim(), Some(default.trim())),
            None => (inner.trim(), None),
        };
        let default = default.map(|d| {
            d.strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .unwrap_or(d)
        });
        out.push(match key {
            "*" => Part::Escape('*'),
            "?" => Part::Escape('?'),
            "$" => Part::Escape('$'),
            key => Part::Variable { key, default },
        });
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    out
}

/// The parts of a `Resource` pattern: variables resolve only in the resource portion of an
/// ARN, after its fifth colon; before it `${...}` is text ("IAM policy elements: Variables and
/// tags": "You can't use a variable to replace parts of the ARN before the fifth colon, such as
/// the service or account"). A pattern that is no ARN (`*`) has no such portion to protect.
pub fn resource_parts(pattern: &str) -> Vec<Part<'_>> {
    if !pattern.starts_with("arn:") {
        return parts(pattern);
    }
    // The fifth colon outside `${...}`.
    let (mut colons, mut inside) = (0, false);
    let bytes = pattern.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => inside = true,
            b'}' => inside = false,
            b':' if !inside => {
                colons += 1;
                if colons == 5 {
                    let mut out = vec![Part::Text(&pattern[..=i])];
                    out.extend(parts(&pattern[i + 1..]));
                    return out;
                }
            }
            _ => {}
        }
    }
    vec![Part::Text(pattern)]
}

/// Splits `pattern` into text and unknown variables for `who`.
fn pieces(pattern: &str, who: &Principal<'_>) -> Vec<Piece> {
    let literal = |s: &str| {
        s.replace('*', &LITERAL_STAR.to_string())
            .replace('?', &LITERAL_QUESTION.to_string())
    };
    resource_parts(pattern)
        .into_iter()
        .map(|part| match part {
            Part::Text(text) => Piece::Text(text.to_owned()),
            Part::Escape('*') => Piece::Text(LITERAL_STAR.to_string()),
            Part::Escape('?') => Piece::Text(LITERAL_QUESTION.to_string()),
            Part::Escape(c) => Piece::Text(c.to_string()),
            // A value is text: a `*` in a tag matches only a `*`.
            Part::Variable { key, default } => {
                (who.value(key).or_else(|| default.map(str::to_owned)))
                    .map_or(Piece::Unknown, |v| Piece::Text(literal(&v)))
            }
        })
        .collect()
}

/// One resource pattern resolved: `None` when, so read, it matches nothing.
fn resolve_one(pattern: &str, who: &Principal<'_>, unknown_matches_all: bool) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    for piece in pieces(pattern, who) {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Unknown if unknown_matches_all => out.push('*'),
            Piece::Unknown => return None,
        }
    }
    Some(out)
}

/// A statement of `document` with its resources resolved for `who`, read as `reading` says.
/// Unchanged (borrowed) when the document has no variables in that statement.
pub fn resolve<'s>(
    document: &Document,
    statement: &'s Statement,
    who: &Principal<'_>,
    reading: Reading,
) -> Cow<'s, Statement> {
    let list = match &statement.resources {
        Patterns::Only(list) | Patterns::AllBut(list) => list,
    };
    if !document.has_variables() || !list.iter().any(|r| r.contains("${")) {
        return Cow::Borrowed(statement);
    }
    // A `NotResource` entry excepts what it matches: reading it wider narrows the statement.
    let resources = match &statement.resources {
        Patterns::Only(list) => Patterns::Only(
            (list.iter())
                .filter_map(|r| resolve_one(r, who, reading == Reading::Widest))
                .collect(),
        ),
        Patterns::AllBut(list) => Patterns::AllBut(
            (list.iter())
                .filter_map(|r| resolve_one(r, who, reading == Reading::Narrowest))
                .collect(),
        ),
    };
    Cow::Owned(Statement {
        resources,
        ..statement.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user: &User) -> Principal<'_> {
        Principal {
            user,
            account: "111122223333",
        }
    }

    fn one(pattern: &str, user: &User, widest: bool) -> Option<String> {
        resolve_one(pattern, &who(user), widest)
    }

    #[test]
    fn the_deployers_context_is_substituted() {
        let user = User {
            name: "ci".into(),
            id: Some("AIDAEXAMPLE".into()),
            tags: vec![("Cluster".into(), "acme".into())],
            ..User::default()
        };
        let arn =
            "arn:aws:eks:us-west-2:${aws:PrincipalAccount}:cluster/${aws:PrincipalTag/cluster}";
        // Only the resource portion of an ARN (after its fifth `:`) takes variables; before it
        // `${...}` is text that names no account.
        assert_eq!(
            one(arn, &user, false).as_deref(),
            Some("arn:aws:eks:us-west-2:${aws:PrincipalAccount}:cluster/acme")
        );
        assert_eq!(
            one(
                "x/${aws:username}/${aws:userid}/${aws:PrincipalType}",
                &user,
                false
            )
            .as_deref(),
            Some("x/ci/AIDAEXAMPLE/User")
        );
        assert_eq!(
            one("a${*}b${?}c${$}", &user, false).as_deref(),
            Some("a\u{F8F0}b\u{F8F1}c$")
        );
        assert_eq!(
            one("c/${aws:PrincipalTag/team, 'hub'}", &user, false).as_deref(),
            Some("c/hub")
        );
        assert_eq!(
            one("c/${aws:PrincipalTag/cluster, 'hub'}", &user, false).as_deref(),
            Some("c/acme")
        );
    }

    #[test]
    fn unknown_variables_match_all_or_nothing() {
        let user = User::default();
        assert_eq!(
            one("r/${aws:SourceIdentity}/x", &user, true).as_deref(),
            Some("r/*/x")
        );
        assert_eq!(one("r/${aws:SourceIdentity}/x", &user, false), None);
        // No `userid` recorded: unknown, not empty.
        assert_eq!(one("r/${aws:userid}", &user, false), None);
        assert_eq!(
            one("r/${unclosed", &user, false).as_deref(),
            Some("r/${unclosed")
        );
    }
}
