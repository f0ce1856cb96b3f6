//! What `access` found: IAM's decision on one request of one user, with the statements that name
//! its action (each condition's evaluation), the unknown keys it turns on, and the request
//! context it was decided in.

use super::Verdict;
use jiff::Timestamp;

/// The answer, in the words `access` prints and its exit code is chosen by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessDecision {
    Allowed,
    /// An explicit Deny applies.
    Denied,
    /// No Allow applies (or the permissions boundary allows nothing of it).
    ImplicitlyDenied,
    /// Refused whatever the unknown keys are, but explicitly for some of their values and
    /// implicitly for others: exit 1 like either, never "uncertain", since no value allows it.
    Refused,
    /// Whether it is allowed depends on keys the request context does not fix.
    Uncertain,
}

impl AccessDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessDecision::Allowed => "allowed",
            AccessDecision::Denied => "denied",
            AccessDecision::ImplicitlyDenied => "implicitly-denied",
            AccessDecision::Refused => "refused",
            AccessDecision::Uncertain => "uncertain",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            AccessDecision::Allowed => "allowed",
            AccessDecision::Denied => "denied",
            AccessDecision::ImplicitlyDenied => "implicitly denied",
            AccessDecision::Refused => "denied or implicitly denied",
            AccessDecision::Uncertain => "uncertain",
        }
    }
}

/// One condition of a statement as evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionLine {
    /// As the policy writes it: `` `Bool aws:MultiFactorAuthPresent true` ``.
    pub text: String,
    /// `true`, `false` or `uncertain`.
    pub holds: &'static str,
    /// Why, in the request's context.
    pub why: String,
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

/// One statement that names the request's action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    /// `inline policy `eks-readonly``, `permissions boundary `arn...``, ...
    pub policy: String,
    /// `statement `Sid`` or `statement #N`.
    pub statement: String,
    pub sid: Option<String>,
    pub index: usize,
    pub allow: bool,
    /// Whether it is in the permissions boundary.
    pub boundary: bool,
    pub resource_matches: &'static str,
    pub applies: &'static str,
    pub conditions: Vec<ConditionLine>,
}

/// An unknown key the decision turns on, with the values (`absent` or the value) that deny and
/// allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLine {
    pub key: String,
    pub denying: Vec<String>,
    pub allowing: Vec<String>,
}

/// One key of the request context: its value (`absent`, a value, or `one of ...`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextLine {
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub account: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub decision: AccessDecision,
    /// Every outcome some value of the unknown keys leads to (`allowed`, `denied`, `implicitly
    /// denied`).
    pub outcomes: Vec<&'static str>,
    /// One sentence: why.
    pub reason: String,
    pub statements: Vec<StatementLine>,
    pub keys: Vec<KeyLine>,
    pub context: Vec<ContextLine>,
    pub judged_at: Timestamp,
    /// When the recording was captured (`None` for live reads and undated recordings).
    pub captured_at: Option<Timestamp>,
    /// Whether the recording is older than `--max-age`.
    pub stale: bool,
    /// What the reader should know about the question itself: a resource not given (asked on
    /// `*`), a key the CI context fixes given another value with `--context`.
    pub notes: Vec<String>,
}

impl Answer {
    /// Exit 0 allowed, 1 denied or implicitly denied, 4 uncertain.
    pub fn verdict(&self) -> Verdict {
        match self.decision {
            AccessDecision::Allowed => Verdict::OK,
            AccessDecision::Denied | AccessDecision::ImplicitlyDenied | AccessDecision::Refused => {
                Verdict::DRIFT
            }
            AccessDecision::Uncertain => Verdict::UNCERTAIN,
        }
    }
}
