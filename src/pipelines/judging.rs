//! The walk every judging command takes (`check`, `expiries`, `verify-key`): for each selected
//! policy, read it again, observe its account, and judge it through the one engine function
//! ([`crate::engine::judge::account`]); the command's own step then sees the policy, the outcome
//! and the state, and the policy is dropped before the next account.

use crate::engine::SopsStamp;
use crate::engine::judge::{self, Judged, Settings};
use crate::observe::{self, Source, Target};
use crate::outcome::{AccountOutcome, AccountSummary, Provenance, Status};
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
