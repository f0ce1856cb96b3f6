//! Waivers: marking the findings a policy accepts, and reporting waivers that matched nothing.

use super::Context;
use crate::base::codes::Code;
use crate::base::diag::{Diagnostic, WaiverNote};
use crate::base::source::Route;
use std::collections::{HashMap, HashSet};

/// Marks every finding an in-date waiver matches, and returns `waiver.unused` for waivers (in date
/// or not) that matched none, and `waiver.expired` for waivers past their last day as of the
/// account's clock, which are not honoured. A finding takes the note of the first in-date waiver
/// that matches it.
///
/// The findings are indexed once by code and by (code, principal), so each waiver costs the
/// findings it matches, and a group of findings is marked once: 10,000 waivers over a fleet's
/// findings no longer compare every waiver with every finding (issue 20).
pub fn apply(cx: &Context<'_>, findings: &mut [Diagnostic]) -> Vec<Diagnostic> {
    if cx.policy.waivers.is_empty() {
        return Vec::new();
    }
    let today = crate::base::clock::utc_date(cx.now);
    let mut by_code: HashMap<Code, Vec<usize>> = HashMap::new();
    let mut by_principal: HashMap<(Code, &str), Vec<usize>> = HashMap::new();
    for (i, finding) in findings.iter().enumerate() {
        by_code.entry(finding.code).or_default().push(i);
        if let Some(principal) = finding.principal.as_deref() {
            by_principal
                .entry((finding.code, principal))
                .or_default()
                .push(i);
        }
    }
    // Groups an earlier in-date waiver already marked: a later one can add nothing to them.
    let mut marked_codes: HashSet<Code> = HashSet::new();
    let mut marked_principals: HashSet<(Code, &str)> = HashSet::new();
    let mut notes: Vec<Option<usize>> = vec![None; findings.len()];
    let mut unused = Vec::new();
    for (i, waiver) in cx.policy.waivers.iter().enumerate() {
        // The meaning phase read the code and the date; nothing here parses the policy's text.
        let in_date = waiver.until >= today;
        if !in_date {
            let expired = crate::policy::meaning::waiver_expired(waiver.code, waiver.until);
            let route = Route::of(["waivers"]).child(i).child("until");
            unused.push(
                Diagnostic {
                    file: Some(cx.file),
                    location: crate::base::diag::Location::Route(route),
                    ..expired
                }
                .for_account(cx.account.clone()),
            );
        }
        let matching = match waiver.principal.as_deref() {
            None => by_code.get(&waiver.code),
            Some(principal) => by_principal.get(&(waiver.code, principal)),
        };
        let matched = matching.is_some_and(|m| !m.is_empty());
        if let (true, Some(matching)) = (in_date, matching) {
            let fresh = match waiver.principal.as_deref() {
                None => marked_codes.insert(waiver.code),
                Some(principal) => {
                    !marked_codes.contains(&waiver.code)
                        && marked_principals.insert((waiver.code, principal))
                }
            };
            if fresh {
                for &f in matching {
                    notes[f].get_or_insert(i);
                }
            }
        }
        if !matched {
            let whom = waiver
                .principal
                .as_ref()
                .map_or_else(String::new, |p| format!(" for `{p}`"));
            unused.push(
                cx.diagnostic(Code::WaiverUnused, Route::of(["waivers"]).child(i), format!("the waiver of `{}`{whom} matched no finding", waiver.code))
                    .with_label("matched nothing")
                    .with_help("the drift it accepted is gone: delete the waiver (or correct its `code` or `principal`)"),
            );
        }
    }
    for (finding, note) in findings.iter_mut().zip(notes) {
        if let (Some(w), None) = (note, &finding.waiver) {
            let waiver = &cx.policy.waivers[w];
            finding.waiver = Some(Box::new(WaiverNote {
                reason: waiver.reason.clone(),
                until: waiver.until.to_string(),
            }));
        }
    }
    unused
}
