//! `access`'s question put to the evaluator: one request (an action and a resource) of one user
//! of the account (the deployer unless another is named), in the CI request's context (the same
//! key-signed call, with that user's identity), with the keys the policy pins
//! (`deployer.context`) and those the question gives (`--context`) over it. Every statement
//! that names the action is answered with its conditions' evaluation.

use super::deciding;
use super::effective::Setup;
use super::iam::context::{Fact, Why};
use super::iam::decision::{Doc, Outcome};
use super::iam::{self, Request, Tri};
use super::wording;
use crate::base::ci_context::CI_CONTEXT;
use crate::observe::AccountState;
use crate::outcome::access::{
    AccessDecision, Answer, ConditionLine, ContextLine, KeyLine, StatementLine,
};
use crate::policy::Policy;
use jiff::Timestamp;

/// What is asked.
pub struct Question<'a> {
    /// The user; the policy's deployer when `None`.
    pub user: Option<&'a str>,
    pub action: &'a str,
    pub resource: &'a str,
    /// Keys given their values (none: absent), over the CI context.
    pub context: &'a [(String, Vec<String>)],
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AskError {
    /// No user was named and the policy declares no deployer.
    NoDeployer,
    /// The account has no such IAM user.
    NoUser(String),
}

/// The answer to `question` in `state`, judged at `now`. The account-level facts (when the
/// recording was captured, whether it is stale) are the caller's to fill in.
pub fn ask(
    policy: &Policy,
    state: &AccountState,
    now: Timestamp,
    question: &Question<'_>,
) -> Result<Answer, AskError> {
    let name = match (question.user, &policy.deployer) {
        (Some(user), _) => user,
        (None, Some(deployer)) => deployer.user.as_str(),
        (None, None) => return Err(AskError::NoDeployer),
    };
    let user = state
        .user(name)
        .ok_or_else(|| AskError::NoUser(name.to_owned()))?;
    // `access` asks what IAM decides: every group counts, the restricted and disabled ones too.
    let mut setup = Setup::new(policy, state, user, now, &[]);
    for (key, values) in question.context {
        setup.context.pin(key, values, Why::Given);
    }
    let request = Request {
        action: question.action,
        resource: question.resource,
    };
    let decision = iam::decide(&setup.policies(), request, &setup.context);
    let verdict = match decision.certain() {
        Some(Outcome::Allowed) => AccessDecision::Allowed,
        Some(Outcome::Denied) => AccessDecision::Denied,
        Some(Outcome::ImplicitlyDenied) => AccessDecision::ImplicitlyDenied,
        // Refused for every value of the unknown keys, only not always in the same way: no
        // value allows it, so it is not uncertain whether CI may do it.
        None if !decision.outcomes.contains(Outcome::Allowed) => AccessDecision::Refused,
        None => AccessDecision::Uncertain,
    };
    let statements: Vec<StatementLine> = (decision.statements.iter())
        .map(|t| {
            let statement = setup.statement(t.at);
            StatementLine {
                policy: setup.origin(t.at.doc).describe(),
                statement: statement.label(t.at.statement),
                sid: statement.sid.clone(),
                index: t.at.statement,
                allow: t.allow,
                boundary: t.at.doc == Doc::Boundary,
                resource_matches: t.resource.as_str(),
                applies: t.applies.as_str(),
                conditions: (t.conditions.iter())
                    .map(|c| {
                        let condition = &statement.conditions[c.index];
                        ConditionLine {
                            text: wording::condition(condition),
                            holds: c.holds.as_str(),
                            why: wording::why(condition, c.holds, &setup.context),
                            operator: condition.operator.clone(),
                            key: condition.key.clone(),
                            values: condition.values.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let keys = (decision.keys.iter())
        .map(|k| KeyLine {
            key: k.key.clone(),
            denying: k.denying.iter().map(wording::value).collect(),
            allowing: k.allowing.iter().map(wording::value).collect(),
        })
        .collect();
    let reason = reason(&setup, &decision, verdict, request);
    let mut notes = Vec::new();
    if question.resource == "*" {
        notes.push("no RESOURCE given: asked on `*`, as IAM asks for an action that takes no resource; for an action on a resource (eks:DescribeCluster on a cluster), give its ARN".to_owned());
    }
    for (key, _) in question.context {
        if crate::base::ci_context::fixes(key) {
            notes.push(format!("`{key}` is fixed for every call signed with an access key (docs/access.md); this answer takes the value given with --context instead, so it is not what such a call would get"));
        }
    }
    Ok(Answer {
        account: policy.account.name.clone(),
        principal: user.name.clone(),
        action: question.action.to_owned(),
        resource: question.resource.to_owned(),
        decision: verdict,
        outcomes: decision.outcomes.iter().map(Outcome::as_str).collect(),
        reason,
        statements,
        keys,
        context: context_lines(&setup),
        judged_at: now,
        captured_at: None,
        stale: false,
        notes,
    })
}

/// One sentence: which statements decided, or what is missing.
fn reason(
    setup: &Setup<'_>,
    decision: &iam::Decision,
    verdict: AccessDecision,
    request: Request<'_>,
) -> String {
    let named = |pick: &dyn Fn(&iam::decision::Traced) -> bool| -> Vec<String> {
        (decision.statements.iter())
            .filter(|t| pick(t))
            .map(|t| deciding::label(setup, t.at))
            .collect()
    };
    match verdict {
        AccessDecision::Allowed
            if request
                .action
                .eq_ignore_ascii_case(iam::decision::NEEDS_NO_PERMISSION) =>
        {
            "AWS answers it for every signed caller, whatever the policies say".to_owned()
        }
        AccessDecision::Allowed => format!(
            "allowed by {}",
            named(&|t| t.allow && t.applies == Tri::Yes && t.at.doc != Doc::Boundary).join(", ")
        ),
        AccessDecision::Denied => format!(
            "denied by {}",
            named(&|t| !t.allow && t.applies == Tri::Yes).join(", ")
        ),
        AccessDecision::ImplicitlyDenied
            if decision.boundary == Some(Tri::No) && decision.allow != Tri::No =>
        {
            "the permissions boundary allows no part of it".to_owned()
        }
        AccessDecision::ImplicitlyDenied => {
            let tried = named(&|t| t.allow && t.at.doc != Doc::Boundary);
            if tried.is_empty() {
                format!("no Allow statement names `{}`", request.action)
            } else {
                let verb = if tried.len() == 1 {
                    "names the action but does not apply"
                } else {
                    "name the action but do not apply"
                };
                format!("no Allow statement applies ({} {verb})", tried.join(", "))
            }
        }
        AccessDecision::Refused => {
            let keys: Vec<String> = (decision.keys.iter())
                .map(|k| format!("`{}`", k.key))
                .collect();
            let on = if keys.is_empty() {
                "policy variables whose value is not known".to_owned()
            } else {
                keys.join(", ")
            };
            format!(
                "refused whatever {on} may be: an explicit Deny applies for some values, and no Allow for the others"
            )
        }
        AccessDecision::Uncertain => {
            let keys: Vec<String> = decision
                .keys
                .iter()
                .map(|k| format!("`{}`", k.key))
                .collect();
            if keys.is_empty() {
                "it depends on policy variables or operators whose value is not known".to_owned()
            } else {
                format!(
                    "it depends on {}, which the request context does not fix",
                    keys.join(", ")
                )
            }
        }
    }
}

/// The context as a reader sees it: the fixed keys in the table's order, then pinned and given.
fn context_lines(setup: &Setup<'_>) -> Vec<ContextLine> {
    let mut lines: Vec<ContextLine> = Vec::new();
    let mut entries: Vec<_> = setup.context.entries().collect();
    // The table's order first.
    let rank = |key: &str| {
        CI_CONTEXT
            .iter()
            .position(|(k, _, _)| k.split(", ").any(|k| k.eq_ignore_ascii_case(key)))
            .unwrap_or(usize::MAX)
    };
    entries.sort_by_key(|e| (rank(&e.key), e.key.to_ascii_lowercase()));
    for entry in entries {
        let value = match &entry.fact {
            Fact::Known(v) => wording::value(v),
            Fact::OneOf(set) => format!("one of `{}`", set.join("`, `")),
            Fact::Unknown => "unknown".to_owned(),
        };
        let source = match &entry.why {
            Why::Fixed(text) => (*text).to_owned(),
            Why::Pinned => "pinned by `deployer.context`".to_owned(),
            Why::Given => "given with --context".to_owned(),
        };
        lines.push(ContextLine {
            key: entry.key.clone(),
            value,
            source,
        });
    }
    lines
}
