//! `access`'s answer, for people (the decision, the statements that name the action with each
//! condition's evaluation, the keys it turns on, and the request context) and machines (JSON
//! version 1). Everything from the policy and the recording passes through the escaping layer.

use super::escape::terminal as t;
use crate::outcome::access::{AccessDecision, Answer};
use serde_json::json;

/// The answer for people.
pub fn human(answer: &Answer) -> String {
    let mark = match answer.decision {
        AccessDecision::Allowed => "✓",
        AccessDecision::Uncertain => "?",
        _ => "✗",
    };
    // Each value from outside is escaped on its own (a line break in a Sid stays one visible
    // `\u{a}`, never a line of its own that could pass for a verdict); the lines are then
    // checked once more as lines.
    let mut out = format!(
        "{mark} {}: `{}` in account `{}` asking `{}` on `{}`: {}\n",
        answer.decision.words(),
        t(&answer.principal),
        t(&answer.account),
        t(&answer.action),
        t(&answer.resource),
        t(&answer.reason)
    );
    if matches!(
        answer.decision,
        AccessDecision::Uncertain | AccessDecision::Refused
    ) {
        out.push_str(&format!("  outcomes: {}\n", answer.outcomes.join(", ")));
    }
    for note in &answer.notes {
        out.push_str(&format!("  note: {}\n", t(note)));
    }
    let when = match answer.captured_at {
        Some(at) => format!("judged at {}; recording captured at {at}", answer.judged_at),
        None => format!("judged at {}", answer.judged_at),
    };
    out.push_str(&format!("  ({when})\n"));
    if answer.stale {
        out.push_str("  warning: the recording is older than --max-age; record it again (`smce-guard snapshot`) or ask with --live\n");
    }
    out.push_str(&format!(
        "\nStatements that name `{}`:\n",
        t(&answer.action)
    ));
    if answer.statements.is_empty() {
        out.push_str("  (none)\n");
    }
    for s in &answer.statements {
        let effect = match (s.allow, s.boundary) {
            (true, true) => "Allow (boundary)",
            (true, false) => "Allow",
            (false, _) => "Deny",
        };
        let applies = match s.applies {
            "true" => "applies",
            "false" => "does not apply",
            _ => "may apply",
        };
        out.push_str(&format!(
            "  {effect}  {} {}: {applies}\n      resource matches: {}\n",
            t(&s.policy),
            t(&s.statement),
            s.resource_matches
        ));
        for c in &s.conditions {
            out.push_str(&format!(
                "      condition {}: {} ({})\n",
                t(&c.text),
                c.holds,
                t(&c.why)
            ));
        }
    }
    if !answer.keys.is_empty() {
        out.push_str("\nUnknown keys it turns on:\n");
        for k in &answer.keys {
            out.push_str(&format!("  {}", t(&k.key)));
            if !k.denying.is_empty() {
                out.push_str(&format!(": denied when {}", t(&k.denying.join(" or "))));
            }
            if !k.allowing.is_empty() {
                out.push_str(&format!("; allowed when {}", t(&k.allowing.join(" or "))));
            }
            out.push('\n');
        }
        out.push_str(
            "  (pin what the team knows in `deployer.context`, or ask with --context KEY=VALUE)\n",
        );
    }
    out.push_str("\nRequest context (a call signed with the user's access key; docs/access.md):\n");
    let width = answer
        .context
        .iter()
        .map(|c| t(&c.key).chars().count())
        .max()
        .unwrap_or(0);
    for c in &answer.context {
        // Padded as text: a Cow's Display would honour the width too, but say so plainly.
        let key = t(&c.key).into_owned();
        out.push_str(&format!(
            "  {key:width$}  {}  ({})\n",
            t(&c.value),
            t(&c.source)
        ));
    }
    out.push_str("  every other key: unknown (absent or any value)\n");
    super::escape::terminal_lines(&out)
}

/// The answer as JSON (version 1).
pub fn json(answer: &Answer) -> String {
    let statements: Vec<serde_json::Value> = (answer.statements.iter())
        .map(|s| {
            json!({
                "policy": s.policy,
                "statement": s.statement,
                "sid": s.sid,
                "statement_index": s.index,
                "effect": if s.allow { "Allow" } else { "Deny" },
                "boundary": s.boundary,
                "resource_matches": s.resource_matches,
                "applies": s.applies,
                "conditions": s.conditions.iter().map(|c| json!({
                    "operator": c.operator,
                    "key": c.key,
                    "values": c.values,
                    "holds": c.holds,
                    "why": c.why,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    super::escape::json_text(&json!({
        "version": 1,
        "account_name": answer.account,
        "principal": answer.principal,
        "action": answer.action,
        "resource": answer.resource,
        "decision": answer.decision.as_str(),
        "outcomes": answer.outcomes,
        "reason": answer.reason,
        "statements": statements,
        "depends_on": answer.keys.iter().map(|k| json!({
            "key": k.key,
            "denying": k.denying,
            "allowing": k.allowing,
        })).collect::<Vec<_>>(),
        "context": answer.context.iter().map(|c| json!({
            "key": c.key,
            "value": c.value,
            "source": c.source,
        })).collect::<Vec<_>>(),
        "judged_at": answer.judged_at.to_string(),
        "captured_at": answer.captured_at.map(|t| t.to_string()),
        "stale": answer.stale,
        "notes": answer.notes,
    }))
}
