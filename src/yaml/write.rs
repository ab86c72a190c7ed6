//! `serde_json::Value` to block-style YAML that kubectl reads back as the same data.
//!
//! Strings are written plain only when no YAML 1.1 or 1.2 reader could take them for anything
//! else (`scalar::is_safe_plain`); everything else is quoted. Floats always carry a dot and a signed
//! exponent, which YAML 1.1 requires to read them as floats.

use std::fmt::Write;

use serde_json::{Number, Value};

use super::scalar::{is_safe_plain, needs_escape};

const INDENT: usize = 2;
/// Below YAML's 1024-character limit on implicit keys, with room for the `: `.
const MAX_IMPLICIT_KEY: usize = 1000;

/// One document, without a `---` marker, ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

/// Several documents as one stream, each after a `---` marker.
pub fn to_yaml_stream<'a>(values: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for v in values {
        out.push_str("---\n");
        out.push_str(&to_yaml(v));
    }
    out
}

/// One scalar as it would follow `key: ` at `indent`, or `None` when it would take more than
/// one line (a literal block): for splicing a value into a line of its own.
pub fn inline_scalar(value: &Value, indent: usize) -> Option<String> {
    if value.is_object() || value.is_array() {
        return None;
    }
    let mut out = String::new();
    write_scalar(&mut out, value, indent);
    (!out.contains('\n')).then_some(out)
}

/// `key: value` at `indent`, as whole lines (each ending in `eol`): what a mapping at that
/// indentation gains when the key is added.
pub fn entry_lines(key: &str, value: &Value, indent: usize, eol: &str) -> String {
    let mut out = String::new();
    pad(&mut out, indent);
    let mut single = serde_json::Map::new();
    single.insert(key.to_owned(), value.clone());
    write_map(&mut out, &single, indent);
    if eol == "\n" {
        out
    } else {
        out.replace('\n', eol)
    }
}

/// A key as a mapping writes it (plain when safe, else double-quoted), for flow mappings.
pub fn key_text(key: &str) -> String {
    let mut out = String::new();
    write_key(&mut out, key);
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        let mut rendered = String::new();
        write_key(&mut rendered, key);
        if rendered.chars().count() > MAX_IMPLICIT_KEY {
            // YAML allows implicit keys of at most 1024 characters; longer ones must be explicit.
            out.push_str("? ");
            out.push_str(&rendered);
            out.push('\n');
            pad(out, indent);
        } else {
            out.push_str(&rendered);
        }
        out.push(':');
        write_nested(out, value, indent);
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, indent + INDENT),
            Value::Array(a) if !a.is_empty() => write_seq(out, a, indent + INDENT),
            scalar => {
                write_scalar(out, scalar, indent + INDENT);
                out.push('\n');
            }
        }
    }
}

/// The value after `key:`: inline for scalars and empty collections, on the next lines otherwise.
fn write_nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + INDENT);
            write_map(out, m, indent + INDENT);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            pad(out, indent + INDENT);
            write_seq(out, a, indent + INDENT);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, indent + INDENT);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s, indent),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_number(out: &mut String, n: &Number) {
    // The digits as read, whenever every YAML 1.1 reader reads them back as this number.
    let text = n.to_string();
    if is_integer_text(&text) || is_yaml11_float_text(&text) {
        out.push_str(&text);
        return;
    }
    let f = n.as_f64().unwrap_or_default();
    if f == 0.0 || (1e-5..1e16).contains(&f.abs()) {
        // Rust's shortest round-trip form; YAML 1.1 needs a dot to read it as a float.
        let plain = f.to_string();
        out.push_str(&plain);
        if !plain.contains('.') {
            out.push_str(".0");
        }
    } else {
        // `{:e}` gives `1.5e20` or `1e-7`; YAML 1.1 wants a dot and a signed exponent.
        let formatted = format!("{f:e}");
        let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
        let dot = if mantissa.contains('.') { "" } else { ".0" };
        let sign = if exponent.starts_with('-') { "" } else { "+" };
        let _ = write!(out, "{mantissa}{dot}e{sign}{exponent}");
    }
}

/// `-?[0-9]+`: an integer to every YAML reader, whatever its width.
fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `-?[0-9]+\.[0-9]+([eE][-+][0-9]+)?`: a float to YAML 1.1 (which wants the dot and an exponent's
/// sign) and to go-yaml alike.
fn is_yaml11_float_text(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole)
        && digits(fraction)
        && exponent.is_none_or(|e| e.strip_prefix(['+', '-']).is_some_and(digits))
}

fn write_key(out: &mut String, key: &str) {
    if is_safe_plain(key) {
        out.push_str(key);
    } else {
        write_double_quoted(out, key);
    }
}

