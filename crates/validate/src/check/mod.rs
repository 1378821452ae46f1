//! The stateless checks of one row, one function per concern, which
//! [`ColumnPlan::check`](crate::ColumnPlan::check) calls in order:
//!
//! 1. the row as a whole ([`fields`]): its number of fields, the problems its reader found,
//!    and its fields as text (one UTF-8 check and one NUL scan for the whole row);
//! 2. every value ([`value`]): required, not too long, not a spreadsheet formula;
//! 3. one check per attribute type ([`types`]): email, phone and date (text and identity
//!    values have no rule of their own);
//! 4. the pair of dates ([`dates`]): the end not before the start.
//!
//! This is the hot path of a run. A valid row costs no allocation (an issue's sentence is made
//! only when the issue is found), and every check is a plain function, called directly.

pub(crate) mod dates;
pub(crate) mod fields;
pub(crate) mod types;
pub(crate) mod value;

use std::fmt;

use crate::code::Code;
use crate::verdict::Issue;

/// The field being checked: its 0-based input column and the header of its attribute, which
/// every issue about it names first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'p> {
    /// The 0-based input column.
    pub(crate) column: usize,
    /// The attribute's header as the schema spells it.
    pub(crate) header: &'p str,
}

impl Field<'_> {
    /// An issue about this field: `header: message`. Off the hot path: a valid value never
    /// makes one.
    #[cold]
    pub(crate) fn issue(self, code: Code, message: impl fmt::Display) -> Issue {
        Issue {
            code,
            column: Some(self.column),
            message: format!("{}: {message}", self.header),
        }
    }
}
