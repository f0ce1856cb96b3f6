//! The parse's unit tests: spans, scalars, duplicate keys, aliases and the refusals.

use super::*;

fn span_text<'a>(text: &'a str, parsed: &Parsed, pointer: &str, key: bool) -> &'a str {
    let span = parsed
        .index
        .resolve(&Route {
            pointer: pointer.into(),
            key,
        })
        .unwrap();
    &text[span.start..span.end]
}

#[test]
fn routes_resolve_to_byte_spans_after_non_ascii() {
    let text =
        "# café ☕\naccount:\n  name: \"é-x\"\n  id: '1'\nmembers:\n  - user: ü\n  - user: b\n";
    let parsed = parse(0, text);
    assert!(parsed.diagnostics.is_empty());
    assert_eq!(span_text(text, &parsed, "/account/name", false), "\"é-x\"");
    assert_eq!(span_text(text, &parsed, "/account/id", true), "id");
    assert_eq!(span_text(text, &parsed, "/members/1/user", false), "b");
    assert_eq!(span_text(text, &parsed, "/members/0/user", false), "ü");
    assert_eq!(parsed.value.unwrap()["members"][1]["user"], "b");
}

#[test]
fn duplicate_keys_and_aliases_are_reported() {
    let text = "a: &x 1\nb: *x\na: 2\n";
    let parsed = parse(0, text);
    let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::PolicyAlias, Code::PolicyDuplicateKey]);
}
