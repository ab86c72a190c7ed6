//! A transform's edits made in the text it was read from, as a person would make them: a value
//! replaced where it stands, a key added at the end of its mapping at the mapping's indentation,
//! a key removed with its value and the comment lines above it. Every other byte (comments,
//! blank lines, quoting, order, anchors, markers, line endings) stays.
//!
//! The result is proven: it is read again and must give exactly the value the transform made,
//! key order and number digits included. Whatever cannot be placed with certainty is declined,
//! with the reason, and the caller writes the canonical form instead.

use std::ops::Range;

use serde_json::Value;

use super::tree::{self, Entry, Node, Shape};
use super::write::{entry_lines, inline_scalar, key_text};
use super::{DocumentReader, Limits};

/// One change to the document, at a JSON Pointer.
#[derive(Debug, Clone, Copy)]
pub enum Edit<'a> {
    /// JSON Patch `add`/`replace`: the member becomes `value` (added at the end when new).
    Set(&'a str, &'a Value),
    Remove(&'a str),
}

impl Edit<'_> {
    fn pointer(&self) -> &str {
        match self {
            Edit::Set(p, _) | Edit::Remove(p) => p,
        }
    }
}

/// Why an edit could not be made in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declined(pub String);

fn decline<T>(why: impl Into<String>) -> Result<T, Declined> {
    Err(Declined(why.into()))
}

/// `text` (one YAML document) with `edits` made in place, provided it reads back as `expected`.
pub fn splice(text: &str, edits: &[Edit<'_>], expected: &Value) -> Result<String, Declined> {
    // A last line without its newline gains one: lines are added after it.
    let ended;
    let text = if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        ended = format!("{text}{}", Text::new(text).eol);
        &ended
    };
    let Some(root) = tree::parse(text) else {
        return decline("the document's layout could not be mapped");
    };
    let doc = Text::new(text);
    let mut changes: Vec<Change> = Vec::with_capacity(edits.len());
    for (i, edit) in edits.iter().enumerate() {
        let here = edit.pointer();
        if edits[..i].iter().any(|e| overlaps(e.pointer(), here)) {
            return decline(format!("two edits touch {here}"));
        }
        let mut change = doc.change(&root, edit)?;
        change.seq = i;
        changes.push(change);
    }
    // Applied from the end, so earlier offsets stay valid; insertions at one point keep their
    // order.
    changes.sort_by_key(|c| (c.range.start, c.range.end, c.seq));
    for pair in changes.windows(2) {
        if pair[0].range.end > pair[1].range.start {
            return decline("two edits overlap in the text");
        }
    }
    let mut out = text.to_owned();
    for change in changes.iter().rev() {
        out.replace_range(change.range.clone(), &change.text);
    }
    prove(&out, expected)?;
    Ok(out)
}

/// Whether one pointer is the other or lies inside it.
fn overlaps(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner == outer || (inner.starts_with(outer) && inner[outer.len()..].starts_with('/'))
    };
    inside(a, b) || inside(b, a)
}

/// The edited text must read as `expected`: same values, same key order, same digits.
fn prove(text: &str, expected: &Value) -> Result<(), Declined> {
    let read = DocumentReader::new(text, Limits::default())
        .next()
        .and_then(Result::ok)
        .map(|d| d.value);
    let same = read.is_some_and(|read| {
        read == *expected
            && serde_json::to_string(&read).ok() == serde_json::to_string(expected).ok()
    });
    if same {
        Ok(())
    } else {
        decline("the edited text did not read back as the intended result")
    }
}

struct Change {
    range: Range<usize>,
    text: String,
    seq: usize,
}

