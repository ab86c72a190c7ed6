//! A direct reader for the block-style YAML that `kubectl get -o yaml`, Helm and people write:
//! indented mappings and lists, one-line plain and quoted scalars (double-quoted ones without
//! escapes), `|` and `|-` literal blocks, one-line flow collections of simple scalars, comments,
//! and `---` between documents.
//!
//! It exists for speed: the general event parser spent half of a validation run scanning. It never
//! decides anything the general reader would decide differently: the moment a file steps outside
//! the subset (an anchor, a tag, a folded or multi-line scalar, a nested flow collection, a tab, a
//! non-ASCII byte, a duplicate key, anything malformed), it gives up on the whole file and the
//! general reader reads it, errors and all. `tests/reader_agreement.rs` and the
//! `reader_agreement` fuzz target hold the two readers to the same values and positions, with one
//! exception: a tab right after `key:`, which kubectl's reader accepts and only this one does.

use saphyr_parser::ScalarStyle;
use serde_json::{Map, Value};

use super::read::{Limits, LoadedDocument, Pos, key_text, plain_scalar_value};
use super::tree::{Entry, Node, Shape};

/// The file leaves the subset; read it with the general reader.
#[derive(Debug)]
pub struct OutsideSubset;

type Read<T> = Result<T, OutsideSubset>;