fn write_string(out: &mut String, s: &str, indent: usize) {
    if is_safe_plain(s) {
        out.push_str(s);
    } else if indent > 0 && is_literal_block_safe(s) {
        // At indent 0 a line of the block could read as `---` or `...`, a document marker.
        write_literal(out, s, indent);
    } else if !s.chars().any(needs_escape) && !s.contains('\'') && !s.contains('\n') {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
    } else {
        write_double_quoted(out, s);
    }
}

/// Multi-line text reads best as a literal block; only when every line survives it unchanged.
fn is_literal_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && !s
            .chars()
            .any(|c| c != '\n' && needs_escape(c) && c != '"' && c != '\\')
        && !s.contains('\r')
        && !s.trim_end_matches('\n').is_empty()
}

fn write_literal(out: &mut String, s: &str, indent: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    for line in s
        .split('\n')
        .take(body.split('\n').count() + trailing.saturating_sub(1))
    {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let code = c as u32;
                if code <= 0xff {
                    let _ = write!(out, "\\x{code:02x}");
                } else {
                    let _ = write!(out, "\\u{code:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::read::{DocumentReader, Limits};
    use serde_json::json;

    fn round_trip(v: &Value) -> Value {
        let text = to_yaml(v);
        DocumentReader::new(&text, Limits::default())
            .next()
            .unwrap()
            .unwrap_or_else(|e| panic!("{text}\n{e:?}"))
            .value
    }

    #[test]
    fn block_style_with_nested_sequences() {
        let v = json!({"spec": {"job": {"args": [], "x": [{"a": 1, "b": [true]}, "s"]}, "e": {}}});
        insta::assert_snapshot!(to_yaml(&v), @r"
        spec:
          job:
            args: []
            x:
              - a: 1
                b:
                  - true
              - s
          e: {}
        ");
        assert_eq!(round_trip(&v), v);
    }

    #[test]
    fn tricky_strings_survive() {
        let strings = [
            "on",
            "off",
            "yes",
            "no",
            "y",
            "1.20",
            "0x1F",
            "0o17",
            "1e3",
            "~",
            "null",
            "",
            "2024-01-01",
            "a: b",
            "# not a comment",
            "  leading",
            "multi\nline\n",
            "multi\nline",
            "ends\n\n",
            "ünïcode ✓",
            "tab\there",
            "quote ' and \"",
            "\u{7}bell",
            "\u{2028}",
            "- dash",
            "<<",
            "{x}",
            "@at",
            "`tick",
            "%pct",
            "!bang",
            "*star",
            "&amp",
        ];
        for s in strings {
            let v = json!({ "k": s, s: "key" });
            assert_eq!(round_trip(&v), v, "{s:?} => {}", to_yaml(&v));
        }
    }

    #[test]
    fn a_root_string_with_a_document_marker_line_reads_back() {
        let v = json!("---\naad");
        assert_eq!(round_trip(&v), v, "{}", to_yaml(&v));
    }

    #[test]
    fn long_keys_are_written_as_explicit_keys() {
        let long = "k".repeat(1500);
        let v = json!({ long.clone(): {"nested": 1}, "short": [long.clone()] });
        assert!(to_yaml(&v).starts_with("? kkk"), "{}", to_yaml(&v));
        assert_eq!(round_trip(&v), v);
    }

    #[test]
    fn numbers_keep_their_type() {
        let v = json!({"i": -5, "u": u64::MAX, "f": 1.5, "half": 0.5, "big": 1.2345678901234568e29, "whole": 1000.0, "tiny": 1e-7, "neg": -2.5e-9});
        let back = round_trip(&v);
        for (key, number) in v.as_object().unwrap() {
            let again = &back[key];
            assert_eq!(again.is_f64(), number.is_f64(), "{key}");
            assert_eq!(again.as_f64(), number.as_f64(), "{key}");
        }
        let text = to_yaml(&v);
        assert!(text.contains("big: 1.2345678901234568e+29"), "{text}");
        assert!(
            text.contains("half: 0.5\n") && text.contains("whole: 1000.0\n"),
            "{text}"
        );
        assert!(text.contains("tiny: 1.0e-7\n"), "{text}");
    }

    #[test]
    fn numbers_keep_their_digits_where_yaml_1_1_reads_them_the_same() {
        let v: Value = serde_json::from_str(
            r#"{"wide": 123456789012345678901234567890, "p": 0.10, "e": 1.50e+3, "j": 1.5e3}"#,
        )
        .unwrap();
        assert_eq!(
            to_yaml(&v),
            "wide: 123456789012345678901234567890\np: 0.10\ne: 1.50e+3\nj: 1.5e+3\n"
        );
    }
}
