//! `--diff`: the saved form against the output form, as a unified diff for a human to review.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::output::terminal;
use crate::yaml;

/// One resource: its saved form against its restore form, labelled `Kind/namespace/name`.
pub fn render_one(label: &str, saved: &Value, restored: &Value, colour: bool) -> String {
    let before = yaml::to_yaml(saved);
    let after = yaml::to_yaml(restored);
    let mut out = format!("--- {label} (saved)\n+++ {label} (restore form)\n");
    let diff = TextDiff::from_lines(&before, &after);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            let (sign, paint) = match change.tag() {
                ChangeTag::Delete => ('-', "\x1b[31m"),
                ChangeTag::Insert => ('+', "\x1b[32m"),
                ChangeTag::Equal => (' ', ""),
            };
            let line = terminal::escape(change.value().trim_end_matches('\n')).into_owned();
            if colour && !paint.is_empty() {
                out.push_str(&format!("{paint}{sign}{line}\x1b[0m\n"));
            } else {
                out.push_str(&format!("{sign}{line}\n"));
            }
        }
    }
    out
}
