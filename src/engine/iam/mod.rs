//! What IAM would decide for one request of a same-account IAM user, from the user's identity
//! policies (its own and its groups', inline and managed) and its permissions boundary.
//!
//! AWS's "Policy evaluation logic" for such a request: an explicit Deny in any identity policy
//! or in the permissions boundary denies; otherwise the request needs an Allow in the identity
//! policies and, when a boundary is set, an Allow in the boundary too; anything else is
//! implicitly denied. A statement applies when its `Action`/`NotAction` (case-insensitive,
//! wildcards), its `Resource`/`NotResource` (policy variables resolved) and every condition match
//! ([`matching`], [`operators`]).
//!
//! The request's context is partly unknown ([`context`]): a condition on a key nobody can know
//! (the runner's address, the organization) may go either way. The evaluator is three-valued:
//! it decides the request for every value such a key can take that makes a difference
//! ([`candidates`]: one value per class of values the conditions cannot tell apart, and
//! absence), and a decision that differs between them is uncertain ([`decision`]). Which
//! actions and resources a grant reaches is judged the same way, one witness per class of
//! strings the patterns cannot tell apart ([`cells`], [`probe`]).
//!
//! AWS's documentation this follows (IAM User Guide):
//! - Policy evaluation logic: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! - Condition operators (`...IfExists`, `Null`, absent keys): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! - Single-valued vs. multivalued context keys: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
//! - Conditions with multiple context keys or values: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>
//! - Policy variables (where they resolve, absent keys): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
//! - Resource wildcards: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>

pub mod candidates;
pub mod cells;
pub mod context;
pub mod decision;
pub mod globs;
mod keys;
pub mod matching;
pub mod operators;
pub mod probe;
pub mod values;

pub use context::{Fact, RequestContext, Why};
pub use decision::{Decision, Doc, Outcome, Policies, Request, decide};

/// A truth value that may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    No,
    Yes,
    Maybe,
}

impl Tri {
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Yes => Tri::No,
            Tri::Maybe => Tri::Maybe,
        }
    }

    /// The same value across several evaluations: `Yes` or `No` when all agree.
    pub fn across(self, other: Tri) -> Tri {
        if self == other { self } else { Tri::Maybe }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tri::No => "false",
            Tri::Yes => "true",
            Tri::Maybe => "uncertain",
        }
    }
}

impl From<bool> for Tri {
    fn from(value: bool) -> Tri {
        if value { Tri::Yes } else { Tri::No }
    }
}
