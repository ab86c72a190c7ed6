//! How a plain YAML scalar is typed, the way kubectl reads it.
//!
//! kubectl decodes manifests with go-yaml v2 (YAML 1.1 rules) and converts the result to JSON
//! (`sigs.k8s.io/yaml`). The functions here reproduce that resolution, and decide which strings
//! must be quoted on output so that neither a YAML 1.1 reader (kubectl, PyYAML) nor a YAML 1.2 one
//! reads them as anything but a string.

use serde_json::{Number, Value};

/// A plain scalar the cluster cannot represent in JSON.
#[derive(Debug, PartialEq)]
pub struct Unrepresentable(pub &'static str);

/// Resolves an untagged plain scalar as go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Result<Value, Unrepresentable> {
    Ok(resolve_plain_typed(text)?.unwrap_or_else(|| Value::String(text.to_owned())))
}

/// The same, with `None` for "a string": the caller already owns the text and can move it in.
pub fn resolve_plain_typed(text: &str) -> Result<Option<Value>, Unrepresentable> {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Ok(Some(Value::Null));
    }
    if let Some(b) = yaml11_bool(text) {
        return Ok(Some(Value::Bool(b)));
    }
    if is_special_float(text) {
        return Err(Unrepresentable(
            "NaN and infinity have no JSON form, so the API server rejects them; quote the value if a string is meant",
        ));
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Ok(None);
    }
    let plain: std::borrow::Cow<'_, str> = if text.contains('_') {
        text.chars()
            .filter(|&c| c != '_')
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    if let Some(n) = parse_go_int(&plain) {
        return Ok(Some(Value::Number(n)));
    }
    if is_yaml_float(&plain) {
        if !plain.parse::<f64>().is_ok_and(f64::is_finite) {
            return Err(Unrepresentable(
                "this number is too large for a 64-bit float; quote it if a string is meant",
            ));
        }
        return Ok(Some(Value::Number(exact_number(&plain))));
    }
    Ok(None)
}

/// A number with the digits as written (Go reads a decimal wider than 64 bits as a float, which
/// would lose them), in the JSON form of the text: `+`, a bare `.` and `_` are not JSON.
fn exact_number(plain: &str) -> Number {
    let (sign, unsigned) = match plain.as_bytes()[0] {
        b'-' => ("-", &plain[1..]),
        b'+' => ("", &plain[1..]),
        _ => ("", plain),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => unsigned.split_at(i),
        None => (unsigned, ""),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let whole = whole.trim_start_matches('0');
    let mut text = format!("{sign}{}", if whole.is_empty() { "0" } else { whole });
    if let Some(fraction) = fraction {
        text.push('.');
        text.push_str(if fraction.is_empty() { "0" } else { fraction });
    }
    text.push_str(exponent);
    text.parse()
        .expect("a go-yaml float or decimal, rewritten as JSON, is a JSON number")
}

/// Resolves a scalar with an explicit core-schema tag (`!!int`, `!!bool`, ...).
pub fn resolve_tagged(suffix: &str, text: &str) -> Result<Value, String> {
    let wrong = || format!("{text:?} is not a valid !!{suffix}");
    match suffix {
        "str" | "timestamp" => Ok(Value::String(text.to_owned())),
        "null" => Ok(Value::Null),
        "bool" => yaml11_bool(text).map(Value::Bool).ok_or_else(wrong),
        "int" => {
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            parse_go_int(&plain).map(Value::Number).ok_or_else(wrong)
        }
        "float" => match resolve_plain(text) {
            Ok(v @ Value::Number(_)) => Ok(v),
            Err(Unrepresentable(why)) => Err(why.to_owned()),
            _ => Err(wrong()),
        },
        "binary" => Err(
            "!!binary values are not supported: Kubernetes fields are text; \
             put base64 text in a plain string instead"
                .to_owned(),
        ),
        other => Err(format!("the tag !!{other} is not supported here")),
    }
}

fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

fn is_special_float(text: &str) -> bool {
    let t = text.strip_prefix(['+', '-']).unwrap_or(text);
    matches!(t, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN")
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint`: prefixes 0x, 0o, 0b and a bare leading 0 (octal).
fn parse_go_int(s: &str) -> Option<Number> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let Ok(magnitude) = u64::from_str_radix(body, radix) else {
        // Go falls back to a float for a decimal wider than 64 bits; keep its digits exactly.
        return (radix == 10).then(|| exact_number(s));
    };
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(Number::from((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else {
        Some(Number::from(magnitude))
    }
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.first() == Some(&b'.') {
        i = 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether `text` can be written as a plain scalar and still be read back, by YAML 1.1 and 1.2
/// readers alike, as this exact string.
pub fn is_safe_plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() || "-+.?:,[]{}#&*!|>'\"%@`~= \t".contains(first) {
        // Numbers, floats, sexagesimals, dates and indicators all start here; quoting them all is
        // simpler than proving each one safe.
        return false;
    }
    if text.ends_with([' ', '\t', ':'])
        || text.contains(": ")
        || text.contains(" #")
        || text.contains(":\t")
        || text.contains("\t#")
    {
        return false;
    }
    if text.chars().any(|c| !is_plain_printable(c)) {
        return false;
    }
    if text == "<<" {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    )
}

fn is_plain_printable(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        ))
}

