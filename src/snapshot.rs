//! The `snapshot` pipeline: read accounts live and write their state in the fixture format, so CI
//! can judge them offline later.

use crate::cli::SnapshotArgs;
use crate::observe::{self, ObserveError};
use std::fmt::Write;

/// What a snapshot run did, as text for stdout and failures for stderr.
pub struct Outcome {
    pub written: String,
    pub failures: Vec<String>,
    pub policy_errors: usize,
}

pub fn run(args: &SnapshotArgs, progress: &(dyn Fn() + Sync)) -> Outcome {
    let set = crate::policy::load(&args.paths, None);
    let policy_errors = set
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::codes::Severity::Error)
        .count();
    let mut accounts: Vec<&crate::policy::model::Account> =
        set.valid().map(|d| &d.account).collect();
    if let Some(shard) = args.shard {
        accounts.retain(|a| shard.contains(&a.id));
    }
    if let Some(name) = &args.account {
        accounts.retain(|a| &a.name == name);
    }
    let observations = observe::observe_each(
        &accounts,
        &args.aws.source(),
        progress,
        &|_, observation| observation,
    );
    let mut outcome = Outcome {
        written: String::new(),
        failures: Vec::new(),
        policy_errors,
    };
    for (account, observation) in accounts.iter().zip(observations) {
        let name = &account.name;
        let requests = observation.requests.unwrap_or(0);
        let mismatch = observation
            .state
            .as_ref()
            .ok()
            .filter(|s| s.account_ids.iter().any(|id| *id != account.id));
        match (observation.texts, &observation.state) {
            (_, Ok(_)) if mismatch.is_some() => outcome.failures.push(format!(
                "{name}: the credentials reach account {}, not {}; the previous fixture is kept",
                mismatch
                    .map(|s| s.account_ids.iter().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default(),
                account.id
            )),
            (Some(texts), Ok(_)) => {
                let dir = args.out.join(name);
                match observe::fixture::write(&dir, &texts) {
                    Ok(()) => {
                        let _ = writeln!(
                            outcome.written,
                            "{name}: wrote {} ({requests} AWS requests)",
                            dir.display()
                        );
                    }
                    Err(error) => outcome
                        .failures
                        .push(format!("{name}: cannot write {}: {error}", dir.display())),
                }
            }
            (_, Err(ObserveError::Unobserved(reason))) => outcome
                .failures
                .push(format!("{name}: {reason}; the previous fixture is kept")),
            (_, Err(ObserveError::Invalid(input))) => outcome.failures.push(format!(
                "{name}: {}: {}; the previous fixture is kept",
                input.file, input.message
            )),
            (None, Ok(_)) => outcome.failures.push(format!("{name}: nothing was read")),
        }
    }
    outcome
}
