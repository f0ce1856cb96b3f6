//! Which accounts a command reads: by name (`--account`, repeatable) and by stable shard
//! (`--shard K/N`), and where their recordings are. One meaning for every command that reads
//! accounts (`check`, `expiries`, `snapshot`, `verify-key`), each a usage error found before any
//! account is read: a name no policy declares (naming the known accounts), a selection of valid
//! policies that holds no account (a run that judges nothing must not pass), and a `--fixtures`
//! that is not a folder. `check` of a whole directory also reports recordings no policy reads
//! ([`orphans`]).

use crate::base::codes::{Code, Severity};
use crate::base::diag::Diagnostic;
use crate::base::source::FileId;
use crate::observe::Source;
use crate::policy::{Declared, PolicySet};
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// The accounts a run is limited to; the default selects every account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Account names (`account.name`); empty selects every name.
    pub names: Vec<String>,
    pub shard: Option<Shard>,
}

/// One of N stable slices of the accounts, by account id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected K/N with 1 <= K <= N, such as 2/4; found `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the account with this id falls into this shard. Account ids are numbers, so the
    /// split is the id modulo N: stable across runs and machines.
    pub fn contains(&self, account_id: &str) -> bool {
        let number = account_id.parse::<u64>().unwrap_or_else(|_| {
            account_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        });
        number % self.count == self.index - 1
    }
}

/// `--account` names that no policy declares: a usage error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAccounts {
    pub unknown: Vec<String>,
    pub known: Vec<String>,
}

impl fmt::Display for UnknownAccounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let known = if self.known.is_empty() {
            "none".to_owned()
        } else {
            self.known.join(", ")
        };
        let noun = if self.unknown.len() == 1 {
            "account"
        } else {
            "accounts"
        };
        write!(
            f,
            "no policy declares {noun} {} (known: {known})",
            quoted(&self.unknown)
        )
    }
}

/// Why a command has nothing to read: a usage error (exit 2), found before any account is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectError {
    /// `--account` names that no policy declares.
    Unknown(UnknownAccounts),
    /// Valid policies, none of them selected: `selection` says how they were narrowed.
    Nothing { selection: String, accounts: usize },
    /// `--fixtures` is not a folder (a typo, or run from another directory).
    NoRecordings(PathBuf),
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Unknown(unknown) => unknown.fmt(f),
            SelectError::Nothing {
                selection,
                accounts,
            } => write!(
                f,
                "{selection} selects none of the {accounts} account(s) the policies declare: a run that judges no account would pass without checking anything (shards split the accounts by id modulo N, so a shard can be empty; use fewer shards)"
            ),
            SelectError::NoRecordings(dir) => write!(
                f,
                "--fixtures {}: no such folder (it holds the recordings, one folder per account name); give the right folder, record the accounts with `smce-guard snapshot {}`, or read them live with --live",
                dir.display(),
                crate::base::shell::option("--out", &dir.display().to_string())
            ),
        }
    }
}

/// Refuses recordings that are not a folder: every account would be `account.unobserved`, when
/// the mistake is one argument's.
pub fn recordings(source: &Source) -> Result<(), SelectError> {
    match source {
        Source::Recordings(dir) if !dir.is_dir() => Err(SelectError::NoRecordings(dir.clone())),
        _ => Ok(()),
    }
}

/// `fixture.orphan` for each recording under `dir` that no policy of `set` declares: reported
/// only when every account's policy is known, that is when the whole of every directory in
/// `paths` is read (no file named alone, no `--account`, no `--shard`) and every policy file
/// could be read as far as its account (a broken one's recording would look orphaned; the
/// run fails on that file anyway). Folders whose names start with a dot are not recordings.
pub fn orphans(
    dir: &Path,
    set: &PolicySet,
    selection: &Selection,
    paths: &[PathBuf],
) -> Vec<Diagnostic> {
    let whole =
        selection.names.is_empty() && selection.shard.is_none() && paths.iter().all(|p| p.is_dir());
    let read: HashSet<FileId> = set.policies.iter().map(|d| d.file).collect();
    let unread = (set.diagnostics.iter())
        .any(|d| d.severity == Severity::Error && d.file.is_some_and(|f| !read.contains(&f)));
    if !whole || unread {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let declared: HashSet<&str> = set
        .policies
        .iter()
        .map(|d| d.account.name.as_str())
        .collect();
    let mut orphans: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.') && !declared.contains(name.as_str()))
        .collect();
    orphans.sort();
    orphans
        .into_iter()
        .map(|name| {
            let folder = dir.join(&name);
            Diagnostic::new(
                Code::FixtureOrphan,
                format!(
                    "{} is a recording of account `{name}`, which no policy declares: nobody checks it",
                    folder.display()
                ),
            )
            .with_severity(Severity::Warning)
            .with_detail("recording", folder.display().to_string())
            .with_help(Code::FixtureOrphan.explanation().fix)
        })
        .collect()
}

/// The policies a run judges, and the lint problems that belong to it.
pub struct Selected {
    pub set: PolicySet,
    /// Indexes into `set.policies` of the valid, selected policies, in file order.
    pub chosen: Vec<usize>,
}

impl Selected {
    pub fn policies(&self) -> impl Iterator<Item = &Declared> {
        self.chosen.iter().map(|&i| &self.set.policies[i])
    }

    /// Errors among the lint problems that belong to this run.
    pub fn policy_errors(&self) -> usize {
        self.set
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::base::codes::Severity::Error)
            .count()
    }
}

