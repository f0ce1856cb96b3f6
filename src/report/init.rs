//! What `init --infrastructure DIR` did for the estate, one line per cluster folder (`wrote` or
//! `skipped`, with the reason), then the counts; every value from the checkout or a policy file is
//! escaped for a terminal or a CI log.

use super::escape::terminal;
use crate::outcome::init::{EstateInit, InitAction};
use std::fmt::Write;

pub fn render(init: &EstateInit) -> String {
    let mut out = String::new();
    for cluster in &init.clusters {
        let name = terminal(&cluster.name);
        let account = cluster.account_id.as_deref().unwrap_or("-");
        let line = match &cluster.action {
            InitAction::Wrote { file, region } => format!(
                "wrote {} (cluster {name}, account {account}, {})",
                terminal(file),
                terminal(region)
            ),
            InitAction::HasPolicy {
                file,
                other_id: None,
            } => format!(
                "skipped {name}: account {account} has a policy: {}",
                terminal(file)
            ),
            InitAction::HasPolicy {
                file,
                other_id: Some(other),
            } => format!(
                "skipped {name}: a policy of that name exists: {}, declaring account {}, not {account} (lint --infrastructure reports it)",
                terminal(file),
                terminal(other)
            ),
            InitAction::NotCovered { provider } => format!(
                "skipped {name}: not covered (provider: {}): smce-guard checks AWS accounts only",
                terminal(provider)
            ),
            InitAction::Broken { problems } => format!(
                "skipped {name}: broken cluster files: {}",
                terminal(&problems.join("; "))
            ),
            InitAction::Refused { reason } => {
                format!("skipped {name}: {}", terminal(reason))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    let [wrote, has, not_covered, broken, refused] = init.counts();
    let _ = writeln!(
        out,
        "{wrote} written into {}, {} skipped: {has} with a policy, {not_covered} not covered, {broken} broken, {refused} not written",
        terminal(&init.out_dir),
        has + not_covered + broken + refused,
    );
    out
}
