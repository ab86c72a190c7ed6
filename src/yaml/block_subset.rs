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

use serde_json::{Map, Value};

use super::read::{Limits, LoadedDocument, Pos, key_text, plain_scalar_value};

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
    if !bytes.iter().enumerate().all(|(i, &b)| {
        b == b'\n' || (b' '..=b'~').contains(&b) || (b == b'\t' && i > 0 && bytes[i - 1] == b':')
    }) {
        return Err(OutsideSubset);
    }
    let (lines, line_count) = lines(text.as_bytes())?;
    let mut reader = Reader {
        text: text.as_bytes(),
        lines,
        end_line: line_count + 1,
        at: 0,
        nodes: 0,
        limits,
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
fn lines(text: &[u8]) -> Read<(Vec<Line>, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut number = 0;
    while start < text.len() {
        number += 1;
        let end = line_end(text, start);
        let line = &text[start..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let rest = &line[indent..];
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

fn line_end(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| from + i)
}

/// Whether `rest` is only spaces, then perhaps a comment after at least one of them.
fn ends_blank(rest: &[u8]) -> bool {
    let spaces = rest.iter().take_while(|&&b| b == b' ').count();
    match rest.get(spaces) {
        None => true,
        Some(b'#') => spaces > 0,
        Some(_) => false,
    }
}

struct Reader<'t> {
    text: &'t [u8],
    lines: Vec<Line>,
    /// Where the stream ends, as the general reader counts lines.
    end_line: usize,
    at: usize,
    nodes: usize,
    limits: Limits,
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
        self.text[line.start] == b'-'
            && (line.start + 1 == line.end || self.text[line.start + 1] == b' ')
    }

    fn list(&mut self, indent: usize, depth: usize) -> Read<Value> {
        let mut items = Vec::new();
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
            let content = skip_spaces(self.text, line.start + 1, line.end);
            let inner = ContentLine {
                number: line.number,
                indent: line.indent + (content - line.start),
                start: content,
                end: line.end,
            };
            let opens_collection = content < line.end
                && !matches!(self.text[content], b'#' | b'|')
                && (self.is_list_entry(inner) || self.key(inner)?.is_some());
            if opens_collection {
                // `- name: x` and `- - x`: the rest of the line opens a collection, further in.
                self.lines[self.at] = Line::Content(inner);
                items.push(self.node(inner.indent, depth + 1)?);
            } else {
                items.push(self.rest_of_line(indent, content, line.end, false, depth)?);
            }
        }
        Ok(Value::Array(items))
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Read<Value> {
        let mut map = Map::new();
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
            match map.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                // Duplicates are reported with their positions by the general reader.
                serde_json::map::Entry::Occupied(_) => return Err(OutsideSubset),
            }
        }
        Ok(Value::Object(map))
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
            let end = line_end(text, start);
            if end == text.len() {
                // A last line without a newline: how it is chomped is the general reader's call.
                return Err(OutsideSubset);
            }
            let line = &text[start..end];
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
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
            content.push_str(ascii(&line[n..]));
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

    /// The key of a `key: ...` line and the offset after its colon; `None` if the line is not a
    /// mapping entry at all.
    fn key(&self, line: ContentLine) -> Read<Option<(String, usize)>> {
        let text = self.text;
        let s = line.start;
        match text[s] {
            b'\'' | b'"' => {
                let (key, close) = quoted(text, s, line.end)?;
                if text.get(close) == Some(&b':')
                    && (close + 1 == line.end || text[close + 1] == b' ')
                {
                    return Ok(Some((key, close + 1)));
                }
                Ok(None)
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'%' | b'@' | b'`' => Err(OutsideSubset),
            // `- x` is a list entry, found before a key is looked for; `-x` is plain.
            _ => {
                let mut j = s;
                while j < line.end {
                    match text[j] {
                        b':' if j + 1 == line.end || matches!(text[j + 1], b' ' | b'\t') => {
                            let raw = trim_end(&text[s..j]);
                            // Merge keys and the implicit-key length limit: the general reader's.
                            if raw == b"<<" || j - s > 1024 {
                                return Err(OutsideSubset);
                            }
                            let key = key_text(plain(raw)?).map_err(|_| OutsideSubset)?;
                            return Ok(Some((key, j + 1)));
                        }
                        b'#' if text[j - 1] == b' ' => return Ok(None),
                        _ => j += 1,
                    }
                }
                Ok(None)
            }
        }
    }

    /// A value that starts and ends on this line: quoted, plain, or a flow collection.
    fn inline_value(&mut self, start: usize, end: usize) -> Read<Value> {
        let text = self.text;
        match text[start] {
            b'\'' | b'"' => {
                let (value, close) = quoted(text, start, end)?;
                if !ends_blank(&text[close..end]) {
                    return Err(OutsideSubset);
                }
                Ok(Value::String(value))
            }
            b'[' | b'{' => self.flow(start, end),
            b'?' | b':' | b'-' => {
                // `-x`, `:x` and `?x` are plain scalars; followed by a space they are structure.
                if text.get(start + 1).is_none_or(|&b| b == b' ') || start + 1 == end {
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
                let (item, mut after) = flow_scalar(text, i, end)?;
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
                        flow_scalar(text, skip_spaces(text, after + 1, end), end)?;
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
        let text = &self.text[start..end];
        let mut stop = text.len();
        for i in 1..text.len() {
            match text[i] {
                b'#' if text[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                // `a: b: c` is an error, reported by the general reader.
                b':' if i + 1 == text.len() || matches!(text[i + 1], b' ' | b'\t') => {
                    return Err(OutsideSubset);
                }
                _ => {}
            }
        }
        let raw = trim_end(&text[..stop]);
        if raw.last() == Some(&b':') {
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
fn flow_scalar(text: &[u8], i: usize, end: usize) -> Read<(Value, usize)> {
    match text.get(i) {
        Some(b'\'' | b'"') => {
            let (value, close) = quoted(text, i, end)?;
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
            Ok((plain(&text[i..i + run])?, i + run))
        }
        _ => Err(OutsideSubset),
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().rev().take_while(|&&b| b == b' ').count();
    &bytes[..bytes.len() - n]
}

/// A plain scalar resolved as the general reader resolves it (YAML 1.1 types).
fn plain(raw: &[u8]) -> Read<Value> {
    plain_scalar_value(ascii(raw)).map_err(|_| OutsideSubset)
}

/// A slice of the input as text: `read_stream` took only ASCII, so every slice is text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// A quoted scalar opening at `start` and closing on the same line: its content and the offset
/// after the closing quote. Double-quoted escapes are left to the general reader.
fn quoted(text: &[u8], start: usize, end: usize) -> Read<(String, usize)> {
    let quote = text[start];
    let mut out = String::new();
    let mut i = start + 1;
    while i < end {
        let b = text[i];
        if b == quote {
            if quote == b'\'' && text.get(i + 1) == Some(&b'\'') && i + 1 < end {
                out.push('\'');
                i += 2;
                continue;
            }
            return Ok((out, i + 1));
        }
        if quote == b'"' && b == b'\\' {
            return Err(OutsideSubset);
        }
        // The input is ASCII, so each byte is a character.
        out.push(char::from(b));
        i += 1;
    }
    // Closes on a later line (a multi-line scalar) or never.
    Err(OutsideSubset)
}
