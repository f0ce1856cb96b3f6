//! The code catalogue's tests: names, severities and explanations hold together.

use super::*;

#[test]
fn codes_are_unique_and_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for code in Code::ALL {
        let id = code.as_str();
        assert!(seen.insert(id), "duplicate code {id}");
        let (family, name) = id.split_once('.').expect("family.name");
        for part in [family, name] {
            assert!(
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
        assert_eq!(id.parse::<Code>().unwrap(), *code);
    }
}
