//! RFC 6901 JSON Pointers, the `path` of every finding.

/// Appends `segment` to a pointer under construction, escaped.
pub fn push_escaped(out: &mut String, segment: &str) {
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
