//! Velero's JSON Patch rules (`patches`), the only form Velero 1.12.0 and 1.12.1 have.
//!
//! Velero keeps each `value` as a string and pastes it into JSON text unescaped
//! (`internal/resourcemodifiers`, `JSONPatch.ToString`): wrapped in quotes unless it reads as
//! null, a boolean, a number, an object or an array. What "reads as" means changed in 1.12.2
//! (Go's `ParseBool` before, `true`/`false` in any case after; a value in quotes stays a string
//! after). Only values that every 1.12+ release pastes the same are written; the rest are
//! refused with the reason.

use serde_json::{Value, json};

/// One operation as Velero's `JSONPatch` struct holds it: `operation`, `path`, and `value` as
/// the string Velero pastes.
pub fn operation(op: &str, path: &str, value: Option<&Value>) -> Result<Value, String> {
    if let Some(why) = unpasteable(path) {
        return Err(format!("the path {path:?} {why}"));
    }
    let mut out = json!({"operation": op, "path": path});
    if let Some(value) = value {
        let text = value_text(value).map_err(|why| format!("the value at {path} {why}"))?;
        out["value"] = Value::String(text);
    }
    Ok(out)
}

/// The string Velero turns back into `value`, whichever 1.12+ release reads it.
fn value_text(value: &Value) -> Result<String, String> {
    match value {
        // `true`/`false` are booleans to ParseBool and to the lower-case test alike.
        Value::Bool(b) => Ok(b.to_string()),
        // JSON's number syntax is a subset of ParseFloat's, so every release pastes it bare.
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok("null".to_owned()),
        // Objects and arrays are pasted bare, so their own JSON escaping survives.
        Value::Object(_) | Value::Array(_) => {
            serde_json::to_string(value).map_err(|e| e.to_string())
        }
        Value::String(s) => match misread(s) {
            None => Ok(s.clone()),
            Some(why) => Err(format!("{s:?} {why}")),
        },
    }
}

/// Why Velero would not read the string `s` back as that string, if it would not.
fn misread(s: &str) -> Option<String> {
    if let Some(why) = unpasteable(s) {
        return Some(why.to_owned());
    }
    // Go's strconv.ParseBool, which 1.12.0 and 1.12.1 ask first.
    const PARSE_BOOL: [&str; 12] = [
        "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False",
    ];
    let reads_as = if s == "null" {
        Some("null")
    } else if PARSE_BOOL.contains(&s)
        || s.eq_ignore_ascii_case("true")
        || s.eq_ignore_ascii_case("false")
    {
        Some("a boolean")
    } else if s.starts_with('{') || s.starts_with('[') {
        Some("JSON")
    } else if looks_numeric(s) {
        Some("a number")
    } else {
        None
    };
    reads_as.map(|what| format!("reads as {what} to Velero, which would paste it without quotes"))
}

/// What breaks the JSON text Velero pastes the string into.
fn unpasteable(s: &str) -> Option<&'static str> {
    if s.contains('"') || s.contains('\\') {
        Some("holds a \" or \\, which Velero pastes into JSON without escaping")
    } else if s.chars().any(char::is_control) {
        Some("holds a control character, which Velero pastes into JSON without escaping")
    } else {
        None
    }
}

/// Anything Go's strconv.ParseFloat might accept (decimal, hexadecimal, `inf`, `nan`, with
/// a sign), and a little more: refusing a string that is not a number costs a clear message,
/// pasting a number as a string costs the restore.
fn looks_numeric(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return true;
    }
    unsigned
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && unsigned.chars().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, 'x' | 'X' | 'p' | 'P' | '.' | '_' | '+' | '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_and_typed_values_are_written() {
        for (value, text) in [
            (
                json!("s3://bucket/savepoints/savepoint-1"),
                "s3://bucket/savepoints/savepoint-1",
            ),
            (json!("savepoint"), "savepoint"),
            (json!(""), ""),
            (json!(true), "true"),
            (json!(12), "12"),
            (json!({"a": "x\"y"}), r#"{"a":"x\"y"}"#),
        ] {
            assert_eq!(value_text(&value).unwrap(), text, "{value}");
        }
    }

    #[test]
    fn strings_velero_would_misread_are_refused() {
        for s in [
            "true",
            "True",
            "tRuE",
            "t",
            "1",
            "0",
            "null",
            "12",
            "-1.5e3",
            "0x1p-2",
            "Inf",
            ".5",
            "{x",
            "[1]",
            "a\"b",
            "C:\\sp",
            "line\nbreak",
        ] {
            assert!(value_text(&json!(s)).is_err(), "{s:?} was written");
        }
    }

    #[test]
    fn paths_are_checked_too() {
        assert!(operation("remove", "/metadata/annotations/a\"b", None).is_err());
        let op = operation("add", "/spec/job/state", Some(&json!("running"))).unwrap();
        assert_eq!(
            op,
            json!({"operation": "add", "path": "/spec/job/state", "value": "running"})
        );
    }
}
