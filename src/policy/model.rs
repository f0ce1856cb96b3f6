//! The typed policy: what one account must look like, with the format's defaults filled in.
//!
//! Deserialised with serde_yaml only after the document passed the schema, so the shape is known
//! to be right; `deny_unknown_fields` stays on as a second guard should the two ever drift apart.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub account: Account,
    #[serde(default)]
    pub groups: Groups,
    #[serde(default)]
    pub members: Vec<Member>,
    #[serde(default)]
    pub deployer: Option<Deployer>,
    #[serde(default)]
    pub credentials: Credentials,
    #[serde(default)]
    pub unmanaged_users: Level,
    #[serde(default)]
    pub ignore_users: Vec<String>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// Accepted drift: a finding code (optionally for one principal) that does not fail the run until
/// `until`. The date is checked in the meaning phase; [`Waiver::last_day`] reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub code: String,
    #[serde(default)]
    pub principal: Option<String>,
    pub reason: String,
    pub until: String,
}

impl Waiver {
    /// The last day the waiver holds, if `until` is a real date.
    pub fn last_day(&self) -> Option<jiff::civil::Date> {
        self.until.parse().ok()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub name: String,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// The named AWS profile that reaches this account (live runs).
    #[serde(default)]
    pub profile: Option<String>,
    /// A role to assume into this account first (live runs).
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Groups {
    pub admins: String,
    pub restricted: String,
    pub disabled: String,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            admins: "SMCE-ProjectAdmins".into(),
            restricted: "SMCE-UserRestrictions".into(),
            disabled: "AccountDisabled".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub user: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployer {
    #[serde(default = "default_deployer")]
    pub user: String,
    pub cluster: String,
    /// `None` when the policy relies on the default grant; see [`Policy::deployer_allow`].
    #[serde(default)]
    pub allow: Option<Vec<Grant>>,
    #[serde(default = "one")]
    pub active_keys: u32,
}

/// One permitted (action, resource) pair.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub action: String,
    pub resource: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Credentials {
    pub max_age_days: u32,
    pub warn_days: u32,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            max_age_days: 60,
            warn_days: 15,
        }
    }
}

/// How a configurable check reports: the `unmanaged_users` setting.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Error,
    Warning,
    Ignore,
}

fn default_region() -> String {
    "us-west-2".into()
}

fn default_deployer() -> String {
    "hub-continuous-deployer".into()
}

fn one() -> u32 {
    1
}

impl Policy {
    /// What the deployer may do: the declared `allow`, or DescribeCluster on its own cluster.
    pub fn deployer_allow(&self) -> Vec<Grant> {
        let Some(deployer) = &self.deployer else {
            return Vec::new();
        };
        deployer.allow.clone().unwrap_or_else(|| {
            vec![Grant {
                action: "eks:DescribeCluster".into(),
                resource: format!(
                    "arn:aws:eks:{}:{}:cluster/{}",
                    self.account.region, self.account.id, deployer.cluster
                ),
            }]
        })
    }

    pub fn is_ignored(&self, user: &str) -> bool {
        self.ignore_users.iter().any(|ignored| ignored == user)
    }
}
