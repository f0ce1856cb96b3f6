//! Waivers: marking the findings a policy accepts, and reporting waivers that matched nothing.

use super::Context;
use crate::base::codes::Code;
use crate::base::diag::{Diagnostic, WaiverNote};
use crate::base::source::Route;

/// Marks every finding an in-date waiver matches, and returns `waiver.unused` for waivers (in date
/// or not) that matched none, and `waiver.expired` for waivers past their last day as of the
/// account's clock, which are not honoured.
pub fn apply(cx: &Context<'_>, findings: &mut [Diagnostic]) -> Vec<Diagnostic> {
    let today = crate::base::clock::utc_date(cx.now);
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
        let mut matched = false;
        for finding in findings.iter_mut() {
            let principal_matches =
                waiver.principal.is_none() || waiver.principal == finding.principal;
            if finding.code == waiver.code && principal_matches {
                matched = true;
                if in_date && finding.waiver.is_none() {
                    finding.waiver = Some(Box::new(WaiverNote {
                        reason: waiver.reason.clone(),
                        until: waiver.until.to_string(),
                    }));
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
    unused
}