/// Every document of `text`, or `OutsideSubset`.
pub fn read_stream(text: &str, limits: Limits) -> Read<Vec<LoadedDocument>> {
    // ASCII without control characters (bar the newline): no BOM, tab, CR, or Unicode line break
    // can change what a line is. The one tab allowed separates `key:` from its value: kubectl's
    // reader (go-yaml, as libyaml) takes `key:<TAB>value` so, where the general reader refuses it.
    let bytes = text.as_bytes();
    if !printable_ascii(bytes)
        && !bytes.iter().enumerate().all(|(i, &b)| {
            b == b'\n'
                || (b' '..=b'~').contains(&b)
                || (b == b'\t' && i > 0 && bytes[i - 1] == b':')
        })
    {
        return Err(OutsideSubset);
    }
    let (lines, line_count) = lines(text)?;
    let mut reader = Reader {
        src: text,
        text: text.as_bytes(),
        lines,
        end_line: line_count + 1,
        at: 0,
        nodes: 0,
        limits,
        fields: Vec::new(),
        items: Vec::new(),
    };
    let mut documents = Vec::new();
    // A `---` with nothing after it is an empty document, placed where the next one starts.
    let mut explicit_start = false;
    let empty = |line| LoadedDocument {
        value: Value::Null,
        pos: Pos { line, column: 1 },
        duplicates: Vec::new(),
    };
    loop {
        match reader.lines.get(reader.at) {
            None => {
                if explicit_start {
                    documents.push(empty(reader.end_line));
                }
                return Ok(documents);
            }
            Some(&Line::DocumentStart(number)) => {
                if explicit_start {
                    documents.push(empty(number));
                }
                explicit_start = true;
                reader.at += 1;
            }
            Some(Line::Content(line)) => {
                if line.indent != 0 {
                    return Err(OutsideSubset);
                }
                let pos = Pos {
                    line: line.number,
                    column: 1,
                };
                reader.nodes = 0;
                let value = reader.node(0, 0)?;
                if matches!(reader.lines.get(reader.at), Some(Line::Content(_))) {
                    return Err(OutsideSubset);
                }
                documents.push(LoadedDocument {
                    value,
                    pos,
                    duplicates: Vec::new(),
                });
                explicit_start = false;
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Line {
    /// `---`, on this line.
    DocumentStart(usize),
    Content(ContentLine),
}

/// A line with something on it; `start` is the byte offset of its first non-space byte and `end`
/// of its newline. A list entry's content is re-read as a line of its own, further in.
#[derive(Debug, Clone, Copy)]
struct ContentLine {
    number: usize,
    indent: usize,
    start: usize,
    end: usize,
}

/// The lines that carry content or start a document (blank and comment-only lines are dropped),
/// and how many lines there are.
fn lines(src: &str) -> Read<(Vec<Line>, usize)> {
    let text = src.as_bytes();
    // Manifest lines run thirty to forty bytes: room for most files' lines without regrowing.
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    let mut number = 0;
    while start < text.len() {
        number += 1;
        let indent = leading_spaces(&text[start..]);
        let end = line_end(src, start + indent);
        let rest = &text[start + indent..end];
        if rest.is_empty() || rest[0] == b'#' {
            // blank or comment-only
        } else if indent == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
            if !rest.starts_with(b"---") || !ends_blank(&rest[3..]) {
                return Err(OutsideSubset);
            }
            out.push(Line::DocumentStart(number));
        } else if indent == 0 && rest[0] == b'%' {
            return Err(OutsideSubset);
        } else {
            out.push(Line::Content(ContentLine {
                number,
                indent,
                start: start + indent,
                end,
            }));
        }
        start = end + 1;
    }
    Ok((out, number))
}

/// How many spaces `text` starts with, eight bytes at a time: counting them one by one was a
/// third of splitting a manifest into lines, whose indents run to a dozen spaces.
fn leading_spaces(text: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = text.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        // The lowest byte that is not a space is the lowest nonzero byte here.
        let others = u64::from_le_bytes(*chunk) ^ u64::from_le_bytes([b' '; 8]);
        if others != 0 {
            return i + others.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    i + text[i..].iter().take_while(|&&b| b == b' ').count()
}

/// `memchr`'s search, even on lines of tens of bytes: it took a quarter fewer instructions than
/// a byte loop folded into 16-byte masks, and ran faster side by side.
fn line_end(text: &str, from: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[from..]).map_or(text.len(), |i| from + i)
}

/// Every byte printable ASCII or a newline: the common case, checked in blocks the compiler can
/// vectorise (no early exit inside a block).
fn printable_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|block| {
        block.iter().fold(true, |ok, &b| {
            ok & (b.wrapping_sub(b' ') < 95 || b == b'\n')
        })
    })
}

/// Whether `rest` is only spaces, then perhaps a comment after at least one of them.
fn ends_blank(rest: &[u8]) -> bool {
    let spaces = leading_spaces(rest);
    match rest.get(spaces) {
        None => true,
        Some(b'#') => spaces > 0,
        Some(_) => false,
    }
}

/// A `key:` at the start of a line, as written.
struct KeyAt {
    /// A quoted key's content, or `None` for a plain key (the text at `span`).
    quoted: Option<String>,
    /// The key's text, quotes included.
    span: std::ops::Range<usize>,
    /// Just past the colon.
    value_at: usize,
}

/// What ends a plain scalar that starts at `from`: a `:` followed by a blank or the line's end
/// (a key's colon), or a `#` after a space (a comment).
enum PlainEnd {
    Colon(usize),
    Comment(usize),
}

/// The first `PlainEnd` after `from` and before `end`, found by `memchr2`: only `:` and `#` can
/// end a plain scalar, and keys and values are scanned the same way. Inlined into both: called,
/// it cost 2% more instructions over thousands of documents.
#[inline(always)]
fn plain_end(text: &[u8], from: usize, end: usize) -> Option<PlainEnd> {
    // The first byte is neither: the callers have refused a `#` or a `: ` there, and `from <
    // end`.
    let mut j = from + 1;
    while let Some(offset) = memchr::memchr2(b':', b'#', &text[j..end]) {
        j += offset;
        if text[j] == b'#' {
            if text[j - 1] == b' ' {
                return Some(PlainEnd::Comment(j));
            }
        } else if j + 1 == end || matches!(text[j + 1], b' ' | b'\t') {
            return Some(PlainEnd::Colon(j));
        }
        j += 1;
    }
    None
}

/// The key that opens `line`, if the line is a mapping entry; `OutsideSubset` where the line
/// starts with an indicator the subset leaves to the general reader, or a merge key, or a plain
/// key longer than the general reader's implicit-key limit.
fn key_at(src: &str, line: ContentLine) -> Read<Option<KeyAt>> {
    let text = src.as_bytes();
    let s = line.start;
    match text[s] {
        b'\'' | b'"' => {
            let (key, close) = quoted(src, s, line.end)?;
            let colon = text.get(close) == Some(&b':')
                && (close + 1 == line.end || text[close + 1] == b' ');
            Ok(colon.then(|| KeyAt {
                quoted: Some(key),
                span: s..close,
                value_at: close + 1,
            }))
        }
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'%' | b'@' | b'`' => Err(OutsideSubset),
        // `- x` is a list entry, found before a key is looked for; `-x` is plain.
        _ => match plain_end(text, s, line.end) {
            Some(PlainEnd::Colon(j)) => {
                let raw = src[s..j].trim_end_matches(' ');
                // Merge keys and the implicit-key length limit: the general reader's.
                if raw == "<<" || j - s > 1024 {
                    return Err(OutsideSubset);
                }
                Ok(Some(KeyAt {
                    quoted: None,
                    span: s..s + raw.len(),
                    value_at: j + 1,
                }))
            }
            // A comment before any `: `, or no `: ` at all: not a mapping entry.
            Some(PlainEnd::Comment(_)) | None => Ok(None),
        },
    }
}

fn is_list_entry(text: &[u8], line: ContentLine) -> bool {
    text[line.start] == b'-' && (line.start + 1 == line.end || text[line.start + 1] == b' ')
}

/// What follows the `-` of a list entry, as a line of its own further in, and whether it opens a
/// collection there (`- name: x`, `- - x`) rather than holding a value.
fn list_entry(src: &str, line: ContentLine) -> Read<(ContentLine, bool)> {
    let text = src.as_bytes();
    let content = skip_spaces(text, line.start + 1, line.end);
    let inner = ContentLine {
        number: line.number,
        indent: line.indent + (content - line.start),
        start: content,
        end: line.end,
    };
    let opens_collection = content < line.end
        && !matches!(text[content], b'#' | b'|')
        && (is_list_entry(text, inner) || key_at(src, inner)?.is_some());
    Ok((inner, opens_collection))
}

struct Reader<'t> {
    /// The stream, and the same as bytes: `read_stream` took only ASCII, so every byte offset is
    /// a character boundary.
    src: &'t str,
    text: &'t [u8],
    lines: Vec<Line>,
    /// Where the stream ends, as the general reader counts lines.
    end_line: usize,
    at: usize,
    nodes: usize,
    limits: Limits,
    /// The fields and items of the collections being read, innermost last: each collection is
    /// made at its exact size once complete, where growing it entry by entry would leave up to
    /// half of it unused for as long as the document is held (a restore holds thousands).
    fields: Vec<(String, Value)>,
    items: Vec<Value>,
}

