//! The typed policy: what one account must look like, with the format's defaults filled in.
//!
//! Deserialised from the JSON value the one YAML parse built, and only after that value passed
//! the schema, so the shape is known to be right; `deny_unknown_fields` stays on as a second guard
//! should the two ever drift apart. What comes out is a [`Draft`]: its waivers are still text. The
//! meaning phase turns it into a [`Policy`], whose waivers hold a code and a date, so nothing
//! downstream parses a string from the policy again.

use crate::base::codes::Code;
use jiff::civil::Date;
use serde::Deserialize;

/// A policy, generic over its waivers so that one definition serves both the [`Draft`] read from
/// the document and the validated [`Policy`] (the default) the engine judges by.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy<W = Waiver> {
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
    /// How to report the root user's access keys and missing MFA (SMCE, not the project, owns
    /// the root user: a warning by default).
    #[serde(default = "warning")]
    pub root: Level,
    #[serde(default)]
    pub ignore_users: Vec<String>,
    /// The IAM Identity Center permission sets the account must offer; `None` when the policy
    /// says nothing about SSO (then no SSO rule runs).
    #[serde(default)]
    pub sso: Option<Sso>,
    // `Vec::new`, not `default`: the derive would otherwise ask for `W: Default`.
    #[serde(default = "Vec::new")]
    pub waivers: Vec<W>,
}

/// A policy as its document spells it, before the meaning phase has checked its waivers.
pub type Draft = Policy<WaiverText>;

/// A waiver as the document spells it: `code` and `until` are text until the meaning phase reads
/// them into a [`Waiver`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverText {
    pub code: String,
    #[serde(default)]
    pub principal: Option<String>,
    pub reason: String,
    pub until: String,
}

/// Accepted drift: a finding code (optionally for one principal) that does not fail the run after
/// its last day, `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub code: Code,
    pub principal: Option<String>,
    pub reason: String,
    pub until: Date,
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
    /// The account's cluster file in an infrastructure checkout (`--infrastructure`), relative
    /// to it; `config/clusters/<name>/cluster.yaml` when absent.
    #[serde(default)]
    pub cluster_config: Option<String>,
}

/// The schema's pattern for `account.name`, which [`is_account_name`] decides without a regex.
pub const ACCOUNT_NAME_PATTERN: &str = "^[a-z0-9][a-z0-9._-]{0,62}$";

/// Whether `name` may be an `account.name` ([`ACCOUNT_NAME_PATTERN`]): what `init` names a
/// policy after a cluster folder, and `inventory` an account, only when it is one.
pub fn is_account_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first = bytes.next();
    first.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.len() <= 63
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
}

/// The groups SMCE's rules are about, by the names the account gives them (SMCE's by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "GroupsText")]
pub struct Groups {
    pub admins: String,
    pub restricted: String,
    pub disabled: String,
    /// Which names the policy writes under `groups`, rather than takes by default: a written
    /// name the account lacks is `account.group-missing`.
    pub written: GroupsWritten,
}

/// Which of the three group names a policy writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupsWritten {
    pub admins: bool,
    pub restricted: bool,
    pub disabled: bool,
}

/// `groups` as the document spells it: each name, if written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupsText {
    admins: Option<String>,
    restricted: Option<String>,
    disabled: Option<String>,
}

impl From<GroupsText> for Groups {
    fn from(text: GroupsText) -> Self {
        let default = Groups::default();
        Groups {
            written: GroupsWritten {
                admins: text.admins.is_some(),
                restricted: text.restricted.is_some(),
                disabled: text.disabled.is_some(),
            },
            admins: text.admins.unwrap_or(default.admins),
            restricted: text.restricted.unwrap_or(default.restricted),
            disabled: text.disabled.unwrap_or(default.disabled),
        }
    }
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            admins: "SMCE-ProjectAdmins".into(),
            restricted: "SMCE-UserRestrictions".into(),
            disabled: "AccountDisabled".into(),
            written: GroupsWritten::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub user: String,
    /// Who must act when this member's credentials expire (free text); the account's contacts
    /// when absent.
    #[serde(default)]
    pub owner: Option<String>,
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
    /// Who must act when the deployer's key expires, e.g. `2i2c engineering`; the account's
    /// contacts when absent.
    #[serde(default)]
    pub owner: Option<String>,
    /// How long after a new key is created CI may keep using the old one before the rotation
    /// counts as incomplete.
    #[serde(default = "one")]
    pub rotation_grace_days: u32,
    /// What the team knows of its CI requests: condition keys pinned over the CI context.
    #[serde(default)]
    pub context: Vec<Pin>,
}

/// One condition key of the CI requests and the values it may have (none: absent).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub key: String,
    pub values: Vec<String>,
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
    /// A credential not used for this many days (or never used and this old) is unused.
    pub unused_days: u32,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            max_age_days: 60,
            warn_days: 15,
            unused_days: 45,
        }
    }
}

/// The `sso:` section: the permission sets (as the Science Cloud portal names them) that IAM
/// Identity Center must have provisioned into the account, each an `AWSReservedSSO_<set>_<hex>`
/// role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sso {
    pub permission_sets: Vec<PermissionSet>,
    /// How to report a provisioned permission set the policy does not declare
    /// (`sso.permission-set-unexpected`), as `unmanaged_users` does for IAM users.
    #[serde(default)]
    pub unexpected: Level,
}

/// One declared permission set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// The set's name as the portal shows it, e.g. `Project-Admin`.
    pub name: String,
    /// The managed policy ARNs its role must carry, exactly; `None` leaves them unjudged.
    #[serde(default)]
    pub managed_policies: Option<Vec<String>>,
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

fn warning() -> Level {
    Level::Warning
}

fn default_deployer() -> String {
    "hub-continuous-deployer".into()
}

fn one() -> u32 {
    1
}

impl<W> Policy<W> {
    /// The same policy with other waivers: how the meaning phase turns a [`Draft`] into a
    /// [`Policy`] (struct update syntax cannot change a type parameter).
    pub fn with_waivers<V>(self, waivers: Vec<V>) -> Policy<V> {
        let Policy {
            account,
            groups,
            members,
            deployer,
            credentials,
            unmanaged_users,
            root,
            ignore_users,
            sso,
            waivers: _,
        } = self;
        Policy {
            account,
            groups,
            members,
            deployer,
            credentials,
            unmanaged_users,
            root,
            ignore_users,
            sso,
            waivers,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_are_what_the_schema_allows() {
        let schema: serde_json::Value =
            serde_json::from_str(crate::policy::schema::SCHEMA).unwrap();
        assert_eq!(
            schema["properties"]["account"]["properties"]["name"]["pattern"],
            ACCOUNT_NAME_PATTERN
        );
        for good in ["nasa-veda", "2i2c-aws-us", "a", "x.y_z", &"a".repeat(63)] {
            assert!(is_account_name(good), "{good}");
        }
        for bad in [
            "",
            "-x",
            ".x",
            "Nasa",
            "a b",
            "evil|<img>",
            "é",
            &"a".repeat(64),
        ] {
            assert!(!is_account_name(bad), "{bad}");
        }
    }
}
