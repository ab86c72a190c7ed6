//! `--diff`: the saved form against the output form, as a unified diff for a human to review.

use similar::{ChangeTag, TextDiff};

use crate::transform::restore::Restored;
use crate::yaml;

pub fn render(resources: &[Restored], colour: bool) -> String {
    let mut out = String::new();
    for r in resources {
        let before = yaml::to_yaml(&r.saved);
        let after = yaml::to_yaml(&r.restored);
        let label = format!("{}/{}", r.kind, r.name);
        let diff = TextDiff::from_lines(&before, &after);
        out.push_str(&format!(
            "--- {label} (saved)\n+++ {label} (restore form)\n"
        ));
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            out.push_str(&format!("{}\n", hunk.header()));
            for change in hunk.iter_changes() {
                let (sign, paint) = match change.tag() {
                    ChangeTag::Delete => ('-', "\x1b[31m"),
                    ChangeTag::Insert => ('+', "\x1b[32m"),
                    ChangeTag::Equal => (' ', ""),
                };
                let line = crate::output::terminal::escape(change.value().trim_end_matches('\n'))
                    .into_owned();
                if colour && !paint.is_empty() {
                    out.push_str(&format!("{paint}{sign}{line}\x1b[0m\n"));
                } else {
                    out.push_str(&format!("{sign}{line}\n"));
                }
            }
        }
    }
    out
}
