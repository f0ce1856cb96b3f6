//! The `expiries` pipeline: every active access key and console password across the accounts, with
//! its exact expiry. A view of the judged accounts: each is judged through the one judging path
//! ([`super::judging`]), so its clock, staleness and refusals are `check`'s, and its
//! credentials are listed from the state it was judged from.

use super::judging::{self, AccountJudged};
use crate::base::clock::Clock;
use crate::engine::judge::Settings;
use crate::observe::Source;
use crate::outcome::expiries::{Credential, Expiries, Failure, RecordingWarning, Stale};
use crate::pipelines::select::{self, SelectError, Selection};
use std::path::PathBuf;

/// What `expiries` is asked: plain domain options, built by the command line.
pub struct ExpiriesOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    /// Recordings or the AWS API.
    pub source: Source,
    /// The instant accounts are judged at.
    pub clock: Clock,
    /// A recording captured more than this many days before it is judged is stale.
    pub max_age_days: u32,
    /// Only credentials with at most this many days left (expired ones included).
    pub within: Option<i64>,
    /// A checkout of the infrastructure repository to hold the policies to (`--infrastructure`):
    /// a policy it contradicts is a policy error.
    pub infrastructure: Option<PathBuf>,
}

/// One account's credentials, whether its recording is stale and what else is wrong with the
/// recording; or why it could not be read.
type AccountResult = Result<(Vec<Credential>, Option<Stale>, Vec<RecordingWarning>), Failure>;

pub fn run(options: &ExpiriesOptions) -> Result<Expiries, SelectError> {
    let clock = options.clock;
    let today = crate::base::clock::utc_date(clock.now);
    let mut set = crate::policy::load(&options.paths, Some(today));
    let stamps = match &options.infrastructure {
        Some(dir) => crate::infrastructure::apply(&mut set, dir),
        None => Default::default(),
    };
    let selected = options.selection.apply(set)?;
    select::recordings(&options.source)?;
    let policy_errors = selected.policy_errors();
    let policies: Vec<_> = selected.policies().collect();
    let settings = Settings {
        clock,
        max_age_days: options.max_age_days,
        list_checks: false,
    };
    let results: Vec<AccountResult> = judging::each(
        &policies,
        &options.source,
        &settings,
        &stamps,
        &|| {},
        &credentials,
    );
    let mut expiries = Expiries {
        now: clock.now,
        per_account: clock.shared().is_none(),
        credentials: Vec::new(),
        failures: Vec::new(),
        stale: Vec::new(),
        warnings: Vec::new(),
        policy_errors,
    };
    for result in results {
        match result {
            Ok((credentials, stale, warnings)) => {
                expiries.credentials.extend(credentials);
                expiries.stale.extend(stale);
                expiries.warnings.extend(warnings);
            }
            Err(failure) => expiries.failures.push(failure),
        }
    }
    if let Some(within) = options.within {
        expiries.credentials.retain(|c| c.days_left <= within);
    }
    expiries.credentials.sort_by(|a, b| {
        (a.expires_at, &a.account_name, &a.user, &a.key_id).cmp(&(
            b.expires_at,
            &b.account_name,
            &b.user,
            &b.key_id,
        ))
    });
    expiries.failures.sort();
    expiries.stale.sort();
    expiries.warnings.sort_by(|a, b| a.account.cmp(&b.account));
    Ok(expiries)
}

/// One judged account's credentials, or why it has none to list.
fn credentials(judged: AccountJudged<'_>) -> AccountResult {
    let outcome = judged.judged.outcome;
    let (Some(reread), Some(state), None) = (judged.reread, judged.judged.state, outcome.failure())
    else {
        return Err(Failure {
            account: outcome.summary.name.clone(),
            reason: outcome.failure().unwrap_or("it was not judged").to_owned(),
            invalid: outcome.summary.status != crate::outcome::Status::Unobserved,
        });
    };
    let now = outcome
        .judged_at()
        .unwrap_or(outcome.summary.now.unwrap_or_default());
    let listed = crate::engine::credentials::listed(&reread.policy, &state, now);
    let stale = (outcome.findings.iter())
        .find(|f| f.code == crate::base::codes::Code::FixtureStale)
        .map(|finding| Stale {
            account: outcome.summary.name.clone(),
            captured_at: outcome.provenance.captured_at,
            message: finding.message.clone(),
            help: finding.help.as_deref().unwrap_or_default().to_owned(),
        });
    let warnings = (outcome.findings.iter())
        .filter(|f| f.code == crate::base::codes::Code::FixturePartial)
        .map(|finding| RecordingWarning {
            account: outcome.summary.name.clone(),
            code: finding.code,
            message: finding.message.clone(),
            help: finding.help.as_deref().unwrap_or_default().to_owned(),
        })
        .collect();
    Ok((listed, stale, warnings))
}
