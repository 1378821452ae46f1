//! A mapping file that is not valid TOML, told on one line with its line and column.

use std::fmt;

/// Where a mapping's TOML is broken and how: the 1-based line and column (in characters),
/// computed from the byte span the parser gives, and the parser's message on one line. The
/// `toml` crate's own message draws the line over several lines, which does not fit an error
/// printed on one line; this keeps its words and drops the drawing.
///
/// ```
/// let text = "[email]\nfield = \"mail\"\n[firstName\n";
/// let error = match nebulk_map::Mapping::parse(text, std::path::Path::new(".")) {
///     Err(nebulk_map::MapError::Toml(error)) => error,
///     other => panic!("{other:?}"),
/// };
/// assert_eq!((error.line(), error.column()), (Some(3), Some(11)));
/// assert_eq!(
///     error.in_file("map.toml"),
///     "map.toml:3:11: not valid TOML: unclosed table, expected `]`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlError {
    /// The 1-based line and column, when the parser says where.
    position: Option<(usize, usize)>,
    /// What is wrong, on one line.
    message: String,
}

impl TomlError {
    /// The error `error` found in `text`.
    pub(crate) fn new(text: &str, error: &toml::de::Error) -> TomlError {
        let message = error
            .message()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        TomlError {
            position: error.span().map(|span| line_and_column(text, span.start)),
            message,
        }
    }

    /// The 1-based line of the error, when known.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }

    /// The 1-based column of the error, in characters, when known.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, column)| column)
    }

    /// What is wrong, on one line.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error as `file:line:column: not valid TOML: message`, the way findings are named
    /// (`file: not valid TOML: message` when the parser gives no position).
    pub fn in_file(&self, file: &str) -> String {
        match self.position {
            Some((line, column)) => format!("{file}:{line}:{column}: {}", self.described()),
            None => format!("{file}: {}", self.described()),
        }
    }

    fn described(&self) -> String {
        format!("not valid TOML: {}", self.message)
    }
}

/// `line 2, column 9: not valid TOML: message`.
impl fmt::Display for TomlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        f.write_str(&self.described())
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`; an offset past
/// the end (the parser points there at an unexpected end) is the end, and one inside a
/// character is that character.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MapError, Mapping};
    use std::path::Path;

    fn toml_error(text: &str) -> TomlError {
        match Mapping::parse(text, Path::new(".")) {
            Err(MapError::Toml(error)) => error,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_toml_error_is_one_line_naming_file_line_and_column() {
        // Issue 9: toml's message spans several lines, and printed escaped it read `\n  |`.
        let error = toml_error("[email]\nfield = \"mail\"\n\n[firstName\nfield = \"name\"\n");
        assert_eq!(
            error.in_file("map.toml"),
            "map.toml:4:11: not valid TOML: unclosed table, expected `]`"
        );
        assert_eq!(
            MapError::Toml(error).to_string(),
            "line 4, column 11: not valid TOML: unclosed table, expected `]`"
        );
    }

    #[test]
    fn columns_count_characters_and_the_end_is_a_position() {
        let error = toml_error("[accountName]\nfield = \"Zoë\" x\n");
        assert_eq!((error.line(), error.column()), (Some(2), Some(15)));
        let error = toml_error("[accountName]\r\nfield = ");
        assert_eq!((error.line(), error.column()), (Some(2), Some(9)));
        assert!(!error.in_file("m.toml").contains('\n'));
    }

    #[test]
    fn positions_inside_a_character_or_past_the_end_are_clamped() {
        assert_eq!(line_and_column("ab\nzoë", 6), (2, 3));
        assert_eq!(line_and_column("ab\nzoë", 7), (2, 4));
        assert_eq!(line_and_column("ab\nzoë", 99), (2, 4));
        assert_eq!(line_and_column("", 0), (1, 1));
    }
}
