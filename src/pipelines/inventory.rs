//! The `inventory` pipeline: the estate of an infrastructure checkout, offline. Every cluster
//! folder is read ([`crate::infrastructure::estate`]); each AWS cluster's deployer credentials are
//! dated by their sops metadata and held to the age limit of the policy for its account
//! (`credentials.max_age_days`, else 60); and each account a policy covers is judged through the
//! one judging walk ([`super::judging`]) from its recording, or live, where there is one to read.
//! Nothing is decrypted.

use super::judging::{self, AccountJudged};
use crate::base::clock::{Clock, whole_days};
use crate::base::codes::Severity;
use crate::base::source::{FileId, Files};
use crate::engine::judge::Settings;
use crate::infrastructure::estate::{self, Scanned};
use crate::observe::Source;
use crate::outcome::Status;
use crate::outcome::inventory::{
    AwsCluster, Cluster, Credentials, Inventory, Judgement, Limit, PolicyVerdict,
};
use crate::policy::model::{Credentials as Ages, is_account_name};
use crate::policy::{self, Declared, PolicySet};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What `inventory` is asked: plain domain options, built by the command line.
pub struct InventoryOptions {
    /// The infrastructure checkout.
    pub infrastructure: PathBuf,
    /// Policy files or directories; `None` reads `policies/` when it exists, else no policy.
    pub paths: Option<Vec<PathBuf>>,
    /// Recordings (`--fixtures`) or the AWS API (`--live`).
    pub source: Source,
    /// The instant credentials are aged to and accounts are judged at.
    pub clock: Clock,
    /// A recording captured more than this many days before it is judged is stale.
    pub max_age_days: u32,
}

/// The policy for an account, read for its age limits, and whether it may be judged.
struct Covering<'a> {
    declared: &'a Declared,
    ages: Option<Ages>,
    /// Why it cannot be judged (its file has errors, or changed since it was read).
    invalid: Option<String>,
}

/// Runs `inventory`; `progress` is called once per account judged. Fails only when the checkout
/// has no clusters folder to list.
pub fn run(options: &InventoryOptions, progress: &(dyn Fn() + Sync)) -> Result<Inventory, String> {
    let dir = &options.infrastructure;
    let scanned = estate::scan(dir)?;
    let paths = match &options.paths {
        Some(paths) => paths.clone(),
        None => Some(PathBuf::from("policies"))
            .filter(|p| p.is_dir())
            .into_iter()
            .collect(),
    };
    let mut set = if paths.is_empty() {
        PolicySet::default()
    } else {
        policy::load(&paths, None)
    };
    let stamps = crate::infrastructure::apply(&mut set, dir);
    let policy_errors = (set.diagnostics.iter())
        .filter(|d| d.severity == Severity::Error)
        .count();
    let covering = covering(&set);
    // Each covered account once, in policy order, where there is a state to judge it from.
    let ids: HashSet<&str> = (scanned.iter())
        .filter_map(|s| s.file.as_ref().ok()?.account_id.as_ref())
        .map(|f| f.value.as_str())
        .collect();
    let judged_ids: Vec<&str> = (set.policies.iter())
        .map(|d| d.account.id.as_str())
        .filter(|id| ids.contains(id))
        .filter(|id| covering.get(id).is_some_and(|c| c.invalid.is_none()))
        .filter(|id| has_state(&options.source, &covering[id].declared.account.name))
        .collect();
    let chosen: Vec<&Declared> = judged_ids.iter().map(|id| covering[id].declared).collect();
    let settings = Settings {
        clock: options.clock,
        max_age_days: options.max_age_days,
        list_checks: false,
    };
    let files = &set.files;
    let verdicts = judging::each(
        &chosen,
        &options.source,
        &settings,
        &stamps,
        progress,
        &|judged| verdict(files, judged),
    );
    let verdicts: HashMap<&str, PolicyVerdict> = judged_ids.into_iter().zip(verdicts).collect();
    let clusters = scanned
        .into_iter()
        .map(|s| cluster(s, &covering, &verdicts, files, options.clock))
        .collect();
    Ok(Inventory {
        now: options.clock.now,
        infrastructure: dir.display().to_string(),
        clusters,
        policy_errors,
    })
}

/// The policies by account id, each read once for its age limits.
fn covering(set: &PolicySet) -> HashMap<&str, Covering<'_>> {
    let valid: HashSet<FileId> = set.valid().map(|d| d.file).collect();
    let mut out = HashMap::new();
    for declared in &set.policies {
        if out.contains_key(declared.account.id.as_str()) {
            continue;
        }
        let (ages, mut invalid) = match declared.read() {
            Ok(reread) => (Some(reread.policy.credentials), None),
            Err(diagnostic) => (None, Some(diagnostic.message.clone())),
        };
        if invalid.is_none() && !valid.contains(&declared.file) {
            let errors = (set.diagnostics.iter())
                .filter(|d| d.file == Some(declared.file) && d.severity == Severity::Error)
                .count();
            invalid = Some(format!(
                "{} has {errors} error(s); `smce-guard lint --infrastructure DIR` lists them",
                set.files.get(declared.file).name
            ));
        }
        let covering = Covering {
            declared,
            ages,
            invalid,
        };
        out.insert(declared.account.id.as_str(), covering);
    }
    out
}

