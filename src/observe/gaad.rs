//! `GetAccountAuthorizationDetails` output (the AWS CLI's JSON, all pages merged): users with their
//! groups and policies, groups with theirs, and managed policies with their versions.

use super::ParseError;
use super::document::{Document, RawDocument};
use super::model::{Group, ManagedPolicy, NamedDocument, User};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Gaad {
    /// Required: a document without it is not an authorization-details recording.
    pub user_detail_list: Vec<GaadUser>,
    #[serde(default)]
    pub group_detail_list: Vec<GaadGroup>,
    #[serde(default)]
    pub policies: Vec<GaadPolicy>,
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
pub struct Authorization {
    pub users: Vec<User>,
    pub groups: HashMap<String, Group>,
    pub managed_policies: HashMap<String, ManagedPolicy>,
}

/// Parses the JSON text of an authorization-details recording.
pub fn parse(text: &str) -> Result<Authorization, ParseError> {
    let gaad: Gaad = serde_json::from_str(text).map_err(|e| ParseError::from_json(&e, text))?;
    convert(gaad)
}

fn inline(list: Vec<InlinePolicy>, owner: &str) -> Result<Vec<NamedDocument>, ParseError> {
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
            })?;
            Ok(NamedDocument {
                name: p.policy_name,
                document,
            })
        })
        .collect()
}

/// Turns the wire shapes into the model; shared by the fixture reader and the live reader.
pub fn convert(gaad: Gaad) -> Result<Authorization, ParseError> {
    let mut users = Vec::with_capacity(gaad.user_detail_list.len());
    for user in gaad.user_detail_list {
        users.push(User {
            inline_policies: inline(user.user_policy_list, &user.user_name)?,
            attached_policies: user
                .attached_managed_policies
                .into_iter()
                .map(|p| p.policy_arn)
                .collect(),
            groups: user.group_list,
            arn: user.arn,
            name: user.user_name,
            ..User::default()
        });
    }
    users.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = users.windows(2).find(|pair| pair[0].name == pair[1].name) {
        return Err(ParseError::new(
            format!("user `{}` appears twice in UserDetailList", pair[0].name),
            None,
        ));
    }
    let mut groups = HashMap::with_capacity(gaad.group_detail_list.len());
    for group in gaad.group_detail_list {
        let inline_policies = inline(group.group_policy_list, &group.group_name)?;
        let attached_policies = group
            .attached_managed_policies
            .into_iter()
            .map(|p| p.policy_arn)
            .collect();
        groups.insert(
            group.group_name.clone(),
            Group {
                name: group.group_name,
                inline_policies,
                attached_policies,
            },
        );
    }
    let mut managed_policies = HashMap::with_capacity(gaad.policies.len());
    for mut policy in gaad.policies {
        let default_version = policy.default_version_id.clone();
        let default = policy.policy_version_list.iter_mut().find(|v| {
            v.is_default_version || (v.version_id.is_some() && v.version_id == default_version)
        });
        let document = match default.and_then(|v| v.document.take()) {
            Some(raw) => Some(Document::from_raw(raw).map_err(|e| {
                ParseError::new(
                    format!("managed policy `{}`: {}", policy.arn, e.message),
                    None,
                )
            })?),
            None => None,
        };
        // The name is the ARN's last segment; some IAM-compatible endpoints omit it.
        let name = policy
            .policy_name
            .unwrap_or_else(|| policy.arn.rsplit('/').next().unwrap_or_default().to_owned());
        managed_policies.insert(policy.arn, ManagedPolicy { name, document });
    }
    Ok(Authorization {
        users,
        groups,
        managed_policies,
    })
}
