//! `deployer.context`: the condition keys the team pins for its CI requests. Each key at most
//! once (IAM compares keys without regard to case), none the CI context already fixes (those are
//! facts of every key-signed call, not the team's to choose), and addresses or CIDR ranges for
//! the address keys.

use super::model::Deployer;
use crate::base::ci_context;
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Route};
use std::collections::HashMap;

pub fn check(file: FileId, deployer: &Deployer, out: &mut Vec<Diagnostic>) {
    let at = |i: usize| Route::of(["deployer", "context"]).child(i);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, pin) in deployer.context.iter().enumerate() {
        let key = pin.key.as_str();
        let lower = key.to_ascii_lowercase();
        if let Some(first) = seen.insert(lower.clone(), i) {
            out.push(
                Diagnostic::new(Code::PolicyInvalidValue, format!("`deployer.context` pins `{key}` twice"))
                    .at(file, at(i).child("key"))
                    .with_label(format!("already pinned in deployer.context[{first}]"))
                    .with_help("condition keys compare without regard to case: keep one entry and list all its values there"),
            );
            seen.insert(lower.clone(), first);
        }
        if ci_context::fixes(key) {
            out.push(
                Diagnostic::new(Code::PolicyInvalidValue, format!("`{key}` cannot be pinned: the CI context fixes it for every key-signed call"))
                    .at(file, at(i).child("key"))
                    .with_label("fixed by the CI context")
                    .with_help("remove the entry; `docs/access.md` lists what the CI context fixes and why (`smce-guard access --context` asks about another value)"),
            );
        }
        if ci_context::holds_addresses(key) {
            for (j, value) in pin.values.iter().enumerate() {
                if !ci_context::is_address_or_range(value) {
                    out.push(
                        Diagnostic::new(Code::PolicyInvalidValue, format!("`{key}` holds IP addresses, but `{value}` is neither an address nor a CIDR range"))
                            .at(file, at(i).child("values").child(j))
                            .with_help("write an address (`203.0.113.7`) or a CIDR range (`203.0.113.0/24`, `2001:db8::/32`)"),
                    );
                }
            }
        }
    }
}
