//! The check of a pair of values: the end date not before the start date.

use chrono::{DateTime, FixedOffset};

use crate::code::Code;
use crate::rules;
use crate::verdict::Issue;

/// The start and end dates of a row, as read by the date rule, when both are valid.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct StartAndEnd {
    /// The start date.
    pub(crate) start: Option<DateTime<FixedOffset>>,
    /// The end date.
    pub(crate) end: Option<DateTime<FixedOffset>>,
}

/// The headers of the start and end attributes, and the end's input column, which the
/// `end-before-start` issue names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateFields<'p> {
    /// The start attribute's header.
    pub(crate) start: &'p str,
    /// The end attribute's header.
    pub(crate) end: &'p str,
    /// The end's 0-based input column.
    pub(crate) end_column: Option<usize>,
}

impl StartAndEnd {
    /// The `end-before-start` issue of a row whose end date is before its start date (two
    /// instants are compared, whatever their offsets). `fields` names them, asked for only
    /// then.
    #[inline]
    pub(crate) fn end_before_start<'p>(
        self,
        fields: impl FnOnce() -> DateFields<'p>,
    ) -> Option<Issue> {
        let (Some(start), Some(end)) = (self.start, self.end) else {
            return None;
        };
        if end >= start {
            return None;
        }
        let fields = fields();
        Some(Issue {
            code: Code::EndBeforeStart,
            column: fields.end_column,
            message: format!(
                "{} {} is before {} {}",
                fields.end,
                rules::format_date(&end),
                fields.start,
                rules::format_date(&start)
            ),
        })
    }
}
