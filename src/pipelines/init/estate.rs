//! `init --infrastructure DIR` without an account name: a first policy for every AWS cluster of
//! the checkout whose account has none yet, written from the cluster file alone through the same
//! [`Plan`] and text as one account's, into the policies folder. The clusters are the ones
//! `inventory` lists ([`crate::infrastructure::estate::scan`], one scanner); an account already
//! covered (a policy declaring its id, or its name) is skipped, and so are clusters on other
//! clouds and clusters whose files are broken, each with the reason.
//!
//! No account is read: a policy says what the account should be, never what it holds, so
//! reading the account would change only its comments, while the estate's twenty accounts would
//! need twenty sets of credentials. `check` then reports what the account holds beyond it. Every
//! policy is linted, and held to its cluster file as `lint --infrastructure` holds it, before it
//! is written; none replaces a file, each appears whole (one atomic writer).

use super::{DEPLOYER, Plan, linted, schema, text};
use crate::base::codes::Severity;
use crate::infrastructure::estate::{self, Scanned};
use crate::outcome::init::{EstateInit, InitAction, InitCluster};
use crate::policy::model::is_account_name;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `init` is asked for the estate.
pub struct EstateOptions {
    /// The infrastructure checkout.
    pub infrastructure: PathBuf,
    /// The folder the policies go into (created when missing); its policies are the existing ones.
    pub out_dir: PathBuf,
}

/// The policies already in the folder: their files by account id and by account name.
#[derive(Default)]
struct Existing {
    by_id: HashMap<String, String>,
    by_name: HashMap<String, (String, String)>,
}

impl Existing {
    fn add(&mut self, id: &str, name: &str, file: &str) {
        (self.by_id).entry(id.to_owned()).or_insert(file.to_owned());
        (self.by_name)
            .entry(name.to_owned())
            .or_insert((file.to_owned(), id.to_owned()));
    }
}

/// Writes the estate's missing policies. `notes` receives what was read and decided, for `-v`;
/// fails only when the checkout has no clusters folder, or the folder the policies go into
/// cannot be one.
pub fn run(options: &EstateOptions, notes: &mut Vec<String>) -> Result<EstateInit, String> {
    let dir = &options.infrastructure;
    let out = &options.out_dir;
    let scanned = estate::scan(dir)?;
    notes.push(format!(
        "read {} cluster folders in {}",
        scanned.len(),
        dir.join(estate::CLUSTERS).display()
    ));
    let mut said = Vec::new();
    let mut existing = Existing::default();
    if out.is_dir() {
        let set = crate::policy::load(std::slice::from_ref(out), None);
        for declared in &set.policies {
            let file = &set.files.get(declared.file).name;
            existing.add(&declared.account.id, &declared.account.name, file);
        }
        notes.push(format!(
            "read {} policies in {}: {} account ids",
            set.policies.len(),
            out.display(),
            existing.by_id.len()
        ));
        // A file that did not even parse declares no account: a policy written now may cover
        // the same one, so say which.
        let read: Vec<usize> = set.policies.iter().map(|d| d.file).collect();
        for id in (0..set.files.len()).filter(|id| !read.contains(id)) {
            said.push(format!(
                "{} declares no account init could read (`smce-guard lint` says why): a policy written now may cover the same account",
                set.files.get(id).name
            ));
        }
    } else if std::fs::symlink_metadata(out).is_ok() {
        return Err(format!("{} exists and is not a folder", out.display()));
    }
    let place = schema::place(Some(out))?;
    notes.push(format!("$schema={}", place.reference));
    said.extend(place.note.clone());
    let mut clusters = Vec::with_capacity(scanned.len());
    let mut schema_ready = false;
    for cluster in &scanned {
        let action = match decide(cluster, dir, &existing, &place.reference) {
            Decision::Done(action) => action,
            Decision::Write(name, text) => {
                match write(out, &name, &text, &place, &mut schema_ready, &mut said) {
                    Ok(file) => {
                        let id = cluster.account_id().unwrap_or_default();
                        existing.add(id, &cluster.name, &file);
                        let region = (cluster.file.as_ref().ok())
                            .and_then(|f| f.region.as_ref())
                            .map(|r| r.value.clone());
                        let region = region.unwrap_or_default();
                        InitAction::Wrote { file, region }
                    }
                    Err(reason) => InitAction::Refused { reason },
                }
            }
        };
        clusters.push(InitCluster {
            name: cluster.name.clone(),
            account_id: cluster.account_id().map(str::to_owned),
            action,
        });
    }
    Ok(EstateInit {
        out_dir: out.display().to_string(),
        clusters,
        notes: said,
    })
}

