//! IAM documents and the permission matcher: the input is `allow patterns \0 policy document`.
#![no_main]

use smce_guard::engine::permissions::{glob_covers, grants, within};
use smce_guard::observe::document::Document;
use smce_guard::policy::model::Grant;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (patterns, document) = text.split_once('\0').unwrap_or((text, ""));
    let allow: Vec<Grant> = patterns
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(action, resource)| Grant {
            action: action.to_owned(),
            resource: resource.to_owned(),
        })
        .collect();
    for grant in &allow {
        // A pattern always covers itself.
        assert!(glob_covers(&grant.action, &grant.action));
    }
    if let Ok(document) = Document::from_text(document) {
        for statement in &document.statements {
            let _ = within(statement, &allow);
            for grant in &allow {
                let _ = grants(statement, grant);
            }
        }
    }
});
