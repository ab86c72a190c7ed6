//! Where each node of one YAML document stands in its text, in bytes: what splicing edits.
//! Values are not built here (the reader does that); only keys, spans and styles.

use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

/// One node: its text (`span`), its shape, whether it carries an anchor itself (an edit inside
/// it would change what its aliases read), and whether an anchor, alias or merge key is anywhere
/// in it (removing or replacing it could break one).
#[derive(Debug, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub shape: Shape,
    pub anchored: bool,
    pub aliased: bool,
}

#[derive(Debug, PartialEq)]
pub enum Shape {
    Scalar { style: ScalarStyle },
    Alias,
    Map { flow: bool, entries: Vec<Entry> },
    Seq { flow: bool, items: Vec<Node> },
}

#[derive(Debug, PartialEq)]
pub struct Entry {
    /// The key as written, unquoted; `<<` for a merge key.
    pub key: String,
    pub key_span: Range<usize>,
    pub merge: bool,
    pub value: Node,
}

impl Node {
    /// The node at a JSON Pointer (`/spec/job`), following mapping keys and sequence indexes as
    /// written: a key only a merge provides is not found.
    pub fn at(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in tokens(pointer) {
            node = node.child(&token)?;
        }
        Some(node)
    }

    fn child(&self, token: &str) -> Option<&Node> {
        match &self.shape {
            Shape::Map { entries, .. } => entries
                .iter()
                .find(|e| !e.merge && e.key == token)
                .map(|e| &e.value),
            Shape::Seq { items, .. } => items.get(token.parse::<usize>().ok()?),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.shape {
            Shape::Map { entries, .. } => entries.iter().find(|e| !e.merge && e.key == key),
            _ => None,
        }
    }

    pub fn has_merge(&self) -> bool {
        matches!(&self.shape, Shape::Map { entries, .. } if entries.iter().any(|e| e.merge))
    }
}

/// A JSON Pointer's reference tokens, unescaped.
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

/// Byte offsets of line starts, to turn the parser's (line, character column) into bytes.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn byte(&self, marker: &Marker) -> usize {
        let Some(&start) = self.starts.get(marker.line().saturating_sub(1)) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(marker.col())
                .map_or(line.len(), |(i, _)| i)
    }
}

enum Open {
    Map {
        start: usize,
        flow: bool,
        aliased: bool,
        entries: Vec<Entry>,
        key: Option<(String, Range<usize>, bool)>,
    },
    Seq {
        start: usize,
        flow: bool,
        aliased: bool,
        items: Vec<Node>,
    },
}

/// The first document of `text`, or `None` when the parser refuses it (the reader has already
/// said why) or a key is not a scalar. The plain block YAML most files are written in is read by
/// the block-subset reader, which finds the same tree without the general parser.
pub fn parse(text: &str) -> Option<Node> {
    super::block_subset::tree(text).or_else(|| parse_general(text))
}

