//! The `check` pipeline: lint the policies, then observe and judge each valid policy's account
//! (in parallel, through [`super::judging`]), and gather everything into one ordered outcome for
//! the reporters.

use super::judging::{self, AccountJudged};
use crate::base::clock::Clock;
use crate::base::diag::Diagnostic;
use crate::base::source::FileId;
use crate::engine::judge::Settings;
use crate::observe::Source;
use crate::outcome::{AccountOutcome, Checked};
use crate::pipelines::select::{self, SelectError, Selection};
use crate::policy::{self, Declared};
use std::path::PathBuf;
use std::sync::Arc;

/// What `check` is asked: plain domain options, built by the command line.
pub struct CheckOptions {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    pub selection: Selection,
    /// Recordings or the AWS API.
    pub source: Source,
    /// The instant accounts are judged at.
    pub clock: Clock,
    /// A recording captured more than this many days before the instant it is judged at is
    /// `fixture.stale`.
    pub max_age_days: u32,
    /// Whether to list every check performed (JUnit and `--show-passed` need them; other
    /// formats need not hold them).
    pub list_checks: bool,
    /// A checkout of the infrastructure repository to hold the policies to (`--infrastructure`).
    pub infrastructure: Option<PathBuf>,
}

/// One account's outcome, its findings located, and the policy text they point into (kept only
/// when one does).
struct Located {
    outcome: AccountOutcome,
    text: Option<(FileId, Arc<str>)>,
}

/// Runs `check`; `progress` is called once per account observed.
pub fn run(options: &CheckOptions, progress: &(dyn Fn() + Sync)) -> Result<Checked, SelectError> {
    // Waivers are judged per account, at the instant the account is judged.
    let mut set = policy::load(&options.paths, None);
    let stamps = match &options.infrastructure {
        Some(dir) => crate::infrastructure::apply(&mut set, dir),
        None => Default::default(),
    };
    let mut selected = options.selection.apply(set)?;
    select::recordings(&options.source)?;
    if let Source::Recordings(dir) = &options.source {
        let orphans = select::orphans(dir, &selected.set, &options.selection, &options.paths);
        selected.set.diagnostics.extend(orphans);
    }
    let settings = Settings {
        clock: options.clock,
        max_age_days: options.max_age_days,
        list_checks: options.list_checks,
    };
    let chosen: Vec<&Declared> = selected.policies().collect();
    let located = judging::each(
        &chosen,
        &options.source,
        &settings,
        &stamps,
        progress,
        &locate,
    );
    drop(chosen);
    let policy::PolicySet {
        mut files,
        diagnostics: mut lint,
        ..
    } = selected.set;
    let first_finding = lint.len();
    // Room for every finding at once: a growing vector would briefly hold a fleet's findings twice.
    lint.reserve_exact(
        (located.iter())
            .map(|l| l.outcome.findings.len() + usize::from(l.outcome.refusal.is_some()))
            .sum(),
    );
    let mut diagnostics = lint;
    let mut accounts = Vec::with_capacity(located.len());
    for Located { outcome, text } in located {
        if let Some((file, text)) = text {
            files.attach(file, text, None);
        }
        diagnostics.extend(outcome.findings);
        if let Some(refusal) = outcome.refusal {
            let file = files.add(refusal.source, None);
            diagnostics.push(refusal.finding.in_file(file));
        }
        accounts.push(outcome.summary);
    }
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    diagnostics[first_finding..].sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    Ok(Checked {
        files,
        diagnostics,
        accounts,
        now: options.clock.shared(),
    })
}

/// Resolves an account's findings to spans while its policy's text is at hand, and keeps that
/// text only when a finding points into it.
fn locate(judged: AccountJudged<'_>) -> Located {
    let mut outcome = judged.judged.outcome;
    let Some(reread) = judged.reread else {
        return Located {
            outcome,
            text: None,
        };
    };
    policy::locate(&reread.index, &mut outcome.findings);
    // Sorted here, on every core, so that the fleet's sort in `run` meets runs already in order.
    (outcome.findings).sort_by(|a, b| finding_order(a).cmp(&finding_order(b)));
    let file = judged.declared.file;
    let pointed = outcome.findings.iter().any(|f| f.file == Some(file));
    Located {
        outcome,
        text: pointed.then_some((file, reread.text)),
    }
}

/// Findings are listed by account, code, principal, then message. Borrowed, not cloned: a fleet
/// sorts tens of thousands of them.
pub fn finding_order(d: &Diagnostic) -> (Option<&str>, &str, Option<&str>, &str) {
    (
        d.account.as_ref().map(|a| a.name.as_str()),
        d.code.as_str(),
        d.principal.as_deref(),
        &d.message,
    )
}
