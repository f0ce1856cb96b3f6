//! `init`: a first policy for an account, declaring what an SMCE account should be by SMCE's
//! rules, never what this one holds: the deployer on its cluster with its default grant
//! (`eks:DescribeCluster` on that cluster), one active key, not in SMCE's restricted or disabled
//! groups; no engineer IAM users (engineers sign in through SSO); SMCE's 60-day credential
//! limits. `check` then reports everything the account holds beyond that: an extra key, a grant,
//! a group, every other IAM user and every credential's age. What the account holds is said in
//! comments beside the line it concerns, so a reviewer sees it, but nothing found is declared:
//! not the account's `MaxPasswordAge` (a password policy never governs access keys), not a
//! second key, not a user in `ignore_users`.
//!
//! The contacts and the deployer's owner are commented placeholders that `lint` reports
//! (`policy.no-contacts`) until the team fills them in. The text is linted before it is handed
//! back: `init` never writes a policy that `lint` refuses.
//!
//! [`Plan`] (what the policy says) is decided apart from reading the account, so a policy is
//! also written from a cluster file alone: [`estate`], one for every AWS cluster of a checkout.

pub mod estate;
pub mod schema;
pub mod text;

pub use text::{Plan, quote};

use crate::base::codes::Code;
use crate::engine;
use crate::observe::{AccountState, ObserveError, PasswordPolicy, Source};
use crate::policy::model::{Account, Groups};
use std::path::PathBuf;
use text::{DeployerFound, Found, SMCE_MAX_AGE_DAYS};

/// The deployer's user name in 2i2c's terraform.
pub const DEPLOYER: &str = "hub-continuous-deployer";

/// The region of every SMCE cluster, and the policy's default.
const DEFAULT_REGION: &str = "us-west-2";

/// What `init` is asked: plain options, built by the command line.
pub struct InitOptions {
    pub account_name: String,
    /// Required for live reads; for recordings, the recording's own id when absent.
    pub account_id: Option<String>,
    pub source: Source,
    pub infrastructure: Option<PathBuf>,
    /// What the `$schema` comment names ([`schema::place`]).
    pub schema: String,
    /// The run's clock (`--now`): what the deployer's grants are judged at.
    pub clock: crate::base::clock::Clock,
}

/// Why no policy was written.
#[derive(Debug)]
pub enum InitError {
    /// Bad input: a missing or contradictory cluster file, an id that is not the recording's.
    Invalid(String),
    /// The account could not be read.
    Unobserved(String),
}

/// The cluster file's values, as far as it has them.
struct FromCluster {
    path: String,
    id: Option<String>,
    region: Option<String>,
    cluster: Option<String>,
}

/// Reads `config/clusters/<name>/cluster.yaml` under `dir`, which must be an AWS cluster.
fn read_cluster(dir: &std::path::Path, name: &str) -> Result<FromCluster, InitError> {
    let path = format!("config/clusters/{name}/cluster.yaml");
    let cluster = crate::infrastructure::read_cluster(dir, &path)
        .map_err(|e| InitError::Invalid(format!("no cluster file: {e}")))?;
    if cluster.provider.as_deref() != Some("aws") {
        return Err(InitError::Invalid(format!(
            "{path} is not an AWS cluster (`provider: aws`)"
        )));
    }
    let value = |f: &Option<crate::infrastructure::Field>| f.as_ref().map(|f| f.value.clone());
    Ok(FromCluster {
        id: value(&cluster.account_id),
        region: value(&cluster.region),
        cluster: value(&cluster.cluster_name),
        path,
    })
}