impl Reader<'_> {
    fn current(&self) -> Option<ContentLine> {
        match self.lines.get(self.at) {
            Some(Line::Content(line)) => Some(*line),
            _ => None,
        }
    }

    fn count(&mut self, n: usize) -> Read<()> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(OutsideSubset);
        }
        Ok(())
    }

    /// The collection whose first entry is the current line, at exactly `indent`.
    fn node(&mut self, indent: usize, depth: usize) -> Read<Value> {
        if depth >= self.limits.max_depth {
            return Err(OutsideSubset);
        }
        self.count(1)?;
        let line = self.current().ok_or(OutsideSubset)?;
        if self.is_list_entry(line) {
            self.list(indent, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    fn is_list_entry(&self, line: ContentLine) -> bool {
        is_list_entry(self.text, line)
    }

    fn list(&mut self, indent: usize, depth: usize) -> Read<Value> {
        let first = self.items.len();
        if let Err(outside) = self.list_items(indent, depth) {
            self.items.truncate(first);
            return Err(outside);
        }
        Ok(Value::Array(self.items.drain(first..).collect()))
    }

    fn list_items(&mut self, indent: usize, depth: usize) -> Read<()> {
        while let Some(line) = self.current() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return Err(OutsideSubset);
            }
            if !self.is_list_entry(line) {
                // The next key of the mapping this list is a value of, at the key's indent.
                break;
            }
            let (inner, opens_collection) = list_entry(self.src, line)?;
            if opens_collection {
                // `- name: x` and `- - x`: the rest of the line opens a collection, further in.
                self.lines[self.at] = Line::Content(inner);
                let item = self.node(inner.indent, depth + 1)?;
                self.items.push(item);
            } else {
                let item = self.rest_of_line(indent, inner.start, line.end, false, depth)?;
                self.items.push(item);
            }
        }
        Ok(())
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Read<Value> {
        let first = self.fields.len();
        if let Err(outside) = self.mapping_fields(indent, depth) {
            self.fields.truncate(first);
            return Err(outside);
        }
        let mut map = Map::with_capacity(self.fields.len() - first);
        for (key, value) in self.fields.drain(first..) {
            if map.insert(key, value).is_some() {
                // Duplicates are reported with their positions by the general reader.
                return Err(OutsideSubset);
            }
        }
        Ok(Value::Object(map))
    }

    fn mapping_fields(&mut self, indent: usize, depth: usize) -> Read<()> {
        while let Some(line) = self.current() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || self.is_list_entry(line) {
                return Err(OutsideSubset);
            }
            let (key, value_at) = self.key(line)?.ok_or(OutsideSubset)?;
            self.count(1)?;
            let value_start = skip_spaces(self.text, value_at, line.end);
            let value = self.rest_of_line(indent, value_start, line.end, true, depth)?;
            self.fields.push((key, value));
        }
        Ok(())
    }

    /// The value that starts at `start` on the current line, after `key:` or `-` in a node
    /// indented `indent`: nothing (the block below), a literal block, or a one-line value. Moves
    /// past the lines it takes.
    fn rest_of_line(
        &mut self,
        indent: usize,
        start: usize,
        end: usize,
        in_mapping: bool,
        depth: usize,
    ) -> Read<Value> {
        if start == end || self.text[start] == b'#' {
            self.at += 1;
            return self.block_below(indent, in_mapping, depth);
        }
        self.count(1)?;
        if self.text[start] == b'|' {
            return self.literal(indent, start, end);
        }
        let value = self.inline_value(start, end)?;
        self.at += 1;
        self.no_continuation(indent)?;
        Ok(value)
    }

    /// The value of an entry whose line ends after `key:` or `-`: the more indented block on the
    /// following lines, a list at the key's own indent (a mapping's value only), or null.
    fn block_below(&mut self, indent: usize, in_mapping: bool, depth: usize) -> Read<Value> {
        match self.current() {
            Some(next) if next.indent > indent => self.node(next.indent, depth + 1),
            Some(next) if in_mapping && next.indent == indent && self.is_list_entry(next) => {
                self.node(indent, depth + 1)
            }
            _ => {
                self.count(1)?;
                Ok(Value::Null)
            }
        }
    }

    /// A literal block scalar (`|` or `|-`, indentation found from its first line) whose header
    /// is at `header` on the current line, in a node indented `parent`; moves past its lines.
    fn literal(&mut self, parent: usize, header: usize, header_end: usize) -> Read<Value> {
        let text = self.text;
        let strip = text.get(header + 1) == Some(&b'-');
        let after = header + 1 + usize::from(strip);
        // Keep (`|+`) and explicit indentation (`|2`) are left to the general reader.
        if !ends_blank(&text[after..header_end]) {
            return Err(OutsideSubset);
        }
        let mut content = String::new();
        let mut pending_breaks = 0;
        let mut indent = None;
        let mut start = header_end + 1;
        while start < text.len() {
            let end = line_end(self.src, start);
            if end == text.len() {
                // A last line without a newline: how it is chomped is the general reader's call.
                return Err(OutsideSubset);
            }
            let line = &text[start..end];
            if line.contains(&b'\t') {
                return Err(OutsideSubset);
            }
            let spaces = leading_spaces(line);
            if spaces == line.len() {
                if spaces > 0 {
                    // Spaces alone: content or indentation, depending on the rules of the spec.
                    return Err(OutsideSubset);
                }
                pending_breaks += 1;
                start = end + 1;
                continue;
            }
            let n = *indent.get_or_insert(spaces);
            if n <= parent {
                // An empty block scalar.
                return Err(OutsideSubset);
            }
            if spaces < n {
                break;
            }
            if !content.is_empty() {
                content.push('\n');
            } else if pending_breaks > 0 {
                // Leading empty lines.
                return Err(OutsideSubset);
            }
            for _ in 0..pending_breaks {
                content.push('\n');
            }
            pending_breaks = 0;
            content.push_str(&self.src[start + n..end]);
            start = end + 1;
        }
        if content.is_empty() {
            return Err(OutsideSubset);
        }
        if !strip {
            content.push('\n');
        }
        // Skip the lines the scalar took, whatever they looked like.
        self.at += 1;
        while let Some(Line::Content(line)) = self.lines.get(self.at) {
            if line.start >= start {
                break;
            }
            self.at += 1;
        }
        Ok(Value::String(content))
    }

    /// After a value that ends its line, a more indented line would continue a plain scalar or
    /// be an error: either way, not the subset.
    fn no_continuation(&self, indent: usize) -> Read<()> {
        match self.current() {
            Some(next) if next.indent > indent => Err(OutsideSubset),
            _ => Ok(()),
        }
    }

    /// The key of a `key: ...` line, resolved as the general reader resolves keys, and the
    /// offset after its colon; `None` if the line is not a mapping entry at all.
    fn key(&self, line: ContentLine) -> Read<Option<(String, usize)>> {
        let Some(at) = key_at(self.src, line)? else {
            return Ok(None);
        };
        let key = match at.quoted {
            Some(key) => key,
            None => plain_key(&self.src[at.span])?,
        };
        Ok(Some((key, at.value_at)))
    }

    /// A value that starts and ends on this line: quoted, plain, or a flow collection.
    fn inline_value(&mut self, start: usize, end: usize) -> Read<Value> {
        let text = self.text;
        match text[start] {
            b'\'' | b'"' => {
                let (value, close) = quoted(self.src, start, end)?;
                if !ends_blank(&text[close..end]) {
                    return Err(OutsideSubset);
                }
                Ok(Value::String(value))
            }
            b'[' | b'{' => self.flow(start, end),
            b'?' | b':' | b'-' => {
                // `-x`, `:x` and `?x` are plain scalars; followed by a space they are structure.
                if text.get(start + 1).is_none_or(|&b| b == b' ' || b == b'\t') || start + 1 == end
                {
                    return Err(OutsideSubset);
                }
                self.plain_value(start, end)
            }
            b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
                Err(OutsideSubset)
            }
            _ => self.plain_value(start, end),
        }
    }

    /// `[a, 'b', "c"]` and `{a: 1, b: 'x'}` on one line, of quoted scalars and plain ones made of
    /// letters, digits and `-._/=+`; anything else in flow is the general reader's.
    fn flow(&mut self, start: usize, end: usize) -> Read<Value> {
        let text = self.text;
        let is_list = text[start] == b'[';
        let close = if is_list { b']' } else { b'}' };
        let mut items = Vec::new();
        let mut map = Map::new();
        let mut i = skip_spaces(text, start + 1, end);
        if text.get(i) != Some(&close) {
            loop {
                let (item, mut after) = flow_scalar(self.src, i, end)?;
                self.count(1)?;
                if is_list {
                    items.push(item);
                } else {
                    // `key: value`, the colon right after the key.
                    if text.get(after) != Some(&b':') || text.get(after + 1) != Some(&b' ') {
                        return Err(OutsideSubset);
                    }
                    let key = key_text(item).map_err(|_| OutsideSubset)?;
                    let (value, value_end) =
                        flow_scalar(self.src, skip_spaces(text, after + 1, end), end)?;
                    self.count(1)?;
                    if map.insert(key, value).is_some() {
                        return Err(OutsideSubset);
                    }
                    after = value_end;
                }
                i = skip_spaces(text, after, end);
                match text.get(i) {
                    Some(b',') if i < end => {
                        i = skip_spaces(text, i + 1, end);
                        // A trailing comma, or one after another, is the general reader's call.
                        if matches!(text.get(i), Some(b']' | b'}' | b',')) {
                            return Err(OutsideSubset);
                        }
                    }
                    Some(&b) if b == close && i < end => break,
                    _ => return Err(OutsideSubset),
                }
            }
        }
        if !ends_blank(&text[i + 1..end]) {
            return Err(OutsideSubset);
        }
        Ok(if is_list {
            Value::Array(items)
        } else {
            Value::Object(map)
        })
    }

    fn plain_value(&self, start: usize, end: usize) -> Read<Value> {
        let stop = match plain_end(self.text, start, end) {
            // `a: b: c` is an error, reported by the general reader.
            Some(PlainEnd::Colon(_)) => return Err(OutsideSubset),
            Some(PlainEnd::Comment(at)) => at,
            None => end,
        };
        let raw = self.src[start..stop].trim_end_matches(' ');
        if raw.ends_with(':') {
            return Err(OutsideSubset);
        }
        plain(raw)
    }
}

