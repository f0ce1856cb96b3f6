//! The `access` pipeline: what IAM would decide for one request of the deployer (or another user
//! of the account), offline from the recording or live. The account is read and judged through
//! the one judging walk ([`judging::each`]), so a refused recording, another account's state or
//! an unreadable account end here exactly as they end `check`; then the evaluator answers the
//! question ([`crate::engine::ask`]).

use super::judging::{self, AccountJudged};
use crate::base::clock::Clock;
use crate::engine::ask::{self, AskError, Question};
use crate::engine::judge::Settings;
use crate::observe::Source;
use crate::outcome::Status;
use crate::outcome::access::Answer;
use crate::pipelines::select::{SelectError, Selection};
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

/// Why `access` could not answer.
pub enum AccessError {
    /// `--account` names no policy (a usage error).
    Unknown(SelectError),
    /// Bad input: an invalid policy or recording, no deployer, no such user.
    Invalid(String),
    /// The account could not be read.
    Unobserved(String),
}

pub fn run(options: &AccessOptions) -> Result<Answer, AccessError> {
    let selection = Selection {
        names: vec![options.account.clone()],
        shard: None,
    };
    let selected = selection
        .apply(crate::policy::load(&options.paths, None))
        .map_err(AccessError::Unknown)?;
    let policies: Vec<_> = selected.policies().collect();
    if policies.is_empty() {
        return Err(AccessError::Invalid(format!(
            "the policy of `{}` has errors; run `smce-guard lint`",
            options.account
        )));
    }
    let settings = Settings {
        clock: options.clock,
        max_age_days: options.max_age_days,
        list_checks: false,
    };
    let mut answers = judging::each(
        &policies,
        &options.source,
        &settings,
        &Default::default(),
        &|| {},
        &|judged| answer(judged, options),
    );
    answers
        .pop()
        .unwrap_or_else(|| Err(AccessError::Unobserved("nothing was read".to_owned())))
}

fn answer(judged: AccountJudged<'_>, options: &AccessOptions) -> Result<Answer, AccessError> {
    let outcome = judged.judged.outcome;
    if let Some(reason) = outcome.failure().map(str::to_owned) {
        return Err(match outcome.summary.status {
            Status::Unobserved => AccessError::Unobserved(reason),
            _ => AccessError::Invalid(reason),
        });
    }
    let (Some(reread), Some(state)) = (judged.reread, judged.judged.state) else {
        return Err(AccessError::Invalid(format!(
            "account `{}` was not judged",
            options.account
        )));
    };
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
