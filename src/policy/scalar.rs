//! How a plain YAML scalar is typed: the YAML 1.2 core schema, in the one place it is written.
//!
//! The policy is parsed once, so these rules decide alone what the schema checks and what the
//! typed model reads; the lint corpus pins them (`yes`, `on`, `0o12`, `1e3`, `~`, quoting).

use saphyr_parser::ScalarStyle;
use serde_json::{Number, Value};

/// YAML 1.2 core schema resolution of a scalar: quoted (and block) scalars are strings; plain ones
/// may be null, booleans or numbers. `yes`, `on` and the like are strings, as YAML 1.2 has it.
pub fn resolve(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1i64, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(n) = parsed {
        return Value::Number(Number::from(sign * n));
    }
    let looks_numeric = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if looks_numeric && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        assert_eq!(resolve("12", ScalarStyle::Plain), Value::from(12));
        assert_eq!(resolve("012", ScalarStyle::Plain), Value::from(12));
        assert_eq!(resolve("12", ScalarStyle::DoubleQuoted), Value::from("12"));
        assert_eq!(resolve("yes", ScalarStyle::Plain), Value::from("yes"));
        assert_eq!(resolve("~", ScalarStyle::Plain), Value::Null);
        assert_eq!(resolve("1.5", ScalarStyle::Plain), Value::from(1.5));
        assert_eq!(resolve("1.2.3", ScalarStyle::Plain), Value::from("1.2.3"));
    }
}