/// The same, by the general parser alone: what the block-subset tree is held to.
pub fn parse_general(text: &str) -> Option<Node> {
    let lines = Lines::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (event, span) = parser.next_event()?.ok()?;
        let start = lines.byte(&span.start);
        let end = lines.byte(&span.end).max(start);
        let node = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::StreamEnd | Event::DocumentEnd => return None,
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map {
                    start,
                    flow: text[start..].starts_with('{'),
                    aliased: anchor != 0,
                    entries: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq {
                    start,
                    flow: text[start..].starts_with('['),
                    aliased: anchor != 0,
                    items: Vec::new(),
                });
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let end = if style == ScalarStyle::SingleQuoted {
                    // The parser's end runs on over trailing blanks and a comment.
                    single_quoted_end(text, start).unwrap_or(end)
                } else {
                    end
                };
                if let Some(Open::Map {
                    key: key @ None, ..
                }) = stack.last_mut()
                {
                    let merge = style == ScalarStyle::Plain && value == "<<";
                    *key = Some((value.into_owned(), start..end, merge));
                    continue;
                }
                Node {
                    span: start..end,
                    shape: Shape::Scalar { style },
                    anchored: anchor != 0,
                    aliased: anchor != 0,
                }
            }
            Event::Alias(_) => {
                if let Some(Open::Map { key: None, .. }) = stack.last() {
                    return None;
                }
                Node {
                    span: start..end,
                    shape: Shape::Alias,
                    anchored: false,
                    aliased: true,
                }
            }
            Event::MappingEnd => match stack.pop()? {
                Open::Map {
                    start: open,
                    flow,
                    aliased,
                    entries,
                    ..
                } => {
                    // A flow mapping ends at its `}`; a block one at its last value.
                    let close = if flow {
                        end.max(start + 1)
                    } else {
                        entries.last().map_or(open, |e| e.value.span.end)
                    };
                    let anchored = aliased;
                    let aliased = aliased || entries.iter().any(|e| e.merge || e.value.aliased);
                    Node {
                        span: open..close,
                        shape: Shape::Map { flow, entries },
                        anchored,
                        aliased,
                    }
                }
                Open::Seq { .. } => return None,
            },
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq {
                    start: open,
                    flow,
                    aliased,
                    items,
                } => {
                    let close = if flow {
                        end.max(start + 1)
                    } else {
                        items.last().map_or(open, |i| i.span.end)
                    };
                    let anchored = aliased;
                    let aliased = aliased || items.iter().any(|i| i.aliased);
                    Node {
                        span: open..close,
                        shape: Shape::Seq { flow, items },
                        anchored,
                        aliased,
                    }
                }
                Open::Map { .. } => return None,
            },
        };
        match stack.last_mut() {
            None => return Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => {
                let (key, key_span, merge) = key.take()?;
                entries.push(Entry {
                    key,
                    key_span,
                    merge,
                    value: node,
                });
            }
        }
    }
}

/// Just past the quote that closes the single-quoted scalar opening at `start` (`''` is a quote).
fn single_quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at<'a>(text: &'a str, root: &Node, pointer: &str) -> &'a str {
        &text[root.at(pointer).unwrap().span.clone()]
    }

    #[test]
    fn spans_are_bytes_of_the_written_text() {
        let text = "# head\nspec:\n  job:\n    jarURI: 'ä.jar'  # quoted\n    args: [a, \"b\"]\n    n: 2\n  x: {a: 1}\n";
        let root = parse(text).unwrap();
        assert_eq!(text_at(text, &root, "/spec/job/jarURI"), "'ä.jar'");
        assert_eq!(text_at(text, &root, "/spec/job/args"), "[a, \"b\"]");
        assert_eq!(text_at(text, &root, "/spec/job/args/1"), "\"b\"");
        assert_eq!(text_at(text, &root, "/spec/job/n"), "2");
        assert_eq!(text_at(text, &root, "/spec/x"), "{a: 1}");
        assert_eq!(
            text_at(text, &root, "/spec/job"),
            "jarURI: 'ä.jar'  # quoted\n    args: [a, \"b\"]\n    n: 2"
        );
        let job = root.at("/spec").unwrap().entry("job").unwrap();
        assert_eq!(&text[job.key_span.clone()], "job");
        assert!(matches!(
            root.at("/spec/x").unwrap().shape,
            Shape::Map { flow: true, .. }
        ));
        assert!(!root.aliased);
    }

    #[test]
    fn anchors_aliases_and_merges_mark_their_nodes() {
        let text = "a: &x {k: 1}\nb:\n  <<: *x\n  c: 2\nd: 3\n";
        let root = parse(text).unwrap();
        assert!(root.at("/a").unwrap().anchored && root.at("/a").unwrap().aliased);
        let b = root.at("/b").unwrap();
        assert!(!b.anchored && b.aliased && b.has_merge());
        assert!(!root.at("/d").unwrap().aliased);
        assert!(!root.anchored && root.aliased);
        assert!(
            root.at("/b/k").is_none(),
            "a merged key is not written in b"
        );
    }

    #[test]
    fn block_and_multi_line_scalars_span_their_lines() {
        // A block scalar's span is its content (not its `|` header), through the next line's start.
        let text = "a: |\n  one\n  two\nb: x\nc: 'it''s'  # note\nd: plain\n  more\n";
        let root = parse(text).unwrap();
        assert_eq!(text_at(text, &root, "/a"), "one\n  two\n");
        assert_eq!(text_at(text, &root, "/b"), "x");
        assert_eq!(text_at(text, &root, "/c"), "'it''s'");
        assert_eq!(text_at(text, &root, "/d"), "plain\n  more");
    }
}