impl Selection {
    /// Whether `declared` is selected (its name, if names are given, and its shard).
    pub fn contains(&self, declared: &Declared) -> bool {
        let account = &declared.account;
        (self.names.is_empty() || self.names.contains(&account.name))
            && self.shard.is_none_or(|shard| shard.contains(&account.id))
    }

    /// How the command line spelt this selection, for messages.
    fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .names
            .iter()
            .map(|n| format!("--account {n}"))
            .collect();
        if let Some(shard) = self.shard {
            parts.push(format!("--shard {}/{}", shard.index, shard.count));
        }
        if parts.is_empty() {
            "the selection".to_owned()
        } else {
            parts.join(" ")
        }
    }

    /// Narrows a linted policy set to this selection. With names, lint problems of files not
    /// selected are dropped (they belong to other accounts); problems of no file stay. A
    /// selection that leaves no account while no policy error explains it is refused: such a
    /// run would judge nothing and pass.
    pub fn apply(&self, mut set: PolicySet) -> Result<Selected, SelectError> {
        let unknown: Vec<String> = self
            .names
            .iter()
            .filter(|name| !set.policies.iter().any(|d| d.account.name == **name))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let mut known: Vec<String> = set
                .policies
                .iter()
                .map(|d| d.account.name.clone())
                .collect();
            known.sort();
            known.dedup();
            return Err(SelectError::Unknown(UnknownAccounts { unknown, known }));
        }
        if !self.names.is_empty() {
            let files: HashSet<FileId> = set
                .policies
                .iter()
                .filter(|d| self.names.contains(&d.account.name))
                .map(|d| d.file)
                .collect();
            set.diagnostics
                .retain(|d: &Diagnostic| d.file.is_none_or(|f| files.contains(&f)));
        }
        let valid: HashSet<FileId> = set.valid().map(|d| d.file).collect();
        let chosen: Vec<usize> = (0..set.policies.len())
            .filter(|&i| {
                let declared = &set.policies[i];
                valid.contains(&declared.file) && self.contains(declared)
            })
            .collect();
        if chosen.is_empty() && !set.has_errors() {
            return Err(SelectError::Nothing {
                selection: self.describe(),
                accounts: valid.len(),
            });
        }
        Ok(Selected { set, chosen })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_by_account_id_and_cover_every_account_once() {
        let ids = [
            "444055461661",
            "597746869805",
            "916098889494",
            "515966502221",
        ];
        let shards: Vec<Shard> = ["1/3", "2/3", "3/3"].map(|s| s.parse().unwrap()).to_vec();
        for id in ids {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1, "{id}");
        }
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_names_are_listed_with_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["hub", "other"] {
            let id = if name == "hub" {
                "123456789012"
            } else {
                "210987654321"
            };
            std::fs::write(
                dir.path().join(format!("{name}.yaml")),
                format!("account:\n  id: \"{id}\"\n  name: {name}\n"),
            )
            .unwrap();
        }
        let set = crate::policy::load(&[dir.path().to_owned()], None);
        let selection = Selection {
            names: vec!["hub".into(), "nope".into()],
            shard: None,
        };
        let Err(SelectError::Unknown(error)) = selection.apply(set) else {
            panic!("an unknown name is refused");
        };
        assert_eq!(error.unknown, ["nope"]);
        assert_eq!(
            error.to_string(),
            "no policy declares account `nope` (known: hub, other)"
        );
        let set = crate::policy::load(&[dir.path().to_owned()], None);
        let selected = Selection {
            names: vec!["other".into()],
            shard: None,
        }
        .apply(set)
        .unwrap();
        let names: Vec<&str> = selected
            .policies()
            .map(|d| d.account.name.as_str())
            .collect();
        assert_eq!(names, ["other"]);
    }
}
