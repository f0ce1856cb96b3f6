//! The `access` pipeline: what IAM would decide for one request of the deployer (or another user
//! of the account), offline from the recording or live. The account is read and judged through
//! the one judging walk ([`judging::each`]), so a refused recording, another account's state or
//! an unreadable account end here exactly as they end `check`; then the evaluator answers the
//! question ([`crate::engine::ask`]).

use super::judging::{self, One, Unanswered};
use crate::base::clock::Clock;
use crate::engine::ask::{self, AskError, Question};
use crate::observe::Source;
use crate::outcome::access::Answer;
use std::path::PathBuf;

/// What `access` is asked.
pub struct AccessOptions {
    pub paths: Vec<PathBuf>,
    /// The account (`account.name`).
    pub account: String,
    /// The user asking; the deployer when `None`.
    pub user: Option<String>,
    pub action: String,
    pub resource: String,
    /// Keys given values over the CI context (none: absent), in the order given.
    pub context: Vec<(String, Vec<String>)>,
    pub source: Source,
    pub clock: Clock,
    pub max_age_days: u32,
}

/// Why `access` could not answer: as every one-account command ([`judging::one`]), and bad
/// input of its own (no deployer, no such user).
pub type AccessError = Unanswered;

pub fn run(options: &AccessOptions) -> Result<Answer, AccessError> {
    let One {
        outcome,
        reread,
        state,
    } = judging::one(
        &options.paths,
        &options.account,
        &options.source,
        options.clock,
        options.max_age_days,
    )?;
    let judged_at = outcome.judged_at().unwrap_or(options.clock.now);
    let question = Question {
        user: options.user.as_deref(),
        action: &options.action,
        resource: &options.resource,
        context: &options.context,
    };
    let mut answer = ask::ask(&reread.policy, &state, judged_at, &question).map_err(|e| {
        AccessError::Invalid(match e {
            AskError::NoDeployer => format!(
                "the policy of `{}` declares no deployer: name the user with --as",
                options.account
            ),
            AskError::NoUser(user) => format!(
                "account `{}` has no IAM user `{user}` (as recorded)",
                options.account
            ),
        })
    })?;
    answer.captured_at = outcome.provenance.captured_at;
    answer.stale = outcome.stale;
    Ok(answer)
}