/// Past the blanks at `i`: spaces, and the tab a `key:` may be followed by.
fn skip_spaces(text: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && matches!(text[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// A scalar inside a one-line flow collection, and the offset after it.
fn flow_scalar(src: &str, i: usize, end: usize) -> Read<(Value, usize)> {
    let text = src.as_bytes();
    match text.get(i) {
        Some(b'\'' | b'"') => {
            let (value, close) = quoted(src, i, end)?;
            Ok((Value::String(value), close))
        }
        Some(b) if i < end && (b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.')) => {
            let run = text[i..end]
                .iter()
                .take_while(|&&b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'-' | b'.' | b'_' | b'/' | b'=' | b'+')
                })
                .count();
            Ok((plain(&src[i..i + run])?, i + run))
        }
        _ => Err(OutsideSubset),
    }
}

/// A plain scalar resolved as the general reader resolves it (YAML 1.1 types).
fn plain(raw: &str) -> Read<Value> {
    if surely_a_string(raw) {
        return Ok(Value::String(raw.to_owned()));
    }
    plain_scalar_value(raw).map_err(|_| OutsideSubset)
}

/// A plain key as `key_text` makes it: most keys are surely strings, and take no detour through a
/// `Value`.
fn plain_key(raw: &str) -> Read<String> {
    if surely_a_string(raw) {
        return Ok(raw.to_owned());
    }
    key_text(plain_scalar_value(raw).map_err(|_| OutsideSubset)?).map_err(|_| OutsideSubset)
}

/// Whether YAML 1.1 can read `raw` only as a string: it starts with a letter or `/` (numbers and
/// the special floats start with a digit, a sign or a dot) and is not one of the null and boolean
/// words. Most keys and many values are; the resolver (`scalar.rs`) decides the rest.
fn surely_a_string(raw: &str) -> bool {
    const WORDS: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    raw.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/')
        && !(raw.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(raw)))
}

