//! `GetAccountAuthorizationDetails` output (the AWS CLI's JSON, all pages merged): users with their
//! groups and policies, groups with theirs, roles with their trust and policies, and managed
//! policies with their versions.

use super::ParseError;
use super::document::{Document, RawDocument};
use super::model::{Group, ManagedPolicy, NamedDocument, Role, User};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Gaad {
    /// Required: a document without it is not an authorization-details recording.
    pub user_detail_list: Vec<GaadUser>,
    #[serde(default)]
    pub group_detail_list: Vec<GaadGroup>,
    /// Empty in every recording made while the live reader filtered roles out: whether roles
    /// were read is `snapshot.json`'s `entities` to say.
    #[serde(default)]
    pub role_detail_list: Vec<GaadRole>,
    #[serde(default)]
    pub policies: Vec<GaadPolicy>,
    /// Set on one page of several: the AWS CLI merges pages and leaves these out, so a recording
    /// that has them holds part of the account.
    #[serde(default)]
    pub is_truncated: bool,
    #[serde(default)]
    pub marker: Option<String>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GaadUser {
    pub user_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub group_list: Vec<String>,
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// For `${aws:userid}`.
    #[serde(default)]
    pub user_id: Option<String>,
    /// For `${aws:PrincipalTag/KEY}`.
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub permissions_boundary: Option<Boundary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// `PermissionsBoundary`: only a managed policy can be a boundary
/// (`PermissionsBoundaryType: Policy`), named by its ARN.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Boundary {
    pub permissions_boundary_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GaadGroup {
    pub group_name: String,
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GaadRole {
    pub role_name: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub arn: String,
    /// An object (the AWS CLI) or a URL-encoded string (the API); see [`super::trust`].
    #[serde(default)]
    pub assume_role_policy_document: Option<serde_json::Value>,
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: RawDocument,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GaadPolicy {
    #[serde(default)]
    pub policy_name: Option<String>,
    pub arn: String,
    #[serde(default)]
    pub default_version_id: Option<String>,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    #[serde(default)]
    pub document: Option<RawDocument>,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
}

/// What the authorization details contribute to the account model.
#[derive(Default)]
pub struct Authorization {
    pub users: Vec<User>,
    pub groups: HashMap<String, Group>,
    /// Sorted by name; empty when the recording lists none (read or not: see
    /// [`super::model::AccountState::roles`]).
    pub roles: Vec<Role>,
    pub managed_policies: HashMap<String, ManagedPolicy>,
}

/// Parses the JSON text of an authorization-details recording.
pub fn parse(text: &str) -> Result<Authorization, ParseError> {
    let gaad: Gaad = super::json_object(text)?;
    convert(gaad).map_err(|error| error.locate(text))
}

/// `owner` is the user's or group's name, under `owner_key` (`UserName`, `GroupName`).
fn inline(
    list: Vec<InlinePolicy>,
    owner_key: &'static str,
    owner: &str,
) -> Result<Vec<NamedDocument>, ParseError> {
    list.into_iter()
        .map(|p| {
            let document = Document::from_raw(p.policy_document).map_err(|e| {
                ParseError::new(
                    format!(
                        "inline policy `{}` of `{owner}`: {}",
                        p.policy_name, e.message
                    ),
                    None,
                )
                .at_fields(vec![
                    (owner_key, owner.to_owned()),
                    ("PolicyName", p.policy_name.clone()),
                ])
            })?;
            Ok(NamedDocument {
                name: p.policy_name,
                document,
            })
        })
        .collect()
}

/// Turns the wire shapes into the model; shared by the recording reader and the live reader.
pub fn convert(gaad: Gaad) -> Result<Authorization, ParseError> {
    if gaad.is_truncated || gaad.marker.is_some() || gaad.next_token.is_some() {
        return Err(ParseError::new(
            "the recording is one page of several (it has IsTruncated, Marker or NextToken): record the account again with the AWS CLI, which merges every page",
            None,
        ));
    }
    let mut users = Vec::with_capacity(gaad.user_detail_list.len());
    for user in gaad.user_detail_list {
        // IAM names are 1 to 64 printable characters; anything else matches no report row.
        if user.user_name.is_empty() || user.user_name.chars().any(char::is_control) {
            return Err(ParseError::new(
                format!(
                    "UserDetailList has a user named `{}`, which IAM would not allow",
                    user.user_name.escape_debug()
                ),
                None,
            )
            .at_fields(vec![("UserName", user.user_name.clone())]));
        }
        users.push(User {
            inline_policies: inline(user.user_policy_list, "UserName", &user.user_name)?,
            attached_policies: user
                .attached_managed_policies
                .into_iter()
                .map(|p| p.policy_arn)
                .collect(),
            groups: user.group_list,
            id: user.user_id,
            tags: user.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            permissions_boundary: user
                .permissions_boundary
                .map(|b| b.permissions_boundary_arn),
            arn: user.arn,
            name: user.user_name,
            ..User::default()
        });
    }
    users.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = users.windows(2).find(|pair| pair[0].name == pair[1].name) {
        let name = pair[0].name.clone();
        return Err(ParseError::new(
            format!("user `{name}` appears twice in UserDetailList"),
            None,
        )
        .at_fields(vec![("UserName", name.clone()), ("UserName", name)]));
    }
    let mut groups = HashMap::with_capacity(gaad.group_detail_list.len());
    for group in gaad.group_detail_list {
        let inline_policies = inline(group.group_policy_list, "GroupName", &group.group_name)?;
        let attached_policies = group
            .attached_managed_policies
            .into_iter()
            .map(|p| p.policy_arn)
            .collect();
        let name = group.group_name.clone();
        let twice = groups
            .insert(
                name.clone(),
                Group {
                    name: group.group_name,
                    inline_policies,
                    attached_policies,
                },
            )
            .is_some();
        // Which of the two a member's permissions come from would be a guess.
        if twice {
            return Err(ParseError::new(
                format!("group `{name}` appears twice in GroupDetailList"),
                None,
            )
            .at_fields(vec![("GroupName", name.clone()), ("GroupName", name)]));
        }
    }
    let roles = roles(gaad.role_detail_list)?;
    let mut managed_policies = HashMap::with_capacity(gaad.policies.len());
    for mut policy in gaad.policies {
        let default = default_version(&policy)?;
        let document = match default.and_then(|i| policy.policy_version_list[i].document.take()) {
            Some(raw) => Some(Document::from_raw(raw).map_err(|e| {
                ParseError::new(
                    format!("managed policy `{}`: {}", policy.arn, e.message),
                    None,
                )
                .at_fields(vec![("Arn", policy.arn.clone())])
            })?),
            None => None,
        };
        // The name is the ARN's last segment; some IAM-compatible endpoints omit it.
        let name = policy
            .policy_name
            .unwrap_or_else(|| policy.arn.rsplit('/').next().unwrap_or_default().to_owned());
        let arn = policy.arn;
        if managed_policies
            .insert(arn.clone(), ManagedPolicy { name, document })
            .is_some()
        {
            return Err(ParseError::new(
                format!("managed policy `{arn}` appears twice in Policies"),
                None,
            )
            .at_fields(vec![("Arn", arn.clone()), ("Arn", arn)]));
        }
    }
    Ok(Authorization {
        users,
        groups,
        roles,
        managed_policies,
    })
}

/// The roles of `RoleDetailList`, sorted by name; a role listed twice, or whose trust or inline
/// policy does not read, refuses the recording.
fn roles(list: Vec<GaadRole>) -> Result<Vec<Role>, ParseError> {
    let mut roles = Vec::with_capacity(list.len());
    for role in list {
        let at = || vec![("RoleName", role.role_name.clone())];
        let trust = match &role.assume_role_policy_document {
            Some(document) => super::trust::parse(document).map_err(|e| {
                ParseError::new(
                    format!(
                        "the trust policy of role `{}`: {}",
                        role.role_name, e.message
                    ),
                    None,
                )
                .at_fields(at())
            })?,
            None => Vec::new(),
        };
        roles.push(Role {
            inline_policies: inline(role.role_policy_list, "RoleName", &role.role_name)?,
            attached_policies: (role.attached_managed_policies.into_iter())
                .map(|p| p.policy_arn)
                .collect(),
            trust,
            path: role.path.unwrap_or_else(|| "/".to_owned()),
            arn: role.arn,
            name: role.role_name,
        });
    }
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = roles.windows(2).find(|pair| pair[0].name == pair[1].name) {
        let name = pair[0].name.clone();
        return Err(ParseError::new(
            format!("role `{name}` appears twice in RoleDetailList"),
            None,
        )
        .at_fields(vec![("RoleName", name.clone()), ("RoleName", name)]));
    }
    Ok(roles)
}

/// The index of a managed policy's default version: the one marked `IsDefaultVersion`, which must
/// agree with `DefaultVersionId` when both are given. Two defaults, or a mark and an id that
/// disagree, make the policy's effective permissions unknowable, so the recording is refused.
fn default_version(policy: &GaadPolicy) -> Result<Option<usize>, ParseError> {
    let versions = &policy.policy_version_list;
    let marked: Vec<usize> = (0..versions.len())
        .filter(|&i| versions[i].is_default_version)
        .collect();
    let named = policy.default_version_id.as_ref().and_then(|id| {
        versions
            .iter()
            .position(|v| v.version_id.as_ref() == Some(id))
    });
    let refuse = |why: String| {
        Err(
            ParseError::new(format!("managed policy `{}`: {why}", policy.arn), None)
                .at_fields(vec![("Arn", policy.arn.clone())]),
        )
    };
    match (marked.as_slice(), named) {
        ([_, _, ..], _) => refuse(format!(
            "{} versions are marked IsDefaultVersion",
            marked.len()
        )),
        ([one], Some(named)) if *one != named => refuse(format!(
            "DefaultVersionId is `{}` but IsDefaultVersion marks `{}`",
            policy.default_version_id.as_deref().unwrap_or_default(),
            versions[*one].version_id.as_deref().unwrap_or("?")
        )),
        ([one], _) => Ok(Some(*one)),
        ([], named) => Ok(named),
    }
}
