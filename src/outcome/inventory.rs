//! The estate (`inventory`): every cluster of an infrastructure checkout, what its cluster file
//! says, how old the deployer credentials it names are against their limit, and, where a policy
//! covers its account, that account's verdict. Clusters on other clouds are listed as not covered;
//! a cluster whose files cannot be read is listed with its problems. [`Inventory::accounts`]
//! gathers the AWS clusters by account, with the standing of the account's oldest credentials.

use super::expiries::Standing;
use super::verdict::Verdict;
use jiff::Timestamp;

/// The estate as of `now`.
pub struct Inventory {
    /// The run's instant: the credentials' ages are counted to it.
    pub now: Timestamp,
    /// The checkout, as given on the command line.
    pub infrastructure: String,
    /// Every cluster folder, by name.
    pub clusters: Vec<Cluster>,
    /// Errors in the policies (lint's, and their cluster files' disagreements).
    pub policy_errors: usize,
}

/// One `config/clusters/<name>/` folder.
pub struct Cluster {
    /// The folder's name.
    pub name: String,
    /// The cluster file, relative to the checkout.
    pub file: String,
    /// `provider:` as the file says it; `None` when it says none or could not be read.
    pub provider: Option<String>,
    /// What an AWS cluster holds; `None` for any other provider (not covered) or an unreadable
    /// file.
    pub aws: Option<AwsCluster>,
    /// What could not be read, in words; the rest is still listed.
    pub problems: Vec<String>,
}

impl Cluster {
    /// Whether smce-guard covers the cluster: its file says `provider: aws`.
    pub fn covered(&self) -> bool {
        self.aws.is_some()
    }
}

/// An AWS cluster's account, cluster and deployer credentials.
pub struct AwsCluster {
    /// `aws.account` (or a 12-digit top-level `account`).
    pub account_id: Option<String>,
    /// The account's name: its policy's `account.name`, else the cluster's folder name, whichever
    /// first is a valid `account.name`; `None` when neither is.
    pub account_name: Option<String>,
    pub region: Option<String>,
    /// `aws.clusterName`.
    pub cluster_name: Option<String>,
    /// The credentials file `aws.key` names, relative to the checkout.
    pub credentials_file: Option<String>,
    /// Its `sops.lastmodified` and standing, when it could be dated.
    pub credentials: Option<Credentials>,
    /// The age limit the credentials are held to.
    pub limit: Limit,
    /// The verdict of the policy for this account, if there is one.
    pub policy: Option<PolicyVerdict>,
}

/// How old the credentials may grow, and where that comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max_age_days: u32,
    pub warn_days: u32,
    /// Whether the account's policy set it (`credentials.max_age_days`); else the default, 60.
    pub from_policy: bool,
}

/// The deployer credentials file, dated by its sops metadata (never decrypted).
pub struct Credentials {
    /// `sops.lastmodified`: when the file was last re-encrypted, i.e. the last rotation.
    pub modified: Timestamp,
    /// Whole days from `modified` to the run's instant.
    pub age_days: i64,
    /// When the warning window opens (`due` minus `warn_days`).
    pub warn_at: Timestamp,
    /// `modified` plus `max_age_days`.
    pub due: Timestamp,
    /// Whole days until `due` (negative once past).
    pub days_left: i64,
    pub standing: Standing,
}

/// What judging the account's policy came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Judged with no unwaived finding.
    Ok,
    /// Judged with unwaived findings (errors or warnings; see the counts).
    Drift,
    /// The account could not be read (live), or its recording lacks a required file.
    Unobserved,
    /// The recording is broken, or of another account.
    Invalid,
    /// `--fixtures` holds no recording of the account.
    NoRecording,
    /// The policy has lint errors and was not judged.
    PolicyInvalid,
}

impl Judgement {
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Ok => "ok",
            Judgement::Drift => "drift",
            Judgement::Unobserved => "unobserved",
            Judgement::Invalid => "invalid",
            Judgement::NoRecording => "no recording",
            Judgement::PolicyInvalid => "policy invalid",
        }
    }
}