/// A quoted scalar opening at `start` and closing on the same line: its content and the offset
/// after the closing quote. Double-quoted escapes are left to the general reader.
fn quoted(src: &str, start: usize, end: usize) -> Read<(String, usize)> {
    let text = src.as_bytes();
    let quote = text[start];
    // Most quoted scalars escape nothing: the first quote after the opening one closes them, and
    // the content is copied once. Growing the string piece by piece cost 360 instructions a
    // scalar; a tab, a backslash or a `''` takes the loop below, which decides them.
    let close = memchr::memchr(quote, &text[start + 1..end]).ok_or(OutsideSubset)? + start + 1;
    let content = &text[start + 1..close];
    let doubled = quote == b'\'' && close + 1 < end && text[close + 1] == b'\'';
    if !doubled && !content.contains(&b'\t') && (quote == b'\'' || !content.contains(&b'\\')) {
        return Ok((src[start + 1..close].to_owned(), close + 1));
    }
    let mut out = String::new();
    // The content since the last `''`, copied in one piece.
    let mut from = start + 1;
    let mut i = from;
    while i < end {
        let b = text[i];
        if b == quote {
            out.push_str(&src[from..i]);
            if quote == b'\'' && text.get(i + 1) == Some(&b'\'') && i + 1 < end {
                out.push('\'');
                i += 2;
                from = i;
                continue;
            }
            return Ok((out, i + 1));
        }
        // A tab is let in only as `key:<TAB>`; inside a scalar it is the general reader's.
        if (quote == b'"' && b == b'\\') || b == b'\t' {
            return Err(OutsideSubset);
        }
        i += 1;
    }
    // Closes on a later line (a multi-line scalar) or never.
    Err(OutsideSubset)
}

