//! Property tests: the permission matcher is sound (what it calls covered really is), and the
//! loaders never panic, whatever bytes they are given.

use proptest::prelude::*;
use smce_guard::engine::permissions::{glob_overlaps, grants, may_deny, within};
use smce_guard::engine::variables::{Principal, Reading, resolve};
use smce_guard::observe::User;
use smce_guard::observe::document::{Document, Patterns, Statement};
use smce_guard::policy::model::Grant;

/// An independent glob matcher (`*` any run, `?` one character) to check the real one against.
fn matches(pattern: &[char], text: &[char]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            matches(&pattern[1..], text) || (!text.is_empty() && matches(pattern, &text[1..]))
        }
        (Some('?'), Some(_)) => matches(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) => p == t && matches(&pattern[1..], &text[1..]),
        _ => false,
    }
}

fn glob_match(pattern: &str, text: &str) -> bool {
    matches(
        &pattern.chars().collect::<Vec<_>>(),
        &text.chars().collect::<Vec<_>>(),
    )
}

/// A concrete string the pattern matches: each `*` and `?` filled from `fill`.
fn instance(pattern: &str, fill: &[String]) -> String {
    let mut fill = fill.iter().cycle();
    pattern
        .chars()
        .map(|c| match c {
            '*' => fill.next().cloned().unwrap_or_default(),
            '?' => fill
                .next()
                .and_then(|f| f.chars().next())
                .unwrap_or('a')
                .to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn pattern() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[aAb:*?]{0,6}").unwrap()
}

fn filler() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        proptest::string::string_regex("[abB:?*]{1,3}").unwrap(),
        1..6,
    )
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        proptest::collection::vec(pattern(), 1..3),
        proptest::collection::vec(pattern(), 1..3),
    )
        .prop_map(|(actions, resources)| Statement {
            sid: None,
            allow: true,
            actions: Patterns::Only(actions),
            resources: Patterns::Only(resources),
            conditions: vec![],
        })
}

fn allow() -> impl Strategy<Value = Vec<Grant>> {
    proptest::collection::vec(
        (pattern(), pattern()).prop_map(|(action, resource)| Grant { action, resource }),
        1..3,
    )
}

/// A pattern derived from `base`: each wildcard kept, narrowed or replaced by a small random run
/// (which may widen it), so that about half the statements land inside `allow` and the property is
/// exercised on both sides of the boundary.
fn derive(base: &str, edits: &[String]) -> String {
    let mut edits = edits.iter().cycle();
    base.chars()
        .map(|c| match (c, edits.next().map(String::as_str)) {
            ('*' | '?', Some(edit)) => edit.to_owned(),
            (c, Some("A")) => c.to_ascii_uppercase().to_string(),
            (c, _) => c.to_string(),
        })
        .collect()
}