enum Decision {
    /// Write this text as `<name>.yaml`.
    Write(String, String),
    Done(InitAction),
}

/// What to do for one cluster folder; the policy's text when one is to be written.
fn decide(cluster: &Scanned, dir: &Path, existing: &Existing, schema: &str) -> Decision {
    let done = Decision::Done;
    let problems = cluster.problems();
    let file = match &cluster.file {
        Ok(file) => file,
        Err(_) => return done(InitAction::Broken { problems }),
    };
    if let Some(provider) = file.provider.as_deref().filter(|p| *p != "aws") {
        let provider = provider.to_owned();
        return done(InitAction::NotCovered { provider });
    }
    if !problems.is_empty() {
        return done(InitAction::Broken { problems });
    }
    let id = cluster
        .account_id()
        .expect("a sound AWS cluster names its account");
    let name = &cluster.name;
    if let Some(policy) = existing.by_id.get(id) {
        let file = policy.clone();
        return done(InitAction::HasPolicy {
            file,
            other_id: None,
        });
    }
    if let Some((policy, other)) = existing.by_name.get(name) {
        return done(InitAction::HasPolicy {
            file: policy.clone(),
            other_id: Some(other.clone()),
        });
    }
    if !is_account_name(name) {
        return done(InitAction::Refused {
            reason: format!(
                "the folder's name is not a valid account.name (lowercase letters, digits, `.`, `_` and `-`, at most 63): write its policy with `init --account-name NAME --infrastructure DIR --out FILE` and `account.cluster_config: {}`",
                cluster.path
            ),
        });
    }
    let value = |f: &Option<crate::infrastructure::Field>| f.as_ref().map(|f| f.value.clone());
    let plan = Plan {
        schema: schema.to_owned(),
        id: id.to_owned(),
        name: name.clone(),
        region: value(&file.region).unwrap_or_default(),
        cluster: value(&file.cluster_name).unwrap_or_default(),
        cluster_file: Some(cluster.path.clone()),
        deployer: DEPLOYER.to_owned(),
        found: None,
    };
    let policy_text = text::write(&plan);
    let policy = match linted(&policy_text) {
        Ok(Some(policy)) => policy,
        Ok(None) => unreachable!("a policy without lint errors is read"),
        Err(error) => {
            let reason = match error {
                super::InitError::Invalid(reason) | super::InitError::Unobserved(reason) => reason,
            };
            return done(InitAction::Refused { reason });
        }
    };
    // Held to its cluster file as `lint --infrastructure` holds it: no policy that fails there.
    let naming = crate::infrastructure::Place::of(dir);
    let (found, _) = crate::infrastructure::compare(dir, &naming, &policy, 0);
    if let Some(problem) = found.iter().find(|d| d.severity == Severity::Error) {
        return done(InitAction::Refused {
            reason: format!(
                "the policy would not agree with its cluster file ({}: {})",
                problem.code, problem.message
            ),
        });
    }
    Decision::Write(name.clone(), policy_text)
}

/// Writes one policy (and, before the first, the schema it names when none is there), never
/// over a file: `<out>/<name>.yaml`, refused when it or `<name>.yml` exists. Returns the path
/// written.
fn write(
    out: &Path,
    name: &str,
    text: &str,
    place: &schema::SchemaPlace,
    schema_ready: &mut bool,
    said: &mut Vec<String>,
) -> Result<String, String> {
    let target = out.join(format!("{name}.yaml"));
    let yml = out.join(format!("{name}.yml"));
    if let Some(taken) = [&target, &yml]
        .into_iter()
        .find(|p| std::fs::symlink_metadata(p).is_ok())
    {
        return Err(format!(
            "{} exists (a policy of another account, or not a policy); init never replaces a file",
            taken.display()
        ));
    }
    if !*schema_ready {
        std::fs::create_dir_all(out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        // The schema first: a policy is never left naming a schema that is not there.
        said.extend(schema::provide(place)?);
        *schema_ready = true;
    }
    crate::base::atomic::write_new(&target, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    Ok(target.display().to_string())
}
