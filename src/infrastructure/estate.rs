//! The estate: every cluster folder of an infrastructure checkout (`config/clusters/*/`), each
//! read with this module's own cluster-file and sops readers ([`super::read_cluster`],
//! [`super::sops_modified`]): confined to the checkout, bounded, never decrypted. A folder whose
//! files cannot be read is kept with the reason, so no cluster is silently dropped.

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
