//! The teaching layer's tests: each pattern's correction built from the value, and the examples.

use super::*;
use serde_json::json;

/// Every constraint keyword the schema uses is one the wording knows, and every pattern has
/// its words: a new constraint cannot ship with a bare "invalid value".
#[test]
fn every_constraint_of_the_schema_is_worded() {
    let schema: Value = serde_json::from_str(super::super::schema::SCHEMA).unwrap();
    fn walk(node: &Value, path: &str) {
        let Some(object) = node.as_object() else {
            return;
        };
        let annotations = ["$schema", "$id", "title", "description", "default"];
        let taught = [
            "type",
            "pattern",
            "enum",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "minItems",
            "required",
            "additionalProperties",
            "properties",
            "items",
        ];
        for (key, child) in object {
            if path.ends_with("/properties") {
                walk(child, &format!("{path}/{key}"));
                continue;
            }
            assert!(
                annotations.contains(&key.as_str()) || taught.contains(&key.as_str()),
                "{path}: `{key}` has no wording in policy::teach"
            );
            if key == "pattern" {
                let pattern = child.as_str().unwrap();
                assert!(
                    pattern_words(pattern).is_some(),
                    "{path}: {pattern} unworded"
                );
            }
            walk(child, &format!("{path}/{key}"));
        }
    }
    walk(&schema, "");
}

#[test]
fn corrections_are_built_from_the_value() {
    let doc = json!({"account": {"id": "044405546166"}});
    let fix = |pattern: &str, value: &str| {
        fix_string(&json!({"type": "string", "pattern": pattern}), value, &doc)
    };
    assert_eq!(PATTERNS.len(), 14);
    let name = PATTERNS[1].0;
    assert_eq!(fix(name, "NASA Cryo").as_deref(), Some("nasa-cryo"));
    assert_eq!(fix(PATTERNS[2].0, "us-west2").as_deref(), Some("us-west-2"));
    assert_eq!(
        fix(PATTERNS[0].0, "0444-0554-6166").as_deref(),
        Some("044405546166")
    );
    assert_eq!(
        fix(PATTERNS[3].0, "rep @example.org").as_deref(),
        Some("rep@example.org")
    );
    assert_eq!(
        fix(PATTERNS[4].0, "OrganizationAccountAccessRole").as_deref(),
        Some("arn:aws:iam::044405546166:role/OrganizationAccountAccessRole")
    );
    assert_eq!(
        fix(PATTERNS[8].0, "key.expird").as_deref(),
        Some("key.expired")
    );
    assert_eq!(
        fix(PATTERNS[9].0, "2030/01/31").as_deref(),
        Some("2030-01-31")
    );
    assert_eq!(fix(PATTERNS[2].0, "mars"), None);
    assert_eq!(
        fix(PATTERNS[11].0, "Project Admin").as_deref(),
        Some("Project-Admin")
    );
    assert_eq!(
        fix(PATTERNS[12].0, "AdministratorAccess").as_deref(),
        Some("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    assert_eq!(yaml_string("044405546166"), "\"044405546166\"");
    assert_eq!(yaml_string("a #b"), "\"a #b\"");
    assert_eq!(yaml_string("nasa-cryo"), "nasa-cryo");
    assert_eq!(one_of(&["a".into(), "b".into(), "c".into()]), "a, b or c");
}