/// An allow list and a statement close to it.
fn allow_and_statement() -> impl Strategy<Value = (Vec<Grant>, Statement)> {
    let edits = || {
        proptest::collection::vec(
            proptest::string::string_regex("[ab*?A]{0,2}").unwrap(),
            1..8,
        )
    };
    (
        allow(),
        proptest::collection::vec((0usize..3, edits()), 1..3),
        proptest::collection::vec((0usize..3, edits()), 1..3),
        statement(),
        any::<bool>(),
    )
        .prop_map(|(allow, actions, resources, random, use_random)| {
            if use_random {
                return (allow, random);
            }
            let pick = |(k, e): &(usize, Vec<String>), action: bool| {
                let grant = &allow[k % allow.len()];
                derive(
                    if action {
                        &grant.action
                    } else {
                        &grant.resource
                    },
                    e,
                )
            };
            let statement = Statement {
                sid: None,
                allow: true,
                actions: Patterns::Only(actions.iter().map(|x| pick(x, true)).collect()),
                resources: Patterns::Only(resources.iter().map(|x| pick(x, false)).collect()),
                conditions: vec![],
            };
            (allow, statement)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    /// A statement judged within `allow` never grants a concrete (action, resource) outside it.
    #[test]
    fn within_is_sound((allow, statement) in allow_and_statement(), fill in filler()) {
        prop_assume!(within(&statement, &allow));
        let (Patterns::Only(actions), Patterns::Only(resources)) = (&statement.actions, &statement.resources) else { unreachable!() };
        for action in actions {
            for resource in resources {
                let (a, r) = (instance(action, &fill), instance(resource, &fill));
                let covered = allow.iter().any(|g| glob_match(&g.action.to_ascii_lowercase(), &a.to_ascii_lowercase()) && glob_match(&g.resource, &r));
                prop_assert!(covered, "{a} on {r} escapes {allow:?}");
            }
        }
    }

    /// An entry judged granted is granted for every concrete action and resource it names.
    #[test]
    fn grants_is_sound((allow, statement) in allow_and_statement(), fill in filler()) {
        // Swap roles: the statement's patterns derive from the entry, so both answers occur.
        let grant = &allow[0];
        prop_assume!(grants(&statement, grant));
        let (Patterns::Only(actions), Patterns::Only(resources)) = (&statement.actions, &statement.resources) else { unreachable!() };
        let (a, r) = (instance(&grant.action, &fill), instance(&grant.resource, &fill));
        prop_assert!(actions.iter().any(|p| glob_match(&p.to_ascii_lowercase(), &a.to_ascii_lowercase())));
        prop_assert!(resources.iter().any(|p| glob_match(p, &r)));
    }

    /// Two globs said not to overlap share no string.
    #[test]
    fn overlap_is_sound(a in pattern(), b in pattern(), fill in filler()) {
        let text = instance(&a, &fill);
        prop_assume!(glob_match(&b, &text));
        prop_assert!(glob_overlaps(&a, &b), "{a} and {b} both match {text}");
    }

    /// A Deny said not to reach an entry denies none of the concrete pairs the entry names.
    #[test]
    fn may_deny_is_sound((allow, statement) in allow_and_statement(), fill in filler()) {
        let grant = &allow[0];
        let (a, r) = (instance(&grant.action, &fill), instance(&grant.resource, &fill));
        let (Patterns::Only(actions), Patterns::Only(resources)) = (&statement.actions, &statement.resources) else { unreachable!() };
        let denied = actions.iter().any(|p| glob_match(&p.to_ascii_lowercase(), &a.to_ascii_lowercase()))
            && resources.iter().any(|p| glob_match(p, &r));
        prop_assume!(denied);
        let deny = Statement { allow: false, ..statement.clone() };
        prop_assert!(may_deny(&deny, grant));
    }

    /// An unknown variable, whatever its value: the widest reading's "within" and "may not deny"
    /// and the narrowest reading's "grants" hold for the value too.
    #[test]
    fn unknown_variables_are_read_soundly((allow, statement) in allow_and_statement(), at in 0usize..8, value in "[abB:]{0,3}") {
        let Patterns::Only(resources) = &statement.resources else { unreachable!() };
        let cut = |r: &String| r.char_indices().map(|(i, _)| i).chain([r.len()]).nth(at % (r.chars().count() + 1)).unwrap();
        let with = |text: &str| Patterns::Only(resources.iter().map(|r| { let i = cut(r); format!("{}{text}{}", &r[..i], &r[i..]) }).collect());
        let variable = Statement { resources: with("${aws:SourceIdentity}"), ..statement.clone() };
        let valued = Statement { resources: with(&value), ..statement.clone() };
        let document = Document { version: Some("2012-10-17".into()), statements: vec![] };
        let user = User::default();
        let who = Principal::of(&user, "111122223333");
        let widest = resolve(&document, &variable, &who, Reading::Widest);
        let narrowest = resolve(&document, &variable, &who, Reading::Narrowest);
        if within(&widest, &allow) {
            prop_assert!(within(&valued, &allow));
        }
        if grants(&narrowest, &allow[0]) {
            prop_assert!(grants(&valued, &allow[0]));
        }
        let deny = |s: &Statement| may_deny(&Statement { allow: false, ..s.clone() }, &allow[0]);
        if deny(&valued) {
            prop_assert!(deny(&widest));
        }
    }

    /// Exact matches are always recognised (the matcher is not uselessly strict).
    #[test]
    fn identical_statements_are_within(action in "[a-z]{1,5}:[A-Za-z]{1,8}", resource in "arn:aws:[a-z]{1,3}:[a-z0-9-]{0,9}:[0-9]{12}:[a-z/]{1,8}") {
        let allow = [Grant { action: action.clone(), resource: resource.clone() }];
        let statement = Statement { sid: None, allow: true, actions: Patterns::Only(vec![action.to_uppercase()]), resources: Patterns::Only(vec![resource]), conditions: vec![] };
        prop_assert!(within(&statement, &allow));
        prop_assert!(grants(&statement, &allow[0]));
    }

    #[test]
    fn policy_loader_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = smce_guard::policy::lint_bytes("fuzz.yaml", bytes, None);
    }

    #[test]
    fn policy_loader_never_panics_on_yaml_like_text(text in "[a-z_:. \\n\\-\\[\\]{}&*!|>'\"#0-9\\t]{0,300}") {
        let text = format!("account:\n  id: \"444055461661\"\n  name: x\n{text}");
        let (_, diagnostics) = smce_guard::policy::lint_bytes("fuzz.yaml", text.into_bytes(), None);
        for d in diagnostics {
            prop_assert!(!d.message.is_empty());
        }
    }

    #[test]
    fn recorded_state_readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = smce_guard::observe::gaad::parse(&text);
        let _ = smce_guard::observe::credential_report::parse(&text);
        let _ = Document::from_text(&text);
    }

    #[test]
    fn readers_never_panic_on_json_like_text(text in "[\\[\\]{}\",:a-zA-Z0-9%\\\\ ]{0,300}") {
        let _ = smce_guard::observe::gaad::parse(&format!("{{\"UserDetailList\":[{text}"));
        let _ = Document::from_text(&text);
        let _ = smce_guard::observe::credential_report::parse(&format!("user,arn,password_enabled,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated\n{text}"));
    }
}
