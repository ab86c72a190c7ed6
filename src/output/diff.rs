//! `--diff`: a file against what the restore makes of it, as a unified diff with the file's name
//! (three lines of context), for a human to review or `git apply` to take.

use similar::{ChangeTag, TextDiff};

use crate::output::terminal;

/// `before` and `after`, the texts of file `name`; empty when they are the same.
pub fn unified(name: &str, before: &str, after: &str, colour: bool) -> String {
    if before == after {
        return String::new();
    }
    let name = terminal::escape(name);
    // git's a/ and b/ prefixes for a relative path; an absolute one is named as it is, as
    // `diff -u` does.
    let (a, b) = if name.starts_with('/') {
        ("", "")
    } else {
        ("a/", "b/")
    };
    let mut out = format!("--- {a}{name}\n+++ {b}{name}\n");
    let diff = TextDiff::from_lines(before, after);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            let (sign, paint) = match change.tag() {
                ChangeTag::Delete => ('-', "\x1b[31m"),
                ChangeTag::Insert => ('+', "\x1b[32m"),
                ChangeTag::Equal => (' ', ""),
            };
            let text = change.value();
            let line = terminal::escape(text.trim_end_matches('\n').trim_end_matches('\r'));
            if colour && !paint.is_empty() {
                out.push_str(&format!("{paint}{sign}{line}\x1b[0m\n"));
            } else {
                out.push_str(&format!("{sign}{line}\n"));
            }
            if !text.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unified_diff_git_can_apply() {
        let before = "a: 1\nb: 2\nc: 3\n";
        let after = "a: 1\nb: 5\nc: 3\n";
        assert_eq!(
            unified("f.yaml", before, after, false),
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 5\n c: 3\n"
        );
        assert_eq!(unified("f.yaml", before, before, false), "");
        assert!(unified("f", "a", "b", false).ends_with("+b\n\\ No newline at end of file\n"));
    }
}