/// Where each node of the first document of `text` stands, as `tree::parse` finds it with the
/// general parser, for the same subset of YAML and ten times faster; `None` for anything else
/// (then `tree::parse` asks the general parser). Literal blocks and values left empty are declined:
/// where the parser puts their ends is its own business. `tree_agreement` in the tests and the
/// `reader_agreement` fuzz target hold the two to the same trees.
pub fn tree(text: &str) -> Option<Node> {
    // Only what the subset reader reads: every construct met below is one it accepted.
    read_stream(text, Limits::default()).ok()?;
    let bytes = text.as_bytes();
    let (mut lines, _) = lines(text).ok()?;
    // The first document: after a leading `---`, up to the next one.
    let first = usize::from(matches!(lines.first(), Some(Line::DocumentStart(_))));
    if let Some(next) = lines[first..]
        .iter()
        .position(|l| matches!(l, Line::DocumentStart(_)))
    {
        lines.truncate(first + next);
    }
    let mut spans = Spans {
        src: text,
        text: bytes,
        lines,
        at: first,
    };
    let root = spans.node(0)?;
    match spans.lines.get(spans.at) {
        None => Some(root),
        Some(_) => None,
    }
}

struct Spans<'t> {
    src: &'t str,
    text: &'t [u8],
    lines: Vec<Line>,
    at: usize,
}

