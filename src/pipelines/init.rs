//! `init`: a first policy for an account, written from what the account holds now. Members are
//! the users in the admins group, the deployer is found by name, its cluster and region come from
//! the cluster file when one is given, and every other user is listed in `ignore_users` with a
//! comment that says it was found, not approved: the policy describes today's state so that
//! `check` starts clean, and a reviewer decides what of it to keep.
//!
//! Every value from outside (user names, policy names, ids, the cluster file's values) is written
//! as a YAML double-quoted scalar with every character that could end it or the line escaped, and
//! comments are stripped of line breaks, so an IAM user or a cluster file cannot add a key to the
//! policy. The text is linted before it is handed back: `init` never writes a policy that `lint`
//! refuses.

use crate::base::codes::Code;
// The one YAML quoting of the crate (values and comments; see `base::yaml_text`).
use crate::base::yaml_text::{comment, quoted as quote};
use crate::engine;
use crate::observe::{AccountState, ObserveError, Source};
use crate::policy::model::{Account, Groups};
use std::path::PathBuf;

/// The deployer's user name in 2i2c's terraform.
pub const DEPLOYER: &str = "hub-continuous-deployer";

/// What `init` is asked: plain options, built by the command line.
pub struct InitOptions {
    pub account_name: String,
    /// Required for live reads; for recordings, the recording's own id when absent.
    pub account_id: Option<String>,
    pub source: Source,
    pub infrastructure: Option<PathBuf>,
    /// What the `$schema` comment points at.
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

/// Reads the account and writes its policy's text.
pub fn run(options: &InitOptions) -> Result<String, InitError> {
    let name = &options.account_name;
    let cluster = match &options.infrastructure {
        None => None,
        Some(dir) => {
            let path = format!("config/clusters/{name}/cluster.yaml");
            let cluster = crate::infrastructure::read_cluster(dir, &path)
                .map_err(|e| InitError::Invalid(format!("no cluster file: {e}")))?;
            if cluster.provider.as_deref() != Some("aws") {
                return Err(InitError::Invalid(format!(
                    "{path} is not an AWS cluster (`provider: aws`)"
                )));
            }
            Some(cluster)
        }
    };
    let from_cluster =
        |f: &Option<crate::infrastructure::Field>| f.as_ref().map(|f| f.value.clone());
    let given_id = options
        .account_id
        .clone()
        .or_else(|| cluster.as_ref().and_then(|c| from_cluster(&c.account_id)));
    let region = cluster
        .as_ref()
        .and_then(|c| from_cluster(&c.region))
        .unwrap_or_else(|| "us-west-2".to_owned());
    let account = Account {
        id: given_id.clone().unwrap_or_default(),
        name: name.clone(),
        region,
        contacts: Vec::new(),
        profile: None,
        role_arn: None,
        cluster_config: None,
    };
    let target = super::judging::target(&account);
    let state = crate::observe::observe_each(&[target], &options.source, &|| {}, &|_, o| o.state)
        .pop()
        .expect("one account observed");
    let state = state.map_err(|e| match e {
        ObserveError::Unobserved(reason) => InitError::Unobserved(reason),
        ObserveError::Invalid(input) => {
            InitError::Invalid(format!("{}: {}", input.file, input.message))
        }
    })?;
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
    let account = Account { id, ..account };
    let cluster_name = cluster.as_ref().and_then(|c| from_cluster(&c.cluster_name));
    let draft = write(
        &account,
        &state,
        cluster_name.as_deref(),
        &options.schema,
        &[],
    );
    // What the deployer holds beyond the default grant, in the engine's own words.
    let excess: Vec<String> = match linted(&draft)? {
        Some(policy) => engine::evaluate(&policy, 0, &state, options.clock.now)
            .into_iter()
            .filter(|f| f.code == Code::DeployerExcessPermission)
            .map(|f| f.message)
            .collect(),
        None => Vec::new(),
    };
    let text = write(
        &account,
        &state,
        cluster_name.as_deref(),
        &options.schema,
        &excess,
    );
    linted(&text)?;
    Ok(text)
}

/// Lints `text`; any problem is a bug of `init` (or a value the schema refuses) and is refused.
fn linted(text: &str) -> Result<Option<crate::policy::Policy>, InitError> {
    let (policy, problems) = crate::policy::lint_bytes("init.yaml", text.as_bytes().to_vec(), None);
    match problems.first() {
        None => Ok(policy),
        Some(problem) => Err(InitError::Invalid(format!(
            "the policy written from this state does not lint ({}: {}); write it by hand",
            problem.code, problem.message
        ))),
    }
}

/// The policy's text for `account` as `state` holds it.
fn write(
    account: &Account,
    state: &AccountState,
    cluster: Option<&str>,
    schema: &str,
    excess: &[String],
) -> String {
    let groups = Groups::default();
    let mut y = String::new();
    let mut line = |s: &str| {
        y.push_str(s);
        y.push('\n');
    };
    line(&format!(
        "# yaml-language-server: $schema={}",
        comment(schema)
    ));
    line("# Written by `smce-guard init` from the account's state; review it before committing.");
    line("account:");
    line(&format!("  id: {}", quote(&account.id)));
    line(&format!("  name: {}", quote(&account.name)));
    line(&format!("  region: {}", quote(&account.region)));
    let deployer = state.user(DEPLOYER);
    let members: Vec<&str> = (state.users.iter())
        .filter(|u| u.in_group(&groups.admins) && u.name != DEPLOYER)
        .map(|u| u.name.as_str())
        .collect();
    if members.is_empty() {
        line(&format!("members: []  # nobody is in {}", groups.admins));
    } else {
        line(&format!("members:  # the users in {}", groups.admins));
        for member in &members {
            line(&format!("  - user: {}", quote(member)));
        }
    }
    match deployer {
        None => line(&format!(
            "# no deployer: the account has no user {DEPLOYER}"
        )),
        Some(user) => {
            line("deployer:");
            line(&format!("  user: {}", quote(DEPLOYER)));
            match cluster {
                Some(cluster) => line(&format!(
                    "  cluster: {}  # from the cluster file",
                    quote(cluster)
                )),
                None => line(&format!(
                    "  cluster: {}  # assumed to be the account's name: check it (or run init with --infrastructure)",
                    quote(&account.name)
                )),
            }
            if !excess.is_empty() {
                line(
                    "  # allow: the default (eks:DescribeCluster on this cluster). The deployer holds more",
                );
                line("  # today, which `check` reports as deployer.excess-permission:");
                for finding in excess {
                    line(&format!("  #   - {}", comment(finding)));
                }
            }
            let keys = user.active_keys().count();
            if keys == 2 {
                line(
                    "  active_keys: 2  # held now: a rotation in progress; 1 once the older key is deleted",
                );
            }
        }
    }
    if let crate::observe::PasswordPolicy::Some {
        max_password_age: Some(days),
    } = state.password_policy
        && days != 60
        && days > 1
    {
        line("credentials:");
        line(&format!(
            "  max_age_days: {days}  # the account's MaxPasswordAge"
        ));
        if days <= 15 {
            line(&format!("  warn_days: {}", days / 2));
        }
    }
    let others: Vec<&str> = (state.users.iter())
        .map(|u| u.name.as_str())
        .filter(|u| *u != DEPLOYER && !members.contains(u))
        .collect();
    if others.is_empty() {
        line("ignore_users: []");
    } else {
        line(
            "ignore_users:  # found in the account by init, not approved: declare, keep or delete each",
        );
        for user in others {
            line(&format!("  - {}  # found, not approved", quote(user)));
        }
    }
    y
}
