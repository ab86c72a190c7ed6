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

/// When to colour: `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set; where FORCE_COLOR or CLICOLOR_FORCE is, always
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour a stream. `auto`: never with a non-empty `NO_COLOR` (https://no-color.org;
/// an empty one does not count), always with `FORCE_COLOR` or `CLICOLOR_FORCE` set to anything
/// but `0` (a CI log is no terminal), else on a terminal.
pub fn colour(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    colour_wanted(
        choice,
        stream_is_terminal,
        var("NO_COLOR").is_some(),
        var("FORCE_COLOR")
            .or_else(|| var("CLICOLOR_FORCE"))
            .is_some_and(|v| v != "0"),
    )
}

fn colour_wanted(choice: ColorChoice, terminal: bool, no_color: bool, forced: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && (forced || terminal),
    }
}

pub fn stdout_colour(choice: ColorChoice) -> bool {
    colour(choice, std::io::stdout().is_terminal())
}

pub fn stderr_colour(choice: ColorChoice) -> bool {
    colour(choice, std::io::stderr().is_terminal())
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_follows_the_choice_then_the_environment() {
        use super::{ColorChoice::*, colour_wanted};
        assert!(colour_wanted(Auto, true, false, false));
        assert!(!colour_wanted(Auto, true, true, false), "NO_COLOR");
        assert!(!colour_wanted(Auto, false, false, false), "not a terminal");
        assert!(
            colour_wanted(Auto, false, false, true),
            "FORCE_COLOR in a CI log"
        );
        assert!(!colour_wanted(Auto, false, true, true), "NO_COLOR wins");
        assert!(colour_wanted(Always, false, true, false));
        assert!(!colour_wanted(Never, true, false, true));
    }

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(super::escape("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(super::escape("plain ünï"), "plain ünï");
        assert_eq!(super::escape("right\u{202e}left"), "right\\u{202e}left");
    }
}