impl Spans<'_> {
    fn current(&self) -> Option<ContentLine> {
        match self.lines.get(self.at) {
            Some(Line::Content(line)) => Some(*line),
            _ => None,
        }
    }

    fn is_list_entry(&self, line: ContentLine) -> bool {
        is_list_entry(self.text, line)
    }

    fn node(&mut self, indent: usize) -> Option<Node> {
        let line = self.current()?;
        if line.indent != indent {
            return None;
        }
        if self.is_list_entry(line) {
            self.list(indent)
        } else {
            self.mapping(indent)
        }
    }

    fn list(&mut self, indent: usize) -> Option<Node> {
        let open = self.current()?.start;
        let mut items = Vec::new();
        while let Some(line) = self.current() {
            if line.indent < indent || (line.indent == indent && !self.is_list_entry(line)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (inner, opens_collection) = list_entry(self.src, line).ok()?;
            // `-` alone on its line: where the parser starts the list then is its own call.
            if inner.start == line.end || self.text[inner.start] == b'#' {
                return None;
            }
            if opens_collection {
                self.lines[self.at] = Line::Content(inner);
                items.push(self.node(inner.indent)?);
            } else {
                items.push(self.rest_of_line(indent, inner.start, line.end, false)?);
            }
        }
        let close = items.last()?.span.end;
        Some(Node {
            span: open..close,
            shape: Shape::Seq { flow: false, items },
            anchored: false,
            aliased: false,
        })
    }

    fn mapping(&mut self, indent: usize) -> Option<Node> {
        let open = self.current()?.start;
        let mut entries = Vec::new();
        while let Some(line) = self.current() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || self.is_list_entry(line) {
                return None;
            }
            let (key, key_span, value_at) = self.key(line)?;
            let value_start = skip_spaces(self.text, value_at, line.end);
            let value = self.rest_of_line(indent, value_start, line.end, true)?;
            entries.push(Entry {
                key,
                key_span,
                merge: false,
                value,
            });
        }
        let close = entries.last()?.value.span.end;
        Some(Node {
            span: open..close,
            shape: Shape::Map {
                flow: false,
                entries,
            },
            anchored: false,
            aliased: false,
        })
    }

    /// The key as written (quotes taken off), where it stands, and the offset after its colon.
    fn key(&self, line: ContentLine) -> Option<(String, std::ops::Range<usize>, usize)> {
        let at = key_at(self.src, line).ok()??;
        let key = at
            .quoted
            .unwrap_or_else(|| self.src[at.span.clone()].to_owned());
        Some((key, at.span, at.value_at))
    }

    fn rest_of_line(
        &mut self,
        indent: usize,
        start: usize,
        end: usize,
        in_mapping: bool,
    ) -> Option<Node> {
        if start == end || self.text[start] == b'#' {
            self.at += 1;
            return match self.current() {
                Some(next) if next.indent > indent => self.node(next.indent),
                Some(next) if in_mapping && next.indent == indent && self.is_list_entry(next) => {
                    // A list at its key's own indent starts, for the parser, at its first item.
                    let mut list = self.node(indent)?;
                    if let Shape::Seq { items, .. } = &list.shape {
                        list.span.start = items.first()?.span.start;
                    }
                    Some(list)
                }
                // An empty value: where the parser places it is its own call.
                _ => None,
            };
        }
        let node = match self.text[start] {
            b'|' | b'>' => return None,
            b'[' | b'{' => self.flow(start, end)?,
            b'\'' | b'"' => {
                let (_, close) = quoted(self.src, start, end).ok()?;
                double_quoted_ends(self.text, start, close)?;
                scalar(start..close, self.text[start])
            }
            _ => {
                let raw = &self.text[start..end];
                let stop = (1..raw.len())
                    .find(|&i| raw[i] == b'#' && raw[i - 1] == b' ')
                    .unwrap_or(raw.len());
                let value = self.src[start..start + stop].trim_end_matches(' ');
                scalar(start..start + value.len(), b' ')
            }
        };
        self.at += 1;
        Some(node)
    }

    /// A one-line flow collection of scalars, as `Reader::flow` reads them.
    fn flow(&self, start: usize, end: usize) -> Option<Node> {
        let text = self.text;
        let is_list = text[start] == b'[';
        let close = if is_list { b']' } else { b'}' };
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let mut i = skip_spaces(text, start + 1, end);
        if text.get(i) != Some(&close) {
            loop {
                let item = self.flow_scalar(i, end)?;
                let mut after = item.span.end;
                if is_list {
                    items.push(item);
                } else {
                    let key_span = item.span.clone();
                    let key = match text[key_span.start] {
                        b'\'' | b'"' => quoted(self.src, key_span.start, end).ok()?.0,
                        _ => self.src[key_span.clone()].to_owned(),
                    };
                    let value = self.flow_scalar(skip_spaces(text, after + 1, end), end)?;
                    after = value.span.end;
                    entries.push(Entry {
                        key,
                        key_span,
                        merge: false,
                        value,
                    });
                }
                i = skip_spaces(text, after, end);
                match text.get(i) {
                    Some(b',') => i = skip_spaces(text, i + 1, end),
                    Some(&b) if b == close => break,
                    _ => return None,
                }
            }
        }
        // The parser's end of a flow collection runs on over the blanks and comment after it.
        if i + 1 != end {
            return None;
        }
        let shape = if is_list {
            Shape::Seq { flow: true, items }
        } else {
            Shape::Map {
                flow: true,
                entries,
            }
        };
        Some(Node {
            span: start..i + 1,
            shape,
            anchored: false,
            aliased: false,
        })
    }

    fn flow_scalar(&self, i: usize, end: usize) -> Option<Node> {
        let text = self.text;
        match text.get(i)? {
            b'\'' | b'"' => {
                let (_, close) = quoted(self.src, i, end).ok()?;
                double_quoted_ends(text, i, close)?;
                Some(scalar(i..close, text[i]))
            }
            _ => {
                let run = text[i..end]
                    .iter()
                    .take_while(|&&b| {
                        b.is_ascii_alphanumeric()
                            || matches!(b, b'-' | b'.' | b'_' | b'/' | b'=' | b'+')
                    })
                    .count();
                (run > 0).then(|| scalar(i..i + run, b' '))
            }
        }
    }
}

/// The parser's end of a double-quoted scalar runs on over the blanks after it: declined then.
fn double_quoted_ends(text: &[u8], start: usize, close: usize) -> Option<()> {
    (text[start] != b'"' || text.get(close) != Some(&b' ')).then_some(())
}