/// The verdict of the policy that covers a cluster's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVerdict {
    /// The policy file, as named on the command line.
    pub file: String,
    pub account_name: String,
    pub judgement: Judgement,
    /// Unwaived errors and warnings.
    pub errors: usize,
    pub warnings: usize,
    /// The codes of the unwaived findings, each once, sorted.
    pub codes: Vec<&'static str>,
    /// Why it was not judged, when it was not.
    pub reason: Option<String>,
}

impl Inventory {
    /// Invalid input (exit 2): a policy error, a cluster whose files cannot be read, or a broken
    /// recording; unobserved (3): an account that could not be read; drift (1): credentials
    /// past their limit, or a judged account with an unwaived error.
    pub fn verdict(&self) -> Verdict {
        let policies = || {
            self.clusters
                .iter()
                .filter_map(|c| c.aws.as_ref()?.policy.as_ref())
        };
        Verdict {
            invalid: self.policy_errors > 0
                || self.clusters.iter().any(|c| !c.problems.is_empty())
                || policies().any(|p| p.judgement == Judgement::Invalid),
            unobserved: policies().any(|p| p.judgement == Judgement::Unobserved),
            drift: (self.clusters.iter())
                .filter_map(|c| c.aws.as_ref()?.credentials.as_ref())
                .any(|c| c.standing == Standing::Expired)
                || policies().any(|p| p.judgement == Judgement::Drift && p.errors > 0),
            uncertain: false,
        }
    }
}

/// How an account's deployer credentials stand, over all its clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountStanding {
    /// Every credentials file is dated and outside its warning window.
    Ok,
    /// A credentials file could not be dated, and none is expiring or expired.
    Unknown,
    /// A credentials file is within its warning window, none past its limit.
    Expiring,
    /// A credentials file is past its limit.
    Expired,
}

impl AccountStanding {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStanding::Ok => "ok",
            AccountStanding::Unknown => "unknown",
            AccountStanding::Expiring => "expiring",
            AccountStanding::Expired => "expired",
        }
    }
}

/// One AWS account of the estate: the clusters that name it, by folder name.
pub struct Account<'a> {
    pub id: &'a str,
    /// The first cluster's account name ([`AwsCluster::account_name`]).
    pub name: Option<&'a str>,
    pub clusters: Vec<&'a Cluster>,
    /// The worst standing of its clusters' credentials.
    pub standing: AccountStanding,
    /// The oldest dated credentials of the account (the first due), if any is dated.
    pub oldest: Option<&'a Credentials>,
    /// The limit its credentials are held to (one per account: the policy's, else the default).
    pub limit: Limit,
}

impl Inventory {
    /// The AWS accounts of the estate, by id, each with its clusters in folder order. A cluster
    /// whose file names no well-formed account id belongs to no account (it is listed with its
    /// problems).
    pub fn accounts(&self) -> Vec<Account<'_>> {
        let mut by_id: std::collections::BTreeMap<&str, Account<'_>> = Default::default();
        for cluster in &self.clusters {
            let Some(aws) = &cluster.aws else { continue };
            let Some(id) = aws.account_id.as_deref() else {
                continue;
            };
            let standing = match aws.credentials.as_ref().map(|c| c.standing) {
                None => AccountStanding::Unknown,
                Some(Standing::Fresh) => AccountStanding::Ok,
                Some(Standing::Expiring) => AccountStanding::Expiring,
                Some(Standing::Expired) => AccountStanding::Expired,
            };
            let account = by_id.entry(id).or_insert_with(|| Account {
                id,
                name: aws.account_name.as_deref(),
                clusters: Vec::new(),
                standing: AccountStanding::Ok,
                oldest: None,
                limit: aws.limit,
            });
            account.clusters.push(cluster);
            account.standing = account.standing.max(standing);
            if let Some(c) = &aws.credentials
                && account.oldest.is_none_or(|o| c.due < o.due)
            {
                account.oldest = Some(c);
            }
        }
        by_id.into_values().collect()
    }
}
