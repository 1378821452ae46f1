//! Colour on the terminal (issue 13): the styles of errors, warnings, hints, codes and counts,
//! written as ANSI sequences that `anstream` passes through to a terminal and strips elsewhere
//! (a file, a pipe), honouring `NO_COLOR`, `CLICOLOR_FORCE` and `--color`.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};

/// `nebulk: error:`.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `warning:`.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// `hint:`.
pub const HINT: Style = AnsiColor::Green.on_default().bold();
/// A finding's code.
pub const CODE: Style = AnsiColor::Cyan.on_default();
/// A count people look for first.
pub const COUNT: Style = Style::new().bold();

/// `text` in `style`.
///
/// ```ignore
/// assert_eq!(paint(COUNT, 3), "\u{1b}[1m3\u{1b}[0m");
/// ```
pub fn paint(style: Style, text: impl Display) -> String {
    format!("{style}{text}{style:#}")
}

/// When to colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When standard error is a terminal and neither `NO_COLOR` nor `CLICOLOR=0` is set, or
    /// when `CLICOLOR_FORCE` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// Makes it the choice of every stream of the process.
    pub fn apply(self) {
        let choice = match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painted_text_is_the_text_once_stripped() {
        let painted = paint(CODE, "invalid-email");
        assert_ne!(painted, "invalid-email");
        assert_eq!(
            anstream::adapter::strip_str(&painted).to_string(),
            "invalid-email"
        );
    }
}
