//! The text of a policy `init` writes, from a [`Plan`] decided beforehand: what an SMCE account
//! should be, with what the account holds beyond it said in comments (never declared), and the
//! contacts and the deployer's owner as commented placeholders for the team to fill in.
//!
//! Every value from outside (user names, group names, key ids, the cluster file's values) is
//! written as a YAML double-quoted scalar with every character that could end it or the line
//! escaped, and comments are stripped of line breaks, so an IAM user or a cluster file cannot add
//! a key to the policy.

use crate::policy::model::Groups;

/// Everything the policy says, decided before it is written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the `yaml-language-server` comment names, relative to the policy.
    pub schema: String,
    pub id: String,
    pub name: String,
    pub region: String,
    pub cluster: String,
    /// The cluster file the region and the cluster come from; `None` when they are assumed.
    pub cluster_file: Option<String>,
    /// The deployer's user name.
    pub deployer: String,
    /// What the account holds, when it was read.
    pub found: Option<Found>,
}

/// What the account holds that the policy mentions in comments.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The deployer as found; `None` when the account has no such user.
    pub deployer: Option<DeployerFound>,
    /// Every IAM user besides the deployer, with its groups.
    pub others: Vec<(String, Vec<String>)>,
    /// The account's `MaxPasswordAge`, when the account expires passwords after another number
    /// of days than SMCE's 60.
    pub max_password_age: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct DeployerFound {
    /// Its active keys, as reports name them.
    pub active_keys: Vec<String>,
    /// What it holds beyond the default grant, in `check`'s words.
    pub excess: Vec<String>,
    pub groups: Vec<String>,
}

/// The permission sets the Science Cloud portal offers on an SMCE account (2026).
pub const SMCE_PERMISSION_SETS: [&str; 3] =
    ["Project-Admin", "Project-Power-User", "Project-Read-Only"];

/// SMCE's limit on a credential's age, which is also the policy's default `max_age_days`.
pub const SMCE_MAX_AGE_DAYS: u32 = 60;

// The one YAML quoting of the crate (values and comments), as `quote` and `comment` here.
pub use crate::base::yaml_text::{comment, quoted as quote};