/// Reads the account (and its cluster file) and writes its policy's text. `notes` receives, line
/// by line, what was read and decided (for `-v`), also when no policy could be written.
pub fn run(options: &InitOptions, notes: &mut Vec<String>) -> Result<String, InitError> {
    let name = &options.account_name;
    let cluster = match &options.infrastructure {
        None => {
            notes.push(format!(
                "no --infrastructure: the region ({DEFAULT_REGION}, the default) and the cluster (`{name}`, the account's name) are assumed, and the policy says so"
            ));
            None
        }
        Some(dir) => {
            let cluster = read_cluster(dir, name)?;
            let shown = |v: &Option<String>| v.as_deref().unwrap_or("(none)").to_owned();
            notes.push(format!(
                "read the cluster file {} in {}: account {}, region {}, cluster {}",
                cluster.path,
                dir.display(),
                shown(&cluster.id),
                shown(&cluster.region),
                shown(&cluster.cluster),
            ));
            Some(cluster)
        }
    };
    let given_id =
        (options.account_id.clone()).or_else(|| cluster.as_ref().and_then(|c| c.id.clone()));
    let region = (cluster.as_ref().and_then(|c| c.region.clone()))
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let account = Account {
        id: given_id.clone().unwrap_or_default(),
        name: name.clone(),
        region: region.clone(),
        contacts: Vec::new(),
        profile: None,
        role_arn: None,
        cluster_config: None,
    };
    let target = super::judging::target(&account);
    let observation = crate::observe::observe_each(&[target], &options.source, &|| {}, &|_, o| o)
        .pop()
        .expect("one account observed");
    let place = observation.place.clone();
    let requests = observation.requests;
    let state = observation.state.map_err(|e| match e {
        ObserveError::Unobserved(reason) => InitError::Unobserved(reason),
        ObserveError::Invalid(input) => {
            InitError::Invalid(format!("{}: {}", input.file, input.message))
        }
    })?;
    notes.push(read_note(&place, requests, &state));
    let recorded: Vec<&String> = state.account_ids.iter().collect();
    let id = match (given_id, recorded.as_slice()) {
        (Some(id), [one]) if *one != &id => {
            return Err(InitError::Invalid(format!(
                "the state read is of account {one}, not {id}"
            )));
        }
        (Some(id), _) => id,
        (None, [one]) => (*one).clone(),
        (None, _) => {
            return Err(InitError::Invalid(
                "the account id is not known: give --account-id (or --infrastructure)".to_owned(),
            ));
        }
    };
    notes.extend(state.users.iter().map(user_note));
    let mut plan = Plan {
        schema: options.schema.clone(),
        id,
        name: name.clone(),
        region,
        cluster: (cluster.as_ref().and_then(|c| c.cluster.clone())).unwrap_or_else(|| name.clone()),
        cluster_file: cluster.map(|c| c.path),
        deployer: DEPLOYER.to_owned(),
        found: Some(found(&state)),
    };
    // What the deployer holds beyond the default grant, in the engine's own words: judged on
    // the policy as written, so the comment says what `check` will.
    let draft = text::write(&plan);
    if let Some(policy) = linted(&draft)?
        && let Some(Some(deployer)) = plan.found.as_mut().map(|f| f.deployer.as_mut())
    {
        deployer.excess = engine::evaluate(&policy, 0, &state, options.clock.now)
            .into_iter()
            .filter(|f| f.code == Code::DeployerExcessPermission)
            .map(|f| f.message)
            .collect();
    }
    notes.extend(decisions(&plan));
    let policy = text::write(&plan);
    linted(&policy)?;
    Ok(policy)
}

/// What the policy mentions of `state`.
fn found(state: &AccountState) -> Found {
    let deployer = state.user(DEPLOYER).map(|user| DeployerFound {
        active_keys: user.active_keys().map(|k| k.label()).collect(),
        excess: Vec::new(),
        groups: user.groups.clone(),
    });
    let others = (state.users.iter())
        .filter(|u| u.name != DEPLOYER)
        .map(|u| (u.name.clone(), u.groups.clone()))
        .collect();
    let max_password_age = match state.password_policy {
        PasswordPolicy::Some {
            max_password_age: Some(days),
        } if days != SMCE_MAX_AGE_DAYS => Some(days),
        _ => None,
    };
    Found {
        deployer,
        others,
        max_password_age,
    }
}

/// `-v`: where the state came from.
fn read_note(place: &str, requests: Option<u32>, state: &AccountState) -> String {
    let ids: Vec<&str> = state.account_ids.iter().map(String::as_str).collect();
    let ids = match ids.as_slice() {
        [] => "no account id".to_owned(),
        ids => format!("account {}", ids.join(", ")),
    };
    let when = match (requests, state.captured_at) {
        (Some(requests), _) => format!("read live, {requests} AWS requests"),
        (None, Some(at)) => format!("captured {at}"),
        (None, None) => "no captured_at".to_owned(),
    };
    let policy = match &state.password_policy {
        PasswordPolicy::NotRecorded => "no password policy recorded".to_owned(),
        PasswordPolicy::None => "no password policy".to_owned(),
        PasswordPolicy::Some {
            max_password_age: Some(days),
        } => format!("MaxPasswordAge {days}"),
        PasswordPolicy::Some {
            max_password_age: None,
        } => "passwords never expire".to_owned(),
    };
    format!(
        "read {place} ({ids}, {when}): {} IAM users, {policy}",
        state.users.len()
    )
}

