//! The walk every judging command takes (`check`, `expiries`, `inventory`, and through [`one`]
//! `verify-key` and `access`): for each selected policy, read it again, observe its account, and
//! judge it through the one engine function ([`crate::engine::judge::account`]); the command's own
//! step then sees the policy, the outcome and the state, and the policy is dropped before the
//! next account.

use crate::engine::SopsStamp;
use crate::engine::judge::{self, Judged, Settings};
use crate::observe::{self, Source, Target};
use crate::outcome::{AccountOutcome, AccountSummary, Provenance, Status};
use crate::pipelines::select::{SelectError, Selection};
use crate::policy::{Declared, Reread};
use std::collections::HashMap;

/// One account after judging: its declaration, the policy read again (unless that failed, which
/// the outcome then says), and what the engine judged.
pub struct AccountJudged<'a> {
    pub declared: &'a Declared,
    pub reread: Option<Reread>,
    pub judged: Judged,
}

/// The account a policy declares, as the readers reach it.
pub fn target(account: &crate::policy::model::Account) -> Target {
    Target {
        id: account.id.clone(),
        name: account.name.clone(),
        region: account.region.clone(),
        profile: account.profile.clone(),
        role_arn: account.role_arn.clone(),
    }
}

/// Observes and judges every account of `policies` (in parallel), handing each to `then`, and
/// returns `then`'s results in the same order. `stamps` holds each account's deployer
/// credentials instant (`--infrastructure`), by account name; `progress` is called once per
/// account observed.
pub fn each<T: Send>(
    policies: &[&Declared],
    source: &Source,
    settings: &Settings,
    stamps: &HashMap<String, SopsStamp>,
    progress: &(dyn Fn() + Sync),
    then: &(dyn Fn(AccountJudged<'_>) -> T + Sync),
) -> Vec<T> {
    let targets: Vec<Target> = policies.iter().map(|d| target(&d.account)).collect();
    observe::observe_each(&targets, source, progress, &|i, observation| {
        let declared = policies[i];
        let judged = match declared.read() {
            Ok(reread) => {
                let stamp = stamps.get(&declared.account.name);
                let judged =
                    judge::account(&reread.policy, declared.file, observation, settings, stamp);
                return then(AccountJudged {
                    declared,
                    reread: Some(reread),
                    judged,
                });
            }
            // The file changed since lint: the account is not judged, and the policy's own
            // diagnostic says why.
            Err(diagnostic) => Judged {
                outcome: AccountOutcome {
                    failure: Some(diagnostic.message.clone()),
                    summary: AccountSummary {
                        id: declared.account.id.clone(),
                        name: declared.account.name.clone(),
                        status: Status::Invalid,
                        now: settings.clock.shared(),
                        tally: crate::base::diag::Tally::of([diagnostic.as_ref()]),
                        checks: Vec::new(),
                        requests: observation.requests,
                    },
                    findings: vec![*diagnostic],
                    refusal: None,
                    provenance: Provenance {
                        place: observation.place,
                        live: observation.live,
                        ..Provenance::default()
                    },
                    stale: false,
                },
                state: None,
            },
        };
        then(AccountJudged {
            declared,
            reread: None,
            judged,
        })
    })
}

/// Why a command about one named account has no answer.
pub enum Unanswered {
    /// `--account` names no policy, or `--fixtures` no folder (a usage error).
    Usage(SelectError),
    /// Bad input: the policy is invalid, or the recording was refused.
    Invalid(String),
    /// The account could not be read.
    Unobserved(String),
}

/// One account judged, with what a command about it reads next.
pub struct One {
    pub outcome: AccountOutcome,
    pub reread: Reread,
    pub state: crate::observe::AccountState,
}

/// The account `name` of the policies at `paths`, selected, observed and judged through
/// [`each`]: what `verify-key` and `access` (one account, one answer) both start from. Every way
/// that fails is an [`Unanswered`], said the way `check` says it.
pub fn one(
    paths: &[std::path::PathBuf],
    name: &str,
    source: &Source,
    clock: crate::base::clock::Clock,
    max_age_days: u32,
) -> Result<One, Unanswered> {
    let settings = &Settings {
        clock,
        max_age_days,
        list_checks: false,
    };
    let selection = Selection {
        names: vec![name.to_owned()],
        shard: None,
    };
    let selected = selection
        .apply(crate::policy::load(paths, None))
        .map_err(Unanswered::Usage)?;
    super::select::recordings(source).map_err(Unanswered::Usage)?;
    let policies: Vec<_> = selected.policies().collect();
    if policies.is_empty() {
        return Err(Unanswered::Invalid(format!(
            "the policy of `{name}` has errors; run `smce-guard lint`"
        )));
    }
    let mut judged = each(
        &policies,
        source,
        settings,
        &HashMap::new(),
        &|| {},
        &|judged| {
            let outcome = judged.judged.outcome;
            if let Some(reason) = outcome.failure().map(str::to_owned) {
                return Err(match outcome.summary.status {
                    Status::Unobserved => Unanswered::Unobserved(reason),
                    _ => Unanswered::Invalid(reason),
                });
            }
            match (judged.reread, judged.judged.state) {
                (Some(reread), Some(state)) => Ok(One {
                    outcome,
                    reread,
                    state,
                }),
                _ => Err(Unanswered::Invalid(format!(
                    "account `{name}` was not judged"
                ))),
            }
        },
    );
    judged
        .pop()
        .unwrap_or_else(|| Err(Unanswered::Unobserved("nothing was read".to_owned())))
}
