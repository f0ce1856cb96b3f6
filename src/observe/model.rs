//! The observed IAM state of one account, whatever recorded or read it.

use super::document::{Document, Patterns};
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Default)]
pub struct AccountState {
    /// Every account id the state shows (snapshot metadata, ARNs); one when all agree.
    pub account_ids: BTreeSet<String>,
    /// When the state was captured, if known; the default clock for judging it.
    pub captured_at: Option<Timestamp>,
    pub source: Option<String>,
    /// Users sorted by name.
    pub users: Vec<User>,
    pub groups: HashMap<String, Group>,
    /// Managed policies by ARN, with their default version's document.
    pub managed_policies: HashMap<String, ManagedPolicy>,
    /// The credential report's `<root_account>` row, when the report has one.
    pub root: Option<Root>,
    /// The account's password policy (`password-policy.json`, `GetAccountPasswordPolicy`).
    pub password_policy: PasswordPolicy,
    /// The account's IAM roles, sorted by name; `None` when the recording did not read roles
    /// (`snapshot.json` lists no `Role` among its `entities` and `RoleDetailList` is empty), so
    /// that "no roles" is never taken for "no permission sets".
    pub roles: Option<Vec<Role>>,
    /// Whether the credential report has the last-use columns: without them (an older
    /// recording) last use is unknown, not "never", and the unused-credential rules keep quiet.
    pub last_use_recorded: bool,
    /// Users the key listing (`access-keys.json`) leaves out although the credential report shows
    /// them an active key, sorted: their keys are the report's (a listing made without
    /// `--user-name` holds only the caller's keys), and the recording is `fixture.partial`.
    pub keys_unlisted: Vec<String>,
}

/// The root user, as the credential report's `<root_account>` row shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Root {
    pub mfa_active: bool,
    /// Whether access key slots 1 and 2 are active.
    pub keys_active: [bool; 2],
}

/// What the account says about passwords.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PasswordPolicy {
    /// The recording has no `password-policy.json` (an older recording): unknown.
    #[default]
    NotRecorded,
    /// The account has no password policy (IAM answers `NoSuchEntity`).
    None,
    /// The account's policy; `max_password_age` in days when passwords expire.
    Some { max_password_age: Option<u32> },
}

#[derive(Debug, Clone, Default)]
pub struct User {
    pub name: String,
    pub arn: String,
    pub groups: Vec<String>,
    pub inline_policies: Vec<NamedDocument>,
    pub attached_policies: Vec<String>,
    /// IAM's stable id (`AIDA...`), for `${aws:userid}`.
    pub id: Option<String>,
    /// The user's tags, for `${aws:PrincipalTag/KEY}`.
    pub tags: Vec<(String, String)>,
    /// The ARN of the user's permissions boundary, if it has one.
    pub permissions_boundary: Option<String>,
    pub password_enabled: bool,
    pub password_last_changed: Option<Timestamp>,
    /// When the console password was last used; `None` when never (`N/A`, `no_information`).
    pub password_last_used: Option<Timestamp>,
    /// When IAM will require a new password (the report's `password_next_rotation`), if set.
    pub password_next_rotation: Option<Timestamp>,
    pub mfa_active: bool,
    pub keys: Vec<AccessKey>,
    /// Whether the credential report has a row for the user. A user created after the report was
    /// made has none, and its MFA and password are then unknown rather than absent.
    pub reported: bool,
}

/// Whether two group names name the same IAM group: IAM group names are unique without regard
/// to case, so a policy's `smce-userrestrictions` is the account's `SMCE-UserRestrictions`.
pub fn same_group(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl User {
    /// Whether the user is in `group`, whatever its case (see [`same_group`]).
    pub fn in_group(&self, group: &str) -> bool {
        self.group(group).is_some()
    }

    /// The user's group that `group` names, as the account spells it.
    pub fn group(&self, group: &str) -> Option<&str> {
        (self.groups.iter())
            .find(|g| same_group(g, group))
            .map(String::as_str)
    }

    pub fn active_keys(&self) -> impl Iterator<Item = &AccessKey> {
        self.keys.iter().filter(|k| k.active)
    }
}

/// An IAM role as `GetAccountAuthorizationDetails` lists it, as far as the SSO rules read it.
#[derive(Debug, Clone, Default)]
pub struct Role {
    pub name: String,
    /// `/` unless the role was created under a path, e.g. `/aws-reserved/sso.amazonaws.com/`.
    pub path: String,
    pub arn: String,
    /// The trust policy (`AssumeRolePolicyDocument`): who may assume the role.
    pub trust: Vec<TrustStatement>,
    /// Attached managed policies, by ARN.
    pub attached_policies: Vec<String>,
    pub inline_policies: Vec<NamedDocument>,
}

/// One statement of a role's trust policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustStatement {
    pub allow: bool,
    /// `Principal.Federated`: the identity providers (SAML or OIDC provider ARNs, or web
    /// identity domains) the statement names; empty under `NotPrincipal`.
    pub federated: Vec<String>,
    pub actions: Patterns,
}

#[derive(Debug, Clone, Default)]
pub struct Group {
    pub name: String,
    pub inline_policies: Vec<NamedDocument>,
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    /// The default version's document; `None` when the recording lacks it.
    pub document: Option<Document>,
}

#[derive(Debug, Clone)]
pub struct NamedDocument {
    pub name: String,
    pub document: Document,
}

/// An access key as observed: from ListAccessKeys (with its id) or from the credential report
/// (only its slot, 1 or 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: Option<String>,
    pub slot: Option<u8>,
    pub active: bool,
    pub created: Option<Timestamp>,
    /// When the key was last used; `None` when never (`N/A`, `no_information`). From the
    /// credential report, matched to the key by its creation instant.
    pub last_used: Option<Timestamp>,
}

impl AccessKey {
    /// How reports name the key: its id, or its slot in the credential report.
    pub fn label(&self) -> String {
        match (&self.id, self.slot) {
            (Some(id), _) => id.clone(),
            (None, Some(slot)) => format!("access_key_{slot}"),
            (None, None) => "access key".to_owned(),
        }
    }
}

impl AccountState {
    /// The account's group that `name` names, whatever its case (see [`same_group`]).
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups
            .get(name)
            .or_else(|| self.groups.values().find(|g| same_group(&g.name, name)))
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users
            .binary_search_by(|u| u.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.users[i])
    }
}
