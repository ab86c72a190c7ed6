//! RFC 6901 JSON Pointers, the `path` of every finding.

/// Appends `segment` to a pointer under construction, escaped.
pub fn push_escaped(out: &mut String, segment: &str) {
    // This runs for every configuration key of every document: with `memchr2`, appending a key
    // took half the instructions it took with a byte loop.
    if memchr::memchr2(b'~', b'/', segment.as_bytes()).is_none() {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// `base` with one more segment.
pub fn join(base: &str, segment: &str) -> String {
    let mut out = String::with_capacity(base.len() + segment.len() + 1);
    out.push_str(base);
    out.push('/');
    push_escaped(&mut out, segment);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_tilde_and_slash() {
        assert_eq!(
            super::join("/metadata/annotations", "a/b~c"),
            "/metadata/annotations/a~1b~0c"
        );
    }
}

/// `Value::pointer` without its allocations: it copies every segment to unescape it, which showed
/// in profiles of runs over thousands of documents. Segments here are escaped only when needed.
pub trait Lookup {
    fn at(&self, pointer: &str) -> Option<&serde_json::Value>;

    /// `Value::get` of a name, by `field`: for the checks that run on every document.
    fn field(&self, name: &str) -> Option<&serde_json::Value>;
}

impl Lookup for serde_json::Value {
    fn field(&self, name: &str) -> Option<&serde_json::Value> {
        match self {
            serde_json::Value::Object(map) => field(map, name),
            _ => None,
        }
    }

    fn at(&self, pointer: &str) -> Option<&serde_json::Value> {
        if memchr::memchr(b'~', pointer.as_bytes()).is_some() {
            return self.pointer(pointer);
        }
        if pointer.is_empty() {
            return Some(self);
        }
        // Segments found by `memchr`: `str::split` by a char was half of each lookup. A pointer
        // that does not start with `/` points nowhere, as `Value::pointer` has it.
        let mut rest = pointer.strip_prefix('/')?;
        let mut node = self;
        loop {
            let (segment, next) = match memchr::memchr(b'/', rest.as_bytes()) {
                Some(slash) => (&rest[..slash], Some(&rest[slash + 1..])),
                None => (rest, None),
            };
            node = match node {
                serde_json::Value::Object(map) => field(map, segment),
                serde_json::Value::Array(items) => index(segment).and_then(|i| items.get(i)),
                _ => None,
            }?;
            match next {
                Some(next) => rest = next,
                None => return Some(node),
            }
        }
    }
}

/// A list index as RFC 6901 writes it: digits, without a sign or a leading zero.
fn index(segment: &str) -> Option<usize> {
    let canonical = !segment.starts_with('+') && (segment == "0" || !segment.starts_with('0'));
    canonical.then(|| segment.parse().ok()).flatten()
}

/// A field of a mapping. Most mappings in a manifest have a handful of fields: comparing the
/// names (lengths first) is cheaper than hashing the key, which `Map::get` does at any size.
pub fn field<'m>(
    map: &'m serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'m serde_json::Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::Lookup;
    use serde_json::json;

    #[test]
    fn agrees_with_value_pointer() {
        let v = json!({"a": {"b/c": [1, {"d~e": 2}], "x": null}, "l": [1, [2, 3]]});
        for p in [
            "",
            "/a",
            "/a/b~1c/1/d~0e",
            "/a/b~1c/0",
            "/a/x",
            "/a/missing",
            "/a/b~1c/9",
            "/",
            "//",
            "/a/",
            "/a//x",
            "/a/x/",
            "/a/x/y",
            "/a/b~1c/1/",
            "/a/b~1c/01",
            "/a/b~1c/+1",
            "/a/b~1c/-1",
            "/a/b~1c/1x",
            "/l/0",
            "/l/1/1",
            "/l/01",
            "/l/+1",
            "/l/1/",
            "/l/2",
            "/l/",
            "a",
            "a/b",
            "l/0",
        ] {
            assert_eq!(v.at(p), v.pointer(p), "{p}");
        }
    }

    #[test]
    fn field_agrees_with_map_get_at_every_size() {
        let mut map = serde_json::Map::new();
        for size in 0..12 {
            for name in ["", "k0", "k5", "k10", "k11", "missing", "k"] {
                assert_eq!(
                    super::field(&map, name),
                    map.get(name),
                    "{size} fields, {name:?}"
                );
            }
            map.insert(format!("k{size}"), json!(size));
        }
    }
}
