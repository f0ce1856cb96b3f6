//! The estate: every cluster folder of an infrastructure checkout (`config/clusters/*/`), each
//! read with this module's own cluster-file and sops readers ([`super::read_cluster`],
//! [`super::sops_modified`]): confined to the checkout, bounded, never decrypted. A folder whose
//! files cannot be read is kept with the reason, so no cluster is silently dropped. What is wrong
//! with a cluster is said here once ([`Scanned::problems`]), for `inventory` and `init` alike.

use super::ClusterFile;
use jiff::Timestamp;
use rayon::prelude::*;
use std::path::Path;

/// Where the clusters live in a checkout.
pub const CLUSTERS: &str = "config/clusters";

/// One cluster folder as read.
pub struct Scanned {
    /// The folder's name.
    pub name: String,
    /// `config/clusters/<name>/cluster.yaml`.
    pub path: String,
    /// The cluster file, or why it cannot be read.
    pub file: Result<ClusterFile, String>,
    /// For an AWS cluster whose file names `aws.key`: that file, relative to the checkout, and
    /// its `sops.lastmodified` or why it has none.
    pub credentials: Option<(String, Result<Timestamp, String>)>,
}

/// Every folder under `dir/config/clusters`, by name, read in parallel. Entries that are not
/// folders (a README) are not clusters; a checkout without the folder is refused.
pub fn scan(dir: &Path) -> Result<Vec<Scanned>, String> {
    let clusters = dir.join(CLUSTERS);
    let entries = std::fs::read_dir(&clusters).map_err(|e| {
        format!(
            "{} has no {CLUSTERS} folder to list ({e}): give --infrastructure a checkout of 2i2c's infrastructure repository",
            dir.display()
        )
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", clusters.display()))?;
        // `metadata` follows a link: a linked folder is a cluster too, and its files are still
        // read confined to the checkout.
        if entry.path().is_dir() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names.into_par_iter().map(|name| read(dir, name)).collect())
}

fn read(dir: &Path, name: String) -> Scanned {
    let folder = format!("{CLUSTERS}/{name}");
    let path = format!("{folder}/cluster.yaml");
    let file = super::read_cluster(dir, &path);
    let credentials = file.as_ref().ok().and_then(|cluster| {
        if cluster.provider.as_deref() != Some("aws") {
            return None;
        }
        let key = cluster.key.as_ref()?;
        let relative = format!("{folder}/{}", key.value);
        let modified = super::sops_modified(dir, &relative);
        Some((relative, modified))
    });
    Scanned {
        name,
        path,
        file,
        credentials,
    }
}

/// Whether `id` is an AWS account id: 12 digits.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

impl Scanned {
    /// Whether the cluster file says `provider: aws` (only such clusters are covered).
    pub fn is_aws(&self) -> bool {
        (self.file.as_ref()).is_ok_and(|f| f.provider.as_deref() == Some("aws"))
    }

    /// The account id of an AWS cluster, when its file names a well-formed one.
    pub fn account_id(&self) -> Option<&str> {
        let file = self.file.as_ref().ok()?;
        let id = file.account_id.as_ref()?.value.as_str();
        (self.is_aws() && is_account_id(id)).then_some(id)
    }

    /// What is wrong with the cluster, in words: a file that cannot be read or names no
    /// provider; for an AWS cluster, a missing `aws.account`, `aws.region`, `aws.clusterName` or
    /// `aws.key`, an account that is not 12 digits, a credentials file that cannot be dated.
    /// Empty for a sound cluster, and for one on another cloud.
    pub fn problems(&self) -> Vec<String> {
        let path = &self.path;
        let file = match &self.file {
            Ok(file) => file,
            Err(problem) => return vec![problem.clone()],
        };
        let mut problems = Vec::new();
        match file.provider.as_deref() {
            None => problems.push(format!("{path} says no `provider`")),
            Some("aws") => {}
            Some(_) => return problems,
        }
        if file.provider.is_none() {
            return problems;
        }
        for (field, key) in [
            (&file.account_id, "aws.account"),
            (&file.region, "aws.region"),
            (&file.cluster_name, "aws.clusterName"),
            (&file.key, "aws.key"),
        ] {
            if field.is_none() {
                let alias = if key == "aws.account" {
                    " (a top-level `account` that is not 12 digits is the console sign-in alias, not the id)"
                } else {
                    ""
                };
                problems.push(format!("{path} names no `{key}`{alias}"));
            }
        }
        if let Some(id) = (file.account_id.as_ref()).filter(|id| !is_account_id(&id.value)) {
            problems.push(format!(
                "{path}: `aws.account` is `{}`, not a 12-digit account id",
                id.value
            ));
        }
        if let Some((_, Err(problem))) = &self.credentials {
            problems.push(problem.clone());
        }
        problems
    }
}
