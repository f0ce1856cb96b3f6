//! The request context: what is known of each condition key of one request. The CI request's
//! context ([`RequestContext::ci`]) is fixed by [`CI_CONTEXT`], the table `docs/access.md`
//! prints; what the team knows of its CI requests (`deployer.context`) and what `access
//! --context` says are pinned over it. Every other key is unknown: any value, or absent.
//!
//! Keys compare without regard to case, as IAM compares them (AWS, "IAM JSON policy elements:
//! Condition": "Condition key names are not case-sensitive").

use crate::base::ci_context::CI_CONTEXT;
use crate::observe::User;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// What is known of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Known: absent (`None`) or these values (one for a single-valued key).
    Known(Option<Vec<String>>),
    /// Present, with one of these values: a single-valued key the team pinned to a set (CIDR
    /// ranges stand for each of their addresses).
    OneOf(Vec<String>),
    /// Nothing is known: absent, or any value.
    Unknown,
}

/// Where a fact comes from, for the reader of a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// The CI context's fixed rule (its words in [`CI_CONTEXT`]).
    Fixed(&'static str),
    /// Pinned by the policy's `deployer.context`.
    Pinned,
    /// Given on the command line (`access --context`).
    Given,
}

/// One known (or pinned) key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key as written where it was set.
    pub key: String,
    pub fact: Fact,
    pub why: Why,
}

/// The keys whose request value may hold several values (AWS: "Single-valued vs. multivalued
/// context keys"; the global keys of type `ArrayOf...`). A service key is read as multivalued
/// where a policy tests it with `ForAnyValue:` or `ForAllValues:`.
pub const MULTIVALUED: &[&str] = &[
    "aws:calledvia",
    "aws:principalorgpaths",
    "aws:principalservicenameslist",
    "aws:resourceorgpaths",
    "aws:sourceorgpaths",
    "aws:tagkeys",
    "aws:vpceorgpaths",
];

pub fn is_multivalued(key: &str) -> bool {
    MULTIVALUED.contains(&key.to_ascii_lowercase().as_str())
}

/// The keys of one request.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// Known and pinned keys by their lower-case name.
    entries: BTreeMap<String, Entry>,
    /// Whether this is a CI context: a tag the recorded user lacks, and every `aws:CalledVia...`
    /// key, is then absent rather than unknown.
    ci: bool,
}

impl RequestContext {
    /// A context in which every key is unknown.
    pub fn unknown() -> Self {
        RequestContext::default()
    }

    /// The context of a CI request by `user` of `account` in `region` at `now`.
    pub fn ci(user: &User, account: &str, region: &str, now: Timestamp) -> Self {
        let mut cx = RequestContext {
            ci: true,
            ..Self::default()
        };
        let why = |key: &str| {
            let row = CI_CONTEXT
                .iter()
                .find(|(k, _, _)| k.split(", ").any(|k| k == key));
            Why::Fixed(row.map_or("", |r| r.2))
        };
        let mut set = |key: &str, value: Option<String>| {
            let why = why(key);
            cx.set(key, Fact::Known(value.map(|v| vec![v])), why);
        };
        for key in [
            "aws:MultiFactorAuthPresent",
            "aws:MultiFactorAuthAge",
            "aws:TokenIssueTime",
            "aws:CalledVia",
            "aws:CalledViaFirst",
            "aws:CalledViaLast",
        ] {
            set(key, None);
        }
        set("aws:SecureTransport", Some("true".into()));
        set("aws:ViaAWSService", Some("false".into()));
        set("aws:PrincipalIsAWSService", Some("false".into()));
        set("aws:PrincipalType", Some("User".into()));
        set("aws:username", Some(user.name.clone()));
        set("aws:PrincipalArn", Some(user.arn.clone()));
        let principal = crate::base::arn::account_of(&user.arn).unwrap_or(account);
        set("aws:PrincipalAccount", Some(principal.to_owned()));
        set("aws:RequestedRegion", Some(region.to_owned()));
        set("aws:CurrentTime", Some(now.to_string()));
        set("aws:EpochTime", Some(now.as_second().to_string()));
        set("aws:ResourceAccount", Some(account.to_owned()));
        if let Some(id) = &user.id {
            set("aws:userid", Some(id.clone()));
        }
        for (tag, value) in &user.tags {
            let key = format!("aws:PrincipalTag/{tag}");
            let why = why("aws:PrincipalTag/KEY");
            cx.set(&key, Fact::Known(Some(vec![value.clone()])), why);
        }
        cx
    }

    /// Sets what is known of `key`.
    pub fn set(&mut self, key: &str, fact: Fact, why: Why) {
        self.entries.insert(
            key.to_ascii_lowercase(),
            Entry {
                key: key.to_owned(),
                fact,
                why,
            },
        );
    }

    /// Pins `key` to `values` (the team's knowledge, or the command line's): none makes it
    /// absent; a multivalued key has exactly these values; a single-valued key one of them.
    pub fn pin(&mut self, key: &str, values: &[String], why: Why) {
        let fact = match values {
            [] => Fact::Known(None),
            _ if is_multivalued(key) => Fact::Known(Some(values.to_vec())),
            [one] if super::values::range(one).is_none_or(|r| r.single()) => {
                Fact::Known(Some(vec![one.clone()]))
            }
            _ => Fact::OneOf(values.to_vec()),
        };
        self.set(key, fact, why);
    }

    /// What is known of `key`.
    pub fn fact(&self, key: &str) -> Fact {
        let lower = key.to_ascii_lowercase();
        if let Some(entry) = self.entries.get(&lower) {
            return entry.fact.clone();
        }
        // Every `aws:CalledVia...` key is absent for a call nobody made on CI's behalf.
        if self.ci && (lower.starts_with("aws:principaltag/") || lower.starts_with("aws:calledvia"))
        {
            return Fact::Known(None);
        }
        Fact::Unknown
    }

    /// The entry for `key`, when it is known or pinned.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.get(&key.to_ascii_lowercase())
    }

    /// Every known or pinned key, by name.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }
}