/// `names` for a comment: each escaped, joined by commas.
fn listed(names: &[String]) -> String {
    names
        .iter()
        .map(|n| comment(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy's text for `plan`.
pub fn write(plan: &Plan) -> String {
    let groups = Groups::default();
    let mut y = String::new();
    let mut line = |s: &str| {
        y.push_str(s);
        y.push('\n');
    };
    line(&format!(
        "# yaml-language-server: $schema={}",
        comment(&plan.schema)
    ));
    line(
        "# Written by `smce-guard init`: what an SMCE account should be, by SMCE's rules, so that",
    );
    line("# `check` reports whatever the account holds beyond it. Fill in the contacts, the");
    line("# deployer's owner and the permission sets, review, then commit.");
    if plan.found.is_none()
        && let Some(file) = &plan.cluster_file
    {
        line(&format!(
            "# Written from {} alone: the account itself was not read.",
            comment(file)
        ));
    }
    line("account:");
    line(&format!("  id: {}", quote(&plan.id)));
    line(&format!("  name: {}", quote(&plan.name)));
    let origin = match &plan.cluster_file {
        Some(file) => format!("from {}", comment(file)),
        None => "assumed: check it, or run init with --infrastructure".to_owned(),
    };
    line(&format!("  region: {}  # {origin}", quote(&plan.region)));
    line("  # Who must hear about expiring credentials (the calendar's \"who must act\"); `lint`");
    line("  # warns (policy.no-contacts) until this is filled in and uncommented:");
    line("  # contacts:");
    line("  #   - name: \"FILL IN: the community representative\"");
    line("  #     email: \"FILL IN: an address\"");
    line("members: []  # engineers sign in through SSO: the deployer is the only IAM user needed");
    if let Some(found) = &plan.found
        && !found.others.is_empty()
    {
        line(
            "# IAM users found besides the deployer: `check` reports each (user.unmanaged) until it is",
        );
        line("# deleted or, for an engineer's IAM user the team keeps, declared under `members`:");
        for (user, in_groups) in &found.others {
            let groups = match in_groups.as_slice() {
                [] => "in no group".to_owned(),
                some => format!("groups: {}", listed(some)),
            };
            line(&format!("#   - user: {}  # {groups}", quote(user)));
        }
    }
    line("deployer:");
    line(&format!("  user: {}", quote(&plan.deployer)));
    line(&format!("  cluster: {}  # {origin}", quote(&plan.cluster)));
    line("  # Who rotates this key (default: the contacts); fill in and uncomment:");
    line("  # owner: \"FILL IN: a name or team\"");
    let deployer = plan.found.as_ref().map(|found| found.deployer.as_ref());
    match deployer {
        None => {}
        Some(None) => {
            line("  # Not in the account: `check` reports deployer.missing until SMDE creates it.");
        }
        Some(Some(deployer)) => {
            if !deployer.excess.is_empty() {
                line(
                    "  # allow: the default, eks:DescribeCluster on this cluster only. The deployer holds",
                );
                line("  # more today, which `check` reports as deployer.excess-permission:");
                for finding in &deployer.excess {
                    line(&format!("  #   - {}", comment(finding)));
                }
            }
            let keys = deployer.active_keys.len();
            if keys != 1 {
                line(&format!(
                    "  # active_keys: the default, 1. The deployer holds {keys} active keys today{}",
                    if keys == 0 { "." } else { ":" }
                ));
                if keys > 0 {
                    line(&format!("  #   {}", listed(&deployer.active_keys)));
                }
                line("  # `check` reports deployer.key-count until it holds one.");
            }
            for (group, code, until) in [
                (
                    &groups.restricted,
                    "deployer.restricted",
                    "SMCE grants the MFA exemption",
                ),
                (
                    &groups.disabled,
                    "deployer.disabled",
                    "it is taken out of the group",
                ),
            ] {
                if deployer.groups.iter().any(|g| g == group) {
                    line(&format!(
                        "  # In {} today: `check` reports {code} until",
                        comment(group)
                    ));
                    line(&format!("  # {until}."));
                }
            }
        }
    }
    // Which sets an account must offer is the team's to say: SMCE's portal offers three, 2i2c's
    // own organization others. Declared, a missing one is an error, so init declares none.
    line(
        "# Permission sets (IAM Identity Center) the account must offer: left for the team to fill",
    );
    line(
        "# in. An SMCE account offers these three in the Science Cloud portal; uncomment the ones",
    );
    line("# this account must have, and `check` reports one missing or one not declared:");
    line("# sso:");
    line("#   permission_sets:");
    for set in SMCE_PERMISSION_SETS {
        line(&format!("#     - name: {set}"));
    }
    line(&format!(
        "# credentials: SMCE's limits are the defaults (keys and passwords expire at {SMCE_MAX_AGE_DAYS} days)."
    ));
    if let Some(days) = plan.found.as_ref().and_then(|f| f.max_password_age) {
        line(&format!(
            "# The account's password policy says MaxPasswordAge {days}: it governs console passwords,"
        ));
        line("# never access keys; `check` reports account.password-policy while the two differ.");
    }
    line("ignore_users: []  # IAM users someone else manages, never reported: init lists none");
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoting (`base::yaml_text`) read back by the policies' own parser: no value adds a
    /// key, a line or a document.
    #[test]
    fn yaml_values_read_back_as_one_scalar() {
        for hostile in [
            "x\n---\nroot: ignore",
            "\"\n  - evil",
            "# c",
            "a\u{85}b",
            "###[x",
        ] {
            let text = format!("k: {}\n", quote(hostile));
            let parsed = crate::policy::yaml::parse(0, &text);
            assert!(parsed.diagnostics.is_empty(), "{hostile:?}");
            assert_eq!(parsed.value.unwrap()["k"], hostile, "{hostile:?}");
        }
    }
}