/// Whether `c` must be escaped inside a double-quoted scalar.
pub fn needs_escape(c: char) -> bool {
    c == '"' || c == '\\' || !is_plain_printable(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml11_booleans_are_booleans() {
        for t in ["yes", "Yes", "on", "ON", "y", "true"] {
            assert_eq!(resolve_plain(t), Ok(json!(true)), "{t}");
        }
        for t in ["no", "off", "Off", "n", "N", "FALSE"] {
            assert_eq!(resolve_plain(t), Ok(json!(false)), "{t}");
        }
        assert_eq!(resolve_plain("yEs"), Ok(json!("yEs")));
    }

    #[test]
    fn go_integers() {
        assert_eq!(resolve_plain("1_000"), Ok(json!(1000)));
        assert_eq!(resolve_plain("0x1F"), Ok(json!(31)));
        assert_eq!(resolve_plain("0o17"), Ok(json!(15)));
        assert_eq!(resolve_plain("017"), Ok(json!(15)));
        assert_eq!(resolve_plain("-9223372036854775808"), Ok(json!(i64::MIN)));
        assert_eq!(resolve_plain("18446744073709551615"), Ok(json!(u64::MAX)));
        // Wider than 64 bits: Go falls back to a float; the digits are kept as written.
        assert_eq!(
            resolve_plain("123456789012345678901234567890")
                .unwrap()
                .to_string(),
            "123456789012345678901234567890"
        );
        assert_eq!(
            resolve_plain("0x1FFFFFFFFFFFFFFFFF"),
            Ok(json!("0x1FFFFFFFFFFFFFFFFF"))
        );
    }

    #[test]
    fn floats_and_strings() {
        let text = |t: &str| resolve_plain(t).unwrap().to_string();
        assert_eq!(text("1e3"), "1e+3");
        assert_eq!(text("1.20"), "1.20");
        assert_eq!(text(".5"), "0.5");
        assert_eq!(text("+1_000.5"), "1000.5");
        assert_eq!(text("-1."), "-1.0");
        assert_eq!(text("007.5E-3"), "7.5e-3");
        assert_eq!(resolve_plain("1.5").unwrap().as_f64(), Some(1.5));
        assert_eq!(resolve_plain("1:20"), Ok(json!("1:20")));
        assert_eq!(resolve_plain("2024-01-01"), Ok(json!("2024-01-01")));
        assert_eq!(resolve_plain("4096m"), Ok(json!("4096m")));
        assert_eq!(resolve_plain("~"), Ok(Value::Null));
        assert!(resolve_plain(".nan").is_err());
        assert!(resolve_plain("-.inf").is_err());
    }

    #[test]
    fn ambiguous_strings_are_not_plain() {
        for t in [
            "on",
            "off",
            "yes",
            "no",
            "y",
            "NO",
            "1.20",
            "0x1F",
            "0o17",
            "1e3",
            "~",
            "null",
            "",
            "2024-01-01",
            "1_000",
            "1:20",
            "a: b",
            "a #b",
            " lead",
            "trail ",
            "-",
            "<<",
            "=",
            "line\nbreak",
            ".inf",
            "-1",
            "+1",
            "true",
        ] {
            assert!(!is_safe_plain(t), "{t:?} must be quoted");
        }
        for t in [
            "savepoint",
            "file:/opt/flink",
            "local:///x.jar",
            "a-b_c",
            "ünïcode",
            "x#y",
        ] {
            assert!(is_safe_plain(t), "{t:?} can stay plain");
        }
    }
}
