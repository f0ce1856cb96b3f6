//! The engine: pure, synchronous rules that compare one policy with one account's observed state
//! and return findings. It never reads files, talks to AWS or prints; it does not know whether the
//! state was recorded or read live.
//!
//! Every rule is registered once in [`rules::RULES`] and judged through it; the rule functions
//! live by family: [`account`], [`groups`], [`members`], [`users`], [`deployer`], [`rotation`],
//! [`credentials`], [`usage`], [`root`] and [`sso`] (permission sets). [`waivers`] then marks
//! what the policy accepts.
//!
//! What the deployer may do is IAM's decision: the evaluator in [`iam`], the deployer's policies
//! and CI context in [`effective`], and the permission rules built on it: missing permissions in
//! [`deployer`], Deny and the boundary in [`deny`], unknown keys in [`uncertain`], grants beyond
//! `allow` in [`excess`] (with the shape-based matcher of [`permissions`] as its sound fast
//! path), their words in [`deciding`] and [`wording`]. [`ask`] puts `access`'s question to the
//! same evaluator. Policy variables are read in [`variables`].

pub mod account;
pub mod ask;
pub mod credentials;
pub mod deciding;
pub mod deny;
pub mod deployer;
pub mod effective;
pub mod excess;
pub mod groups;
pub mod iam;
pub mod judge;
pub mod members;
pub mod permissions;
pub mod reach;
pub mod root;
pub mod rotation;
pub mod rules;
pub mod sso;
pub mod uncertain;
pub mod usage;
pub mod users;
pub mod variables;
pub mod waivers;
pub mod wording;

pub use account::impossible_capture;

use crate::base::codes::Code;
use crate::base::diag::{AccountRef, Diagnostic};
use crate::base::source::{FileId, Route};
use crate::observe::AccountState;
use crate::policy::Policy;
use jiff::Timestamp;

/// What every rule sees: the policy, where it lives, the observed state and the clock.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub file: FileId,
    pub state: &'a AccountState,
    pub now: Timestamp,
    /// The account every finding names, shared between them.
    pub account: std::sync::Arc<AccountRef>,
    /// When the deployer credentials CI decrypts were last re-encrypted (`--infrastructure`);
    /// the pipeline reads the file, the engine only compares instants.
    pub credentials: Option<&'a SopsStamp>,
    /// The deployer's `deployer.allow` entries as IAM decides them, once per account
    /// ([`effective::access`]): several rules read them.
    pub deployer_access: std::cell::OnceCell<Vec<effective::Entry>>,
}

/// The sops metadata of the deployer credentials file: its path (for messages) and its
/// `sops.lastmodified`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopsStamp {
    pub file: String,
    pub modified: Timestamp,
}

impl<'a> Context<'a> {
    pub fn new(policy: &'a Policy, file: FileId, state: &'a AccountState, now: Timestamp) -> Self {
        Context {
            policy,
            file,
            state,
            now,
            account: std::sync::Arc::new(account_ref(policy)),
            credentials: None,
            deployer_access: std::cell::OnceCell::new(),
        }
    }

    /// The same context, with the deployer credentials' instant to judge.
    pub fn with_credentials(mut self, credentials: Option<&'a SopsStamp>) -> Self {
        self.credentials = credentials;
        self
    }

    /// A diagnostic of `code` located at `route` in this policy, tagged with the account. Rules
    /// use [`Judging::finding`], which can only build their own code.
    fn diagnostic(&self, code: Code, route: Route, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, message)
            .at(self.file, route)
            .for_account(self.account.clone())
    }
}

/// The context of one rule at work: findings it builds carry the rule's own code.
pub struct Judging<'a> {
    pub cx: &'a Context<'a>,
    code: Code,
}

impl<'a> std::ops::Deref for Judging<'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        self.cx
    }
}

impl Judging<'_> {
    /// A finding of this rule's code located at `route` in the policy.
    pub fn finding(&self, route: Route, message: impl Into<String>) -> Diagnostic {
        self.cx.diagnostic(self.code, route, message)
    }
}

pub fn account_ref(policy: &Policy) -> AccountRef {
    AccountRef {
        id: policy.account.id.clone(),
        name: policy.account.name.clone(),
    }
}

/// Evaluates every rule for one account, as of `now`.
pub fn evaluate(
    policy: &Policy,
    file: FileId,
    state: &AccountState,
    now: Timestamp,
) -> Vec<Diagnostic> {
    evaluate_with(policy, file, state, now, None)
}

/// [`evaluate`], also judging the deployer credentials CI holds by their sops instant.
pub fn evaluate_with(
    policy: &Policy,
    file: FileId,
    state: &AccountState,
    now: Timestamp,
    credentials: Option<&SopsStamp>,
) -> Vec<Diagnostic> {
    let cx = Context::new(policy, file, state, now).with_credentials(credentials);
    let mut out = Vec::new();
    let mut stopped = false;
    rules::walk(&cx, |rule, subject| {
        let before = out.len();
        (rule.judge)(
            &Judging {
                cx: &cx,
                code: rule.code,
            },
            subject,
            &mut out,
        );
        debug_assert!(out[before..].iter().all(|f| f.code == rule.code));
        stopped = rule.gate && out.len() > before;
        !stopped
    });
    if stopped {
        return out;
    }
    let unused = waivers::apply(&cx, &mut out);
    out.extend(unused);
    out
}

/// Every (rule, principal) pair the engine judges for this policy and state, whether or not it
/// found drift: the test cases of a JUnit report. The same walk of [`rules::RULES`] as
/// [`evaluate`].
pub fn checks_performed(
    policy: &Policy,
    state: &AccountState,
    credentials: Option<&SopsStamp>,
) -> Vec<crate::outcome::Check> {
    let cx = Context::new(policy, 0, state, Timestamp::UNIX_EPOCH).with_credentials(credentials);
    let mut checks = Vec::new();
    rules::walk(&cx, |rule, subject| {
        checks.push(crate::outcome::Check {
            code: rule.code,
            principal: subject.name.map(str::to_owned),
            arn: subject.role.map(|role| role.arn.clone()),
        });
        true
    });
    checks
}
