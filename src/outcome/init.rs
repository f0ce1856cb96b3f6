//! What `init --infrastructure DIR` did for the estate: for every cluster folder of the checkout,
//! the policy it wrote, or why it wrote none (the account has a policy, the cluster is on another
//! cloud, its files are broken, or the policy could not be written).

use super::verdict::Verdict;

/// The estate's policies, as `init` left them.
pub struct EstateInit {
    /// The folder the policies were written into, as given.
    pub out_dir: String,
    /// Every cluster folder, by name.
    pub clusters: Vec<InitCluster>,
    /// What the user must hear besides the list: the schema written beside the policies, a
    /// policy file in the folder that declares no account.
    pub notes: Vec<String>,
}

/// One cluster folder, and what `init` did for it.
pub struct InitCluster {
    /// The folder's name.
    pub name: String,
    /// The account id its file names, when it names a well-formed one.
    pub account_id: Option<String>,
    pub action: InitAction,
}

/// What `init` did for one cluster.
pub enum InitAction {
    /// A new policy, at this path.
    Wrote { file: String, region: String },
    /// A policy for the account already exists (or was written now for another of its clusters).
    HasPolicy {
        file: String,
        /// How it was matched: the same account id, or only the same `account.name` (then it
        /// declares `other_id`, and `lint --infrastructure` reports the disagreement).
        other_id: Option<String>,
    },
    /// Not an AWS cluster: smce-guard does not cover it.
    NotCovered { provider: String },
    /// Its cluster file (or credentials file) cannot be read as an AWS cluster's.
    Broken { problems: Vec<String> },
    /// A policy could not be written: a file in the way, a folder name that is no account name,
    /// a policy that would not lint, an error writing it.
    Refused { reason: String },
}

impl EstateInit {
    /// How many clusters ended each way: written, with a policy, not covered, broken, refused.
    pub fn counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for cluster in &self.clusters {
            let slot = match cluster.action {
                InitAction::Wrote { .. } => 0,
                InitAction::HasPolicy { .. } => 1,
                InitAction::NotCovered { .. } => 2,
                InitAction::Broken { .. } => 3,
                InitAction::Refused { .. } => 4,
            };
            counts[slot] += 1;
        }
        counts
    }

    /// Bad input (exit 2) when an AWS cluster was left without a policy for a reason the user
    /// must fix: broken files, or a policy that could not be written; otherwise 0, also when
    /// nothing was left to write.
    pub fn verdict(&self) -> Verdict {
        let [_, _, _, broken, refused] = self.counts();
        if broken + refused > 0 {
            Verdict::INVALID
        } else {
            Verdict::OK
        }
    }
}
