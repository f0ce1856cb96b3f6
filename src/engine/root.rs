//! Root rules: the root user holds no active access key and has MFA, as the credential report's
//! `<root_account>` row shows. SMCE owns the root user, so the policy's `root` setting picks the
//! severity (warning by default) or turns both off.

use super::Judging;
use super::rules::Subject;
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::policy::model::Level;

fn severity(cx: &Judging<'_>) -> Option<Severity> {
    match cx.policy.root {
        Level::Ignore => None,
        Level::Warning => Some(Severity::Warning),
        Level::Error => Some(Severity::Error),
    }
}

/// `root.access-key`: no active root access key.
pub fn access_key(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(severity), Some(root)) = (severity(cx), &cx.state.root) else {
        return;
    };
    let slots: Vec<String> = (root.keys_active.iter().zip(1..))
        .filter(|(active, _)| **active)
        .map(|(_, slot)| format!("access_key_{slot}"))
        .collect();
    if slots.is_empty() {
        return;
    }
    out.push(
        cx.finding(
            Route::of(["root"]),
            format!(
                "the root user of account {} has an active access key ({})",
                cx.policy.account.id,
                slots.join(", ")
            ),
        )
        .with_severity(severity)
        .with_label("root findings are reported at this level")
        .with_detail("slots", slots)
        .with_help("ask SMCE, who own the root user, to delete the root access key: nothing should sign in as root with a key"),
    );
}

/// `root.mfa-missing`: the root user has MFA.
pub fn mfa_missing(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(severity), Some(root)) = (severity(cx), &cx.state.root) else {
        return;
    };
    if root.mfa_active {
        return;
    }
    out.push(
        cx.finding(
            Route::of(["root"]),
            format!(
                "the root user of account {} has no MFA",
                cx.policy.account.id
            ),
        )
        .with_severity(severity)
        .with_label("root findings are reported at this level")
        .with_help("ask SMCE, who own the root user, to enable MFA on it"),
    );
}