/// The document's text, by lines.
struct Text<'a> {
    text: &'a str,
    eol: &'static str,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Self {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Text { text, eol }
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// Just past the newline of the line holding `at` (or the end of the text).
    fn next_line(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i + 1)
    }

    fn line(&self, start: usize) -> &'a str {
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.text[start..end].trim_end_matches('\r')
    }

    fn column(&self, at: usize) -> usize {
        self.text[self.line_start(at)..at].chars().count()
    }

    /// Whether only spaces precede `at` on its line.
    fn starts_line(&self, at: usize) -> bool {
        self.text[self.line_start(at)..at]
            .bytes()
            .all(|b| b == b' ')
    }

    /// Where the lines that belong to an entry at column `column`, whose value ends at
    /// `value_end`, stop: past every line up to the value's end and every deeper line after it,
    /// before the blank lines that end the run.
    fn run_end(&self, first_line: usize, column: usize, value_end: usize) -> usize {
        let value_end = self.content_end(value_end);
        let mut at = self.next_line(first_line);
        let mut end = at;
        while at < self.text.len() {
            let line = self.line(at);
            let blank = line.trim().is_empty();
            let indent = line.len() - line.trim_start_matches(' ').len();
            if at < value_end || (!blank && indent > column) {
                at = self.next_line(at);
                end = at;
            } else if blank {
                at = self.next_line(at);
            } else {
                break;
            }
        }
        end
    }

    /// Where a value's text really ends: a block scalar's end is reported past the next line's
    /// indentation.
    fn content_end(&self, end: usize) -> usize {
        if self.starts_line(end) {
            self.line_start(end)
        } else {
            end
        }
    }

    /// The comment lines directly above `line` at its indentation: they belong to it.
    fn head_comments(&self, line: usize, column: usize) -> usize {
        let mut start = line;
        while start > 0 {
            let previous = self.line_start(start - 1);
            let text = self.line(previous);
            let indent = text.len() - text.trim_start_matches(' ').len();
            if indent == column && text[indent..].starts_with('#') {
                start = previous;
            } else {
                break;
            }
        }
        start
    }

    /// Blank lines directly above `line`.
    fn blank_lines_above(&self, line: usize) -> usize {
        let mut start = line;
        while start > 0 {
            let previous = self.line_start(start - 1);
            if self.line(previous).trim().is_empty() {
                start = previous;
            } else {
                break;
            }
        }
        start
    }

    fn change(&self, root: &Node, edit: &Edit<'_>) -> Result<Change, Declined> {
        let pointer = edit.pointer();
        let Some((parent_at, _)) = pointer.rsplit_once('/') else {
            return decline("an edit of the whole document");
        };
        let key = tree::tokens(pointer).last().unwrap_or_default();
        let Some(parent) = root.at(parent_at) else {
            return decline(format!("{parent_at} is not written in the document"));
        };
        if parent.anchored || parent.has_merge() {
            return decline(format!(
                "{} carries an anchor or a merge key",
                display(parent_at)
            ));
        }
        match (edit, &parent.shape) {
            (Edit::Set(_, value), Shape::Map { flow, entries }) => match parent.entry(&key) {
                Some(entry) => self.replace(entry, value),
                None if *flow => self.add_to_flow(parent, entries, &key, value),
                None => self.add_to_block(entries, &key, value),
            },
            (
                Edit::Remove(_),
                Shape::Map {
                    flow: false,
                    entries,
                },
            ) => {
                let Some(entry) = parent.entry(&key) else {
                    return decline(format!("{pointer} is not written in the document"));
                };
                if entries.len() == 1 {
                    return decline(format!("{} would be left empty", display(parent_at)));
                }
                self.remove_lines(entry.key_span.start, &entry.value)
            }
            (Edit::Remove(_), Shape::Seq { flow: false, items }) => {
                let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get(i)) else {
                    return decline(format!("{pointer} is not written in the document"));
                };
                if items.len() == 1 {
                    return decline(format!("{} would be left empty", display(parent_at)));
                }
                let dash = self.text[..item.span.start]
                    .rfind('-')
                    .unwrap_or(item.span.start);
                if self.line_start(dash) != self.line_start(item.span.start) {
                    return decline(format!("{pointer}: its `-` is not on its line"));
                }
                self.remove_lines(dash, item)
            }
            _ => decline(format!(
                "{pointer}: only block mappings and sequences are edited in place"
            )),
        }
    }

    fn replace(&self, entry: &Entry, value: &Value) -> Result<Change, Declined> {
        let node = &entry.value;
        if node.aliased {
            return decline(format!("`{}` holds an anchor or alias", entry.key));
        }
        let written = &self.text[node.span.clone()];
        let single_line = matches!(
            node.shape,
            Shape::Scalar {
                style: saphyr_parser::ScalarStyle::Plain
                    | saphyr_parser::ScalarStyle::SingleQuoted
                    | saphyr_parser::ScalarStyle::DoubleQuoted
            }
        ) && !written.contains('\n');
        let indent = self.column(entry.key_span.start) + 2;
        match (single_line, inline_scalar(value, indent)) {
            (true, Some(text)) => {
                // A comment after the value keeps its column, as a hand edit would.
                let line_end = self.next_line(node.span.end);
                let after = &self.text[node.span.end..line_end];
                let gap = after.len() - after.trim_start_matches(' ').len();
                if gap > 0 && after[gap..].starts_with('#') {
                    let old = written.chars().count() + gap;
                    let spaces = old.saturating_sub(text.chars().count()).max(1);
                    return Ok(Change {
                        range: node.span.start..node.span.end + gap,
                        text: format!("{text}{}", " ".repeat(spaces)),
                        seq: 0,
                    });
                }
                Ok(Change {
                    range: node.span.clone(),
                    text,
                    seq: 0,
                })
            }
            _ => decline(format!(
                "`{}` is not a one-line scalar replaced by another",
                entry.key
            )),
        }
    }

    fn add_to_flow(
        &self,
        parent: &Node,
        entries: &[Entry],
        key: &str,
        value: &Value,
    ) -> Result<Change, Declined> {
        if self.text[parent.span.clone()].contains('\n') {
            return decline("a flow mapping over several lines");
        }
        let Some(scalar) = inline_scalar(value, 0) else {
            return decline("a collection added to a flow mapping");
        };
        let pair = format!("{}: {scalar}", key_text(key));
        Ok(match entries.last() {
            Some(last) => Change {
                range: last.value.span.end..last.value.span.end,
                text: format!(", {pair}"),
                seq: 0,
            },
            None => Change {
                range: parent.span.start + 1..parent.span.start + 1,
                text: pair,
                seq: 0,
            },
        })
    }

    fn add_to_block(
        &self,
        entries: &[Entry],
        key: &str,
        value: &Value,
    ) -> Result<Change, Declined> {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return decline("an empty block mapping");
        };
        let column = self.column(first.key_span.start);
        let line = self.line_start(last.key_span.start);
        let at = self.run_end(line, column, last.value.span.end);
        let text = entry_lines(key, value, column, self.eol);
        Ok(Change {
            range: at..at,
            text,
            seq: 0,
        })
    }

    /// The lines of the entry or item starting at `start` (its key or `-`), with the comments
    /// above it; and the blank lines above, when nothing follows it in its mapping.
    fn remove_lines(&self, start: usize, value: &Node) -> Result<Change, Declined> {
        if !self.starts_line(start) {
            return decline("a removed key shares its line");
        }
        if value.aliased {
            return decline("a removed value holds an anchor or alias");
        }
        let line = self.line_start(start);
        let column = self.column(start);
        let end = self.run_end(line, column, value.span.end);
        if end < self.content_end(value.span.end) {
            return decline("a removed value runs past its lines");
        }
        let mut from = self.head_comments(line, column);
        let next = self.line(end);
        if end >= self.text.len() || next.trim().is_empty() || next.starts_with("---") {
            from = self.blank_lines_above(from);
        }
        Ok(Change {
            range: from..end,
            text: String::new(),
            seq: 0,
        })
    }
}