/// `-v`: one user as found.
fn user_note(user: &crate::observe::User) -> String {
    let groups = match user.groups.as_slice() {
        [] => "no group".to_owned(),
        groups => format!("groups {}", groups.join(", ")),
    };
    let keys: Vec<String> = (user.keys.iter())
        .map(|k| {
            let created = k
                .created
                .map_or("creation unknown".to_owned(), |c| format!("created {c}"));
            let status = if k.active { "active" } else { "inactive" };
            format!("{} {status}, {created}", k.label())
        })
        .collect();
    let keys = match keys.as_slice() {
        [] => "no access key".to_owned(),
        keys => format!("keys {}", keys.join("; ")),
    };
    let password = if user.password_enabled {
        "console password"
    } else {
        "no console password"
    };
    let mfa = if user.mfa_active { "MFA" } else { "no MFA" };
    format!(
        "found user `{}`: {groups}; {keys}; {password}; {mfa}",
        user.name
    )
}

/// `-v`: what the policy declares, and why, where the account differs.
fn decisions(plan: &Plan) -> Vec<String> {
    let groups = Groups::default();
    let mut out = Vec::new();
    let origin = match &plan.cluster_file {
        Some(file) => format!("from {file}"),
        None => "assumed".to_owned(),
    };
    let Some(found) = &plan.found else {
        return out;
    };
    match &found.deployer {
        None => out.push(format!(
            "deployer `{}` is not in the account: declared anyway on cluster `{}` ({origin}), since every hub's account needs it; check reports deployer.missing",
            plan.deployer, plan.cluster
        )),
        Some(deployer) => {
            out.push(format!(
                "deployer `{}` declared on cluster `{}` ({origin}) with SMCE's grant only (eks:DescribeCluster on that cluster)",
                plan.deployer, plan.cluster
            ));
            if !deployer.excess.is_empty() {
                out.push(format!(
                    "the deployer holds {} grant(s) beyond it: not declared (listed in a comment); check reports deployer.excess-permission",
                    deployer.excess.len()
                ));
            }
            if deployer.active_keys.len() != 1 {
                out.push(format!(
                    "the deployer holds {} active keys: active_keys stays 1 (SMCE's one deployer key); check reports deployer.key-count",
                    deployer.active_keys.len()
                ));
            }
            for group in [&groups.restricted, &groups.disabled] {
                if deployer.groups.iter().any(|g| g == group) {
                    out.push(format!(
                        "the deployer is in {group}: not declared away; check reports it"
                    ));
                }
            }
        }
    }
    let others: Vec<&str> = found.others.iter().map(|(u, _)| u.as_str()).collect();
    out.push(match others.as_slice() {
        [] => "members: none (engineers sign in through SSO), and the account holds no other IAM user".to_owned(),
        others => format!(
            "members: none (engineers sign in through SSO); {} other IAM user(s) neither declared nor ignored, so check reports each as user.unmanaged: {}",
            others.len(),
            others.join(", ")
        ),
    });
    out.push(match found.max_password_age {
        Some(days) => format!(
            "credentials: SMCE's {SMCE_MAX_AGE_DAYS}-day limit (the default), not the account's MaxPasswordAge of {days}: a password policy never governs access keys; check reports account.password-policy"
        ),
        None => format!("credentials: SMCE's {SMCE_MAX_AGE_DAYS}-day limit (the default)"),
    });
    out.push(
        "contacts and the deployer's owner: commented placeholders; lint warns (policy.no-contacts) until they are filled in"
            .to_owned(),
    );
    out
}

/// Lints `text`; any problem but the unfilled contacts is a bug of `init` (or a value the schema
/// refuses) and is refused.
fn linted(text: &str) -> Result<Option<crate::policy::Policy>, InitError> {
    let (policy, problems) = crate::policy::lint_bytes("init.yaml", text.as_bytes().to_vec(), None);
    match problems.iter().find(|p| p.code != Code::PolicyNoContacts) {
        None => Ok(policy),
        Some(problem) => Err(InitError::Invalid(format!(
            "the policy written from this state does not lint ({}: {}); write it by hand",
            problem.code, problem.message
        ))),
    }
}
