//! Kubernetes label keys and values, as the API server validates them, and the labels the
//! operator owns on FlinkStateSnapshots.

/// Labels the operator sets and acts on: a backup labelled `snapshot.trigger-type: PERIODIC` is
/// deleted by the operator's snapshot history cleanup.
pub const OPERATOR_OWNED: [&str; 3] = ["snapshot.trigger-type", "snapshot.state", "snapshot.type"];

/// Why `key=value` cannot label a FlinkStateSnapshot, or `None`.
pub fn problem(key: &str, value: &str) -> Option<String> {
    if OPERATOR_OWNED.contains(&key) {
        return Some(format!(
            "{key} is the operator's own label (it decides the snapshot's cleanup: PERIODIC and \
             UPGRADE snapshots are deleted by its history cleanup); leave it to the operator"
        ));
    }
    key_problem(key)
        .map(|why| format!("label key {key:?} {why}"))
        .or_else(|| value_problem(value).map(|why| format!("label value {value:?} {why}")))
}

/// `[prefix/]name`: a DNS subdomain prefix of at most 253 characters, a name of at most 63.
fn key_problem(key: &str) -> Option<&'static str> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() || prefix.len() > 253 || !is_dns_subdomain(prefix) {
            return Some(
                "has a prefix that is not a DNS subdomain (lower-case alphanumerics, '-' and '.', \
                 at most 253 characters)",
            );
        }
    }
    if name.is_empty() {
        return Some("has an empty name");
    }
    if name.len() > 63 || !is_label_name(name) {
        return Some(
            "is not a valid label name: at most 63 characters, alphanumerics, '-', '_' and '.', \
             starting and ending with an alphanumeric",
        );
    }
    None
}

fn value_problem(value: &str) -> Option<&'static str> {
    (!value.is_empty() && (value.len() > 63 || !is_label_name(value))).then_some(
        "is not a valid label value: at most 63 characters, alphanumerics, '-', '_' and '.', \
         starting and ending with an alphanumeric (or empty)",
    )
}

fn is_label_name(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    s.starts_with(alnum) && s.ends_with(alnum) && s.chars().all(|c| alnum(c) || "-_.".contains(c))
}

fn is_dns_subdomain(s: &str) -> bool {
    s.split('.').all(|label| {
        let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        !label.is_empty()
            && label.len() <= 63
            && label.starts_with(alnum)
            && label.ends_with(alnum)
            && label.chars().all(|c| alnum(c) || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn kubernetes_label_rules() {
        for (k, v) in [
            ("team", "data"),
            ("app.kubernetes.io/part-of", "flink"),
            ("backup", ""),
            ("a", &"x".repeat(63)),
            ("example.com/Tier_1.x", "A-b_c.9"),
        ] {
            assert_eq!(problem(k, v), None, "{k}={v}");
        }
        for (k, v) in [
            ("-team", "x"),
            ("team", "-x"),
            ("team", &"x".repeat(64)),
            (&"k".repeat(64), "x"),
            ("Example.com/x", "y"),
            ("/x", "y"),
            ("a/", "y"),
            ("team", "has space"),
        ] {
            assert!(problem(k, v).is_some(), "{k}={v}");
        }
    }

    #[test]
    fn the_operators_snapshot_labels_are_refused() {
        let why = problem("snapshot.trigger-type", "PERIODIC").unwrap();
        assert!(why.contains("history cleanup"), "{why}");
        assert!(problem("snapshot.state", "COMPLETED").is_some());
        assert!(problem("snapshot.type", "SAVEPOINT").is_some());
    }
}