fn display(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the document"
    } else {
        pointer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Value {
        DocumentReader::new(text, Limits::default())
            .next()
            .unwrap()
            .unwrap()
            .value
    }

    /// Applies `edits` to the value as the transform does, then splices the text.
    fn edit(text: &str, edits: &[Edit<'_>]) -> Result<String, Declined> {
        let mut expected = read(text);
        for e in edits {
            match e {
                Edit::Set(p, v) => {
                    let (parent, key) = p.rsplit_once('/').unwrap();
                    let map = expected
                        .pointer_mut(parent)
                        .unwrap()
                        .as_object_mut()
                        .unwrap();
                    map.insert(key.to_owned(), (*v).clone());
                }
                Edit::Remove(p) => {
                    let (parent, key) = p.rsplit_once('/').unwrap();
                    match expected.pointer_mut(parent).unwrap() {
                        Value::Object(map) => {
                            map.shift_remove(key);
                        }
                        Value::Array(items) => {
                            items.remove(key.parse::<usize>().unwrap());
                        }
                        _ => unreachable!(),
                    }
                }
            }
        }
        splice(text, edits, &expected)
    }

    const SAVED: &str = "\
# The production job.
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: app   # do not rename
  # set by the API server
  uid: 7f3c
spec:
  job:
    jarURI: 'local:///opt/flink/job.jar'
    # the job's parallelism
    parallelism: 2
    upgradeMode: stateless  # was last-state
    savepointTriggerNonce: 4

status:
  jobStatus:
    state: RUNNING
";

    #[test]
    fn a_restore_touches_only_its_lines() {
        let sp = json!("s3://b/sp/savepoint-1");
        let mode = json!("savepoint");
        let allow = json!(false);
        let out = edit(
            SAVED,
            &[
                Edit::Set("/spec/job/upgradeMode", &mode),
                Edit::Set("/spec/job/initialSavepointPath", &sp),
                Edit::Set("/spec/job/allowNonRestoredState", &allow),
                Edit::Remove("/spec/job/savepointTriggerNonce"),
                Edit::Remove("/status"),
                Edit::Remove("/metadata/uid"),
            ],
        )
        .unwrap();
        insta::assert_snapshot!(out, @r"
        # The production job.
        apiVersion: flink.apache.org/v1beta1
        kind: FlinkDeployment
        metadata:
          name: app   # do not rename
        spec:
          job:
            jarURI: 'local:///opt/flink/job.jar'
            # the job's parallelism
            parallelism: 2
            upgradeMode: savepoint  # was last-state
            initialSavepointPath: s3://b/sp/savepoint-1
            allowNonRestoredState: false
        ");
    }

    #[test]
    fn crlf_flow_mappings_and_kubectl_sequences() {
        let text = "metadata:\r\n  finalizers:\r\n  - a\r\n  - b\r\n  name: x\r\nspec: {job: {n: 1}, k: v}\r\n";
        let two = json!(2);
        let out = edit(text, &[Edit::Remove("/metadata/finalizers/0")]).unwrap();
        assert_eq!(
            out,
            "metadata:\r\n  finalizers:\r\n  - b\r\n  name: x\r\nspec: {job: {n: 1}, k: v}\r\n"
        );
        let out = edit(text, &[Edit::Set("/spec/job/m", &two)]).unwrap();
        assert_eq!(
            out,
            "metadata:\r\n  finalizers:\r\n  - a\r\n  - b\r\n  name: x\r\nspec: {job: {n: 1, m: 2}, k: v}\r\n"
        );
        let out = edit(text, &[Edit::Set("/metadata/label", &two)]).unwrap();
        assert!(out.contains("  name: x\r\n  label: 2\r\nspec:"), "{out:?}");
    }

    #[test]
    fn what_cannot_be_placed_is_declined() {
        let v = json!("x");
        for (text, edits, why) in [
            (
                "a: &x {k: 1}\nb: *x\n",
                vec![Edit::Set("/a/k", &v)],
                "anchor",
            ),
            (
                "a: &x 1\nb: *x\n",
                vec![Edit::Set("/a", &v)],
                "anchor or alias",
            ),
            (
                "b:\n  <<: {k: 1}\n  c: 2\n",
                vec![Edit::Set("/b/c", &v)],
                "merge",
            ),
            (
                "a: {k: 1,\n  j: 2}\n",
                vec![Edit::Set("/a/l", &v)],
                "flow mapping over",
            ),
            ("a:\n  k: 1\n", vec![Edit::Remove("/a/k")], "left empty"),
            (
                "a:\n  k: |\n    two\n    lines\n",
                vec![Edit::Set("/a/k", &v)],
                "one-line",
            ),
            (
                "a:\n  k: 1\n",
                vec![Edit::Set("/a/k", &v), Edit::Remove("/a/k")],
                "two edits",
            ),
        ] {
            let err = edit(text, &edits).unwrap_err();
            assert!(err.0.contains(why), "{text:?}: {err:?}");
        }
    }

    #[test]
    fn a_wrong_result_is_never_returned() {
        // An expected value the edits do not make: the proof refuses it.
        let v = json!(2);
        let err = splice(
            "a:\n  k: 1\n",
            &[Edit::Set("/a/k", &v)],
            &json!({"a": {"k": 3}}),
        );
        assert!(err.is_err());
    }
}
