//! `deployer.access-uncertain`: IAM's decision on a `deployer.allow` entry for a CI request turns
//! on condition keys no recording can know (the runner's address, the organization, a VPC, the
//! user agent, resource tags). The finding names each key with the values that deny and allow,
//! and the statements whose conditions read them; `deployer.context` pins what the team knows.

use super::effective::{self, Setup};
use super::iam::Tri;
use super::iam::decision::{Influence, Outcome};
use super::rules::Subject;
use super::{Judging, deciding, wording};
use crate::base::diag::Diagnostic;
use crate::base::source::Route;

fn values(list: &[Option<Vec<String>>]) -> String {
    list.iter()
        .map(wording::value)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A key and what its values do: `` `aws:SourceIp` (denied when absent or `0.0.0.0`) ``.
fn key_words(k: &Influence) -> String {
    if k.denying.is_empty() {
        return format!("`{}`", k.key);
    }
    let mut text = format!("`{}` (denied when it is {}", k.key, values(&k.denying));
    if !k.allowing.is_empty() {
        text.push_str(&format!("; allowed when it is {}", values(&k.allowing)));
    }
    text.push(')');
    text
}

/// `deployer.access-uncertain`: each entry's decision is the same whatever the unknown keys.
pub fn access_uncertain(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let allow = cx.policy.deployer_allow();
    let entries = effective::access(cx, user);
    let setup = Setup::deployer(cx, user);
    for (i, (grant, entry)) in allow.iter().zip(entries).enumerate() {
        let uncertain = entry.probes.iter().find(|p| {
            let o = p.decision.outcomes;
            o.contains(Outcome::Allowed) && o.only().is_none()
        });
        let Some(probe) = uncertain else { continue };
        let d = &probe.decision;
        let statements: Vec<_> = (d.statements.iter())
            .filter(|t| t.applies == Tri::Maybe)
            .collect();
        let mut keys: Vec<String> = d.keys.iter().map(key_words).collect();
        for t in &statements {
            for key in deciding::unknown_variables(&setup, t) {
                let named = format!("`${{{key}}}`");
                if !keys.contains(&named) {
                    keys.push(named);
                }
            }
        }
        let on = if keys.is_empty() {
            "condition operators IAM does not know".to_owned()
        } else {
            keys.join(", ")
        };
        let reasons: Vec<String> = (statements.iter())
            .map(|t| {
                format!(
                    "{} ({}) applies only if {}",
                    deciding::label(&setup, t.at),
                    if t.allow { "Allow" } else { "Deny" },
                    deciding::shortfall(&setup, t, &probe.resource).join(", and ")
                )
            })
            .collect();
        let mut message = format!(
            "whether the deployer `{name}` may `{}` on `{}` depends on what CI requests do not fix: {on}",
            grant.action, grant.resource
        );
        if !reasons.is_empty() {
            message.push_str(&format!("; {}", reasons.join("; ")));
        }
        let keys_detail: Vec<serde_json::Value> = (d.keys.iter())
            .map(|k| {
                serde_json::json!({
                    "key": k.key,
                    "denying": k.denying,
                    "allowing": k.allowing,
                })
            })
            .collect();
        out.push(
            cx.finding(Route::of(["deployer", "allow"]).child(i), message)
                .for_principal(name)
                .with_detail("action", grant.action.clone())
                .with_detail("resource", grant.resource.clone())
                .with_detail("outcomes", d.outcomes.iter().map(Outcome::as_str).collect::<Vec<_>>())
                .with_detail("keys", keys_detail)
                .with_detail("statements", statements.iter().map(|t| deciding::detail(&setup, t)).collect::<Vec<_>>())
                .with_help(format!(
                    "pin what the team knows of its CI requests in `deployer.context` (e.g. `- key: aws:SourceIp` with the runners' ranges), or remove the condition; `smce-guard access {} {} {}` shows the evaluation",
                    crate::base::shell::option("--account", &cx.policy.account.name),
                    crate::base::shell::quote(&grant.action),
                    crate::base::shell::quote(&grant.resource)
                )),
        );
    }
}
