//! A savepoint location as the operator and Flink take it: an absolute path or a URI, exactly as
//! written. What an unset shell variable or a stray space makes of it is refused, never written.

/// Why `text` cannot be a savepoint location, or `None` when it can.
pub fn problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some(
            "is empty (an unset shell variable?): give the savepoint's location, \
             e.g. s3://bucket/savepoints/savepoint-1a2b3c or file:/opt/flink/volume/savepoint-1a2b3c"
                .to_owned(),
        );
    }
    if text.trim() != text {
        return Some(format!(
            "{text:?} has leading or trailing whitespace, which Flink would keep as part of the \
             path: remove it"
        ));
    }
    if !has_scheme(text) && !text.starts_with('/') {
        return Some(format!(
            "{text:?} is a relative path, which Flink resolves against the JobManager's working \
             directory, not where the savepoint is: give an absolute path (/...) or a URI \
             (file:/..., s3://...)"
        ));
    }
    None
}

/// `scheme:` as RFC 3986 spells one: a letter, then letters, digits, `+`, `-` or `.`.
fn has_scheme(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn absolute_paths_and_uris_are_locations() {
        for ok in [
            "file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c",
            "s3://bucket/sp",
            "/opt/flink/sp",
            "hdfs:///sp",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn empty_padded_and_relative_paths_are_not() {
        assert!(problem("").unwrap().contains("unset shell variable"));
        assert!(problem("  \t").unwrap().contains("unset shell variable"));
        assert!(problem(" s3://b/sp").unwrap().contains("whitespace"));
        assert!(problem("s3://b/sp\n").unwrap().contains("whitespace"));
        assert!(problem("savepoints/sp-1").unwrap().contains("relative"));
        assert!(problem("./sp").unwrap().contains("relative"));
    }
}
