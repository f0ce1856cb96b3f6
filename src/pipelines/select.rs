//! Which accounts a command reads: by name (`--account`, repeatable) and by stable shard
//! (`--shard K/N`). One meaning for every command that reads accounts (`check`, `expiries`,
//! `snapshot`): a name no policy declares is a usage error naming the known accounts, found before
//! any account is read.

use crate::base::diag::Diagnostic;
use crate::base::source::FileId;
use crate::policy::{Declared, PolicySet};
use std::collections::HashSet;
use std::fmt;

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

    /// Narrows a linted policy set to this selection. With names, lint problems of files not
    /// selected are dropped (they belong to other accounts); problems of no file stay.
    pub fn apply(&self, mut set: PolicySet) -> Result<Selected, UnknownAccounts> {
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
            return Err(UnknownAccounts { unknown, known });
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
        let chosen = (0..set.policies.len())
            .filter(|&i| {
                let declared = &set.policies[i];
                valid.contains(&declared.file) && self.contains(declared)
            })
            .collect();
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
        let error = selection.apply(set).err().unwrap();
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