/// A scalar node; `quote` is its opening quote, or anything else for a plain scalar.
fn scalar(span: std::ops::Range<usize>, quote: u8) -> Node {
    let style = match quote {
        b'\'' => ScalarStyle::SingleQuoted,
        b'"' => ScalarStyle::DoubleQuoted,
        _ => ScalarStyle::Plain,
    };
    Node {
        span,
        shape: Shape::Scalar { style },
        anchored: false,
        aliased: false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::{leading_spaces, line_end, plain_scalar_value, quoted, surely_a_string};

    #[test]
    fn leading_spaces_are_counted_at_every_length_and_before_every_byte() {
        for spaces in 0..40 {
            for next in [
                None,
                Some(b'a'),
                Some(b'-'),
                Some(b'\n'),
                Some(b'\t'),
                Some(0xc3),
            ] {
                let mut text = vec![b' '; spaces];
                text.extend(next);
                text.extend(b" x ");
                assert_eq!(
                    leading_spaces(&text),
                    spaces + usize::from(next.is_none()),
                    "{text:?}"
                );
            }
        }
    }

    /// What the shortcut calls a string, the resolver reads as that string: every case of the
    /// null and boolean words, numbers, special floats and paths among them.
    #[test]
    fn what_is_surely_a_string_the_resolver_reads_as_one() {
        let mut candidates: Vec<String> = Vec::new();
        for word in [
            "y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf",
        ] {
            // Every upper/lower-case spelling, with and without a leading dot or sign.
            for mask in 0..1u32 << word.len() {
                let cased: String = word
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask >> i & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                for prefix in ["", ".", "+.", "-.", "/"] {
                    candidates.push(format!("{prefix}{cased}"));
                }
            }
        }
        candidates.extend(
            [
                "~",
                "<<",
                "0",
                "0x1F",
                "1_000",
                "1:20",
                "/",
                "/opt/flink",
                "a:b",
                "x y",
                "Null",
            ]
            .map(String::from),
        );
        let mut strings = 0;
        for raw in &candidates {
            if surely_a_string(raw) {
                strings += 1;
                assert_eq!(
                    plain_scalar_value(raw),
                    Ok(Value::String(raw.clone())),
                    "{raw:?}"
                );
            }
        }
        // The words themselves are left to the resolver; their odd spellings and paths are not.
        assert!(!surely_a_string("yes") && !surely_a_string("NULL") && !surely_a_string("Off"));
        assert!(surely_a_string("yess") && surely_a_string("/opt") && surely_a_string("x y"));
        assert!(strings > 100, "{strings}");
    }

    proptest! {
        #[test]
        fn a_printable_scalar_surely_a_string_is_read_as_one(raw in "[ -~]{1,12}") {
            if surely_a_string(&raw) {
                prop_assert_eq!(plain_scalar_value(&raw), Ok(Value::String(raw.clone())));
            }
        }
    }

    /// The copy-once path and the loop agree on every quoted scalar: with and without `''`,
    /// tabs, backslashes and a closing quote, at every place on the line.
    #[test]
    fn quoted_scalars_read_as_the_byte_loop_reads_them() {
        fn by_loop(text: &str, start: usize, end: usize) -> Option<(String, usize)> {
            let bytes = text.as_bytes();
            let quote = bytes[start];
            let mut out = String::new();
            let mut i = start + 1;
            while i < end {
                match bytes[i] {
                    b if b == quote && quote == b'\'' && i + 1 < end && bytes[i + 1] == b'\'' => {
                        out.push('\'');
                        i += 2;
                    }
                    b if b == quote => return Some((out, i + 1)),
                    b'\t' => return None,
                    b'\\' if quote == b'"' => return None,
                    b => {
                        out.push(char::from(b));
                        i += 1;
                    }
                }
            }
            None
        }
        let pieces = ["a", "'", "''", "\"", "\\", "\t", " ", "#", ":"];
        for quote in ["'", "\""] {
            for a in pieces {
                for b in pieces {
                    for c in pieces {
                        let line = format!("{quote}{a}{b}{c}");
                        for end in 1..=line.len() {
                            assert_eq!(
                                quoted(&line, 0, end).ok(),
                                by_loop(&line, 0, end),
                                "{line:?} to {end}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn line_end_finds_the_first_newline_at_every_offset() {
        // Newlines before, on and after the 16- and 32-byte blocks `memchr` searches in.
        for len in 0..70 {
            for newline in (0..len).chain([usize::MAX]) {
                let text: String = (0..len)
                    .map(|i| {
                        if i == newline || i == len - 1 && i > newline {
                            '\n'
                        } else {
                            'a'
                        }
                    })
                    .collect();
                for from in 0..=len.min(20) {
                    let expected = text.as_bytes()[from..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(text.len(), |i| from + i);
                    assert_eq!(line_end(&text, from), expected, "{text:?} from {from}");
                }
            }
        }
    }
}
