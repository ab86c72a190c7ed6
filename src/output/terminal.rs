//! Text that reaches a terminal: untrusted input escaped, colour only where wanted.

use std::borrow::Cow;
use std::fmt::Write;
use std::io::IsTerminal;

/// Escapes control characters (ESC, CR, BEL, ...) so input can never drive the terminal.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Colour on a terminal, never when `NO_COLOR` is set (https://no-color.org).
pub fn use_colour(stream_is_terminal: bool) -> bool {
    colour_wanted(stream_is_terminal, std::env::var_os("NO_COLOR").as_deref())
}

fn colour_wanted(stream_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stream_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

pub fn stdout_colour() -> bool {
    use_colour(std::io::stdout().is_terminal())
}

pub fn stderr_colour() -> bool {
    use_colour(std::io::stderr().is_terminal())
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert!(super::colour_wanted(true, None));
        assert!(super::colour_wanted(true, Some(OsStr::new(""))));
        assert!(!super::colour_wanted(true, Some(OsStr::new("1"))));
        assert!(!super::colour_wanted(false, None));
    }

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(super::escape("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(super::escape("plain ünï"), "plain ünï");
        assert_eq!(super::escape("right\u{202e}left"), "right\\u{202e}left");
    }
}
