//! The embedded schemas' JSON as the schema walks read it: strings borrowed from the embedded
//! text, objects as lists in written order.
//!
//! Parsing a schema into a `serde_json::Value` was half of a one-file run: a hashed map and an
//! allocated key for each of its two thousand nodes, only for the tree builder to read each once.
//! The validator, the `schema` command and `--version` still parse with serde_json
//! (`schemas::json`); the tests hold this reading equal to that one for every embedded schema.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'static, str>),
    Array(Vec<Json>),
    Object(Vec<(Cow<'static, str>, Json)>),
}

impl Json {
    /// The value of `key` in an object (the last, were a key written twice, as serde_json reads).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn as_object(&self) -> Option<&[(Cow<'static, str>, Json)]> {
        match self {
            Json::Object(fields) => Some(fields),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (k, v) in fields {
                    map.insert(k.to_string(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// A JSON value, and how many objects and booleans it holds (itself included): the schema tree
/// builder makes a node of each at most.
pub struct Counted {
    pub json: Json,
    pub objects_and_booleans: usize,
}

/// Reads `text`, which must be one JSON value and nothing else; `None` for anything this reader
/// does not take.
pub fn parse(text: &'static str) -> Option<Counted> {
    let mut reader = Reader {
        text,
        at: 0,
        objects_and_booleans: 0,
    };
    let value = reader.value(0)?;
    reader.skip_spaces();
    (reader.at == text.len()).then_some(Counted {
        json: value,
        objects_and_booleans: reader.objects_and_booleans,
    })
}

/// Deeper than any generated schema; keeps the recursion bounded.
const MAX_DEPTH: usize = 64;

struct Reader {
    text: &'static str,
    at: usize,
    objects_and_booleans: usize,
}

impl Reader {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_spaces();
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_spaces();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => {
                self.objects_and_booleans += 1;
                self.word("true", Json::Bool(true))
            }
            b'f' => {
                self.objects_and_booleans += 1;
                self.word("false", Json::Bool(false))
            }
            b'n' => self.word("null", Json::Null),
            _ => self.number(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        self.objects_and_booleans += 1;
        let mut fields = Vec::new();
        if self.eat(b'}').is_some() {
            return Some(Json::Object(fields));
        }
        loop {
            self.skip_spaces();
            let key = self.string()?;
            self.eat(b':')?;
            fields.push((key, self.value(depth + 1)?));
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Json::Object(fields));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']').is_some() {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Json::Array(items));
            }
        }
    }

    /// A string at the cursor: borrowed when it has no escapes, else decoded by serde_json.
    fn string(&mut self) -> Option<Cow<'static, str>> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        let mut escaped = false;
        let mut i = start + 1;
        loop {
            i = first_special(bytes, i);
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                byte if byte < 0x20 => return None,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        let literal = self.text.get(start..=i)?;
        if escaped {
            serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
        } else {
            literal.get(1..literal.len() - 1).map(Cow::Borrowed)
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Option<Json> {
        let rest = self.text.get(self.at..)?;
        rest.starts_with(word).then(|| {
            self.at += word.len();
            value
        })
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        while matches!(
            self.peek(),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            self.at += 1;
        }
        let text = self.text.get(start..self.at)?;
        text.parse::<Number>().ok().map(Json::Number)
    }
}

/// The offset of the first byte at or after `i` that a string's scan must look at (a quote, a
/// backslash or a control byte), or `bytes.len()` if there is none. Eight bytes at a time: the string scan was a
/// third of reading a schema, byte by byte.
fn first_special(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte below `n` sets its high bit here; borrows may also set bits above the first such
    // byte, never below it, so the lowest set bit is exact.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS;
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let special = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if special != 0 {
            return i + special.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while bytes
        .get(i)
        .is_some_and(|&b| !matches!(b, b'"' | b'\\' | 0..=0x1f))
    {
        i += 1;
    }
    i.min(bytes.len())
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kind::Kind;
    use crate::model::release::Release;
    use crate::schemas;

    fn parse(text: &'static str) -> Option<Json> {
        super::parse(text).map(|read| read.json)
    }

    use super::first_special;

    #[test]
    fn every_embedded_schema_reads_as_serde_json_reads_it() {
        let mut read = 0;
        for release in Release::ALL {
            for kind in Kind::ALL {
                let Some(text) = schemas::text(release, kind) else {
                    continue;
                };
                let json = parse(text).unwrap_or_else(|| panic!("{release} {kind}: declined"));
                assert_eq!(
                    &json.to_value(),
                    schemas::json(release, kind),
                    "{release} {kind}"
                );
                assert_unique_keys(&json);
                read += 1;
            }
        }
        // Three kinds at each of six releases, and FlinkBlueGreenDeployment at 1.14 and 1.15.
        assert_eq!(read, 20);
    }

    /// The tree builder reads an object's keywords in order: a key written twice would be read
    /// twice, where serde_json keeps the last.
    fn assert_unique_keys(json: &Json) {
        match json {
            Json::Object(fields) => {
                let mut keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
                keys.sort_unstable();
                let before = keys.len();
                keys.dedup();
                assert_eq!(keys.len(), before, "a key written twice");
                fields.iter().for_each(|(_, v)| assert_unique_keys(v));
            }
            Json::Array(items) => items.iter().for_each(assert_unique_keys),
            _ => {}
        }
    }

    #[test]
    fn escapes_numbers_and_nesting_read_as_serde_json_reads_them() {
        for text in [
            r#"{"a\"b": "x\\.y\u00e9", "n": [-1.5e3, 0, 12345678901234567890123], "t": true}"#,
            r#"[{}, [], null, false, "", {"k": {"k": [1]}}]"#,
            " { \"spaced\" : [ 1 , 2 ] } ",
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(parse(text).map(|j| j.to_value()), Some(expected), "{text}");
        }
    }

    /// The word-at-a-time scan stops where a byte-by-byte scan does: each kind of byte a string
    /// must stop at, and its neighbours (a space, `!`, `#`, `[`, `]`, bytes of UTF-8), at every
    /// offset around the eight-byte words, after every kind of filler.
    #[test]
    fn the_string_scan_stops_at_the_first_quote_backslash_or_control_byte() {
        let naive = |bytes: &[u8], from: usize| {
            (from..bytes.len())
                .find(|&i| matches!(bytes[i], b'"' | b'\\' | 0..=0x1f))
                .unwrap_or(bytes.len())
        };
        let stops = [b'"', b'\\', 0x00, 0x01, 0x1f, b'\n'];
        let fillers = [
            b'a',
            b' ',
            b'!',
            b'#',
            b'[',
            b']',
            0x7f,
            0x80,
            0xc3,
            0xff,
            0x21,
            0x5c ^ 1,
        ];
        for filler in fillers {
            for len in 0..40 {
                for stop in stops.iter().map(Some).chain([None]) {
                    for at in 0..len {
                        let mut bytes = vec![filler; len];
                        if let Some(&stop) = stop {
                            bytes[at] = stop;
                            // A second stop further on must not be the one found.
                            if at + 9 < len {
                                bytes[at + 9] = b'"';
                            }
                        }
                        for from in 0..=len.min(at + 1) {
                            assert_eq!(
                                first_special(&bytes, from),
                                naive(&bytes, from),
                                "{bytes:?} from {from}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn declines_what_is_not_one_json_value() {
        for text in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "tru",
            "1 2",
            "\"\n\"",
            "{} x",
            "--1",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
        let deep: &'static str = Box::leak(("[".repeat(100) + &"]".repeat(100)).into_boxed_str());
        assert!(parse(deep).is_none());
    }
}