/// Whether the source holds a state of the account: a recording's folder, or any live account.
fn has_state(source: &Source, name: &str) -> bool {
    match source {
        Source::Recordings(root) => root.join(name).is_dir(),
        Source::Live { .. } => true,
    }
}

/// What judging one account came to, in the inventory's terms.
fn verdict(files: &Files, judged: AccountJudged<'_>) -> PolicyVerdict {
    let outcome = judged.judged.outcome;
    let unwaived = || outcome.findings.iter().filter(|f| f.waiver.is_none());
    let count = |severity| unwaived().filter(|f| f.severity == severity).count();
    let mut codes: Vec<&'static str> = unwaived().map(|f| f.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let judgement = match outcome.summary.status {
        Status::Ok => Judgement::Ok,
        Status::Drift => Judgement::Drift,
        Status::Unobserved => Judgement::Unobserved,
        Status::Invalid => Judgement::Invalid,
    };
    PolicyVerdict {
        file: files.get(judged.declared.file).name.clone(),
        account_name: judged.declared.account.name.clone(),
        judgement,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        codes,
        reason: outcome.failure().map(str::to_owned),
    }
}

/// One cluster folder in the inventory.
fn cluster(
    scanned: Scanned,
    covering: &HashMap<&str, Covering<'_>>,
    verdicts: &HashMap<&str, PolicyVerdict>,
    files: &Files,
    clock: Clock,
) -> Cluster {
    let problems = scanned.problems();
    let account_id = scanned.account_id().map(str::to_owned);
    let Scanned {
        name,
        path,
        file,
        credentials,
    } = scanned;
    let file = match file {
        Ok(file) if file.provider.as_deref() == Some("aws") => file,
        Ok(file) => {
            return Cluster {
                name,
                file: path,
                provider: file.provider,
                aws: None,
                problems,
            };
        }
        Err(_) => {
            return Cluster {
                name,
                file: path,
                provider: None,
                aws: None,
                problems,
            };
        }
    };
    let value =
        |field: &Option<crate::infrastructure::Field>| field.as_ref().map(|f| f.value.clone());
    let covered = account_id.as_deref().and_then(|id| covering.get(id));
    let ages = covered.and_then(|c| c.ages);
    let limit = Limit {
        max_age_days: ages.map_or(60, |a| a.max_age_days),
        warn_days: ages.map_or(15, |a| a.warn_days),
        from_policy: ages.is_some(),
    };
    let (credentials_file, dated) = match credentials {
        Some((relative, Ok(modified))) => (Some(relative), Some(dated(modified, limit, clock))),
        Some((relative, Err(_))) => (Some(relative), None),
        None => (None, None),
    };
    // The name a policy for the account has, or would have (`init` names it after the folder).
    let account_name = [covered.map(|c| &c.declared.account.name), Some(&name)]
        .into_iter()
        .flatten()
        .find(|n| is_account_name(n))
        .cloned();
    let policy = match (covered, account_id.as_deref()) {
        (Some(c), Some(id)) => Some(match &c.invalid {
            Some(reason) => unjudged(files, c, Judgement::PolicyInvalid, reason.clone()),
            None => verdicts.get(id).cloned().unwrap_or_else(|| {
                let reason = "no recording of the account".to_owned();
                unjudged(files, c, Judgement::NoRecording, reason)
            }),
        }),
        _ => None,
    };
    Cluster {
        name,
        file: path,
        provider: file.provider.clone(),
        aws: Some(AwsCluster {
            account_id,
            account_name,
            region: value(&file.region),
            cluster_name: value(&file.cluster_name),
            credentials_file,
            credentials: dated,
            limit,
            policy,
        }),
        problems,
    }
}

fn unjudged(
    files: &Files,
    c: &Covering<'_>,
    judgement: Judgement,
    reason: String,
) -> PolicyVerdict {
    PolicyVerdict {
        file: files.get(c.declared.file).name.clone(),
        account_name: c.declared.account.name.clone(),
        judgement,
        errors: 0,
        warnings: 0,
        codes: Vec::new(),
        reason: Some(reason),
    }
}

/// The credentials' age and standing at the run's instant, by the engine's expiry arithmetic.
fn dated(modified: jiff::Timestamp, limit: Limit, clock: Clock) -> Credentials {
    let expiry = crate::engine::credentials::expiry(
        modified,
        limit.max_age_days,
        limit.warn_days,
        clock.now,
    );
    Credentials {
        modified,
        age_days: whole_days(modified, clock.now),
        warn_at: expiry.warn_at,
        due: expiry.expires_at,
        days_left: expiry.days_left,
        standing: expiry.standing,
    }
}
