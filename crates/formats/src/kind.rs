//! [`SourceKind`]: the kinds of input nebulk reads, and the table that maps each to the module
//! that knows it.

use std::fmt;

use crate::format::Format;
use crate::{columnar, csv, nerm_sessions, nerm_users, spreadsheet, srv, xtracta};

/// The kinds of input nebulk reads (`--from`). Everything about a kind lives in its module and
/// is reached through `SourceKind::format`, the one table: adding a kind is one module (a
/// `Format`), one variant, and its line in [`SourceKind::ALL`] and in that table.
///
/// ```
/// use nebulk_formats::SourceKind;
/// assert_eq!(SourceKind::parse("nerm-users"), Some(SourceKind::NermUsers));
/// assert_eq!(SourceKind::NermUsers.to_string(), "nerm-users");
/// assert!(SourceKind::Csv.is_tabular());
/// assert!(SourceKind::XtractaUsers.default_mapping().unwrap().contains("[accountName]"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Delimited text.
    Csv,
    /// A spreadsheet: xlsx, xlsm, xlsb, xls, ods (`--from excel`).
    Spreadsheet,
    /// Xtracta Get User XML.
    XtractaUsers,
    /// srv.asmx GetUsersWorkflowRoles XML, one answer per user.
    SrvWorkflowRoles,
    /// SailPoint NERM users JSON pages.
    NermUsers,
    /// SailPoint NERM workflow-session JSON pages.
    NermWorkflowSessions,
    /// Apache Parquet, read through polars (the `polars` feature; without it, refused saying
    /// how to build it).
    Parquet,
    /// The Arrow IPC file format (Feather v2), read through polars (the `polars` feature).
    Ipc,
    /// Newline-delimited JSON, one object per line, read through polars (the `polars`
    /// feature).
    Ndjson,
}

impl SourceKind {
    /// Every kind, in the order `--help` and messages list them.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Csv,
        SourceKind::Spreadsheet,
        SourceKind::XtractaUsers,
        SourceKind::SrvWorkflowRoles,
        SourceKind::NermUsers,
        SourceKind::NermWorkflowSessions,
        SourceKind::Parquet,
        SourceKind::Ipc,
        SourceKind::Ndjson,
    ];

    /// The module that knows this kind.
    pub(crate) fn format(self) -> &'static dyn Format {
        match self {
            SourceKind::Csv => &csv::Csv,
            SourceKind::Spreadsheet => &spreadsheet::Spreadsheet,
            SourceKind::XtractaUsers => &xtracta::XtractaUsers,
            SourceKind::SrvWorkflowRoles => &srv::SrvWorkflowRoles,
            SourceKind::NermUsers => &nerm_users::NermUsers,
            SourceKind::NermWorkflowSessions => &nerm_sessions::NermWorkflowSessions,
            SourceKind::Parquet => &columnar::PARQUET,
            SourceKind::Ipc => &columnar::IPC,
            SourceKind::Ndjson => &columnar::NDJSON,
        }
    }

    /// The `--from` name.
    pub fn name(self) -> &'static str {
        self.format().name()
    }

    /// The kind a `--from` name names.
    pub fn parse(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the kind is a table (CSV, spreadsheet, Parquet, IPC, NDJSON), whose columns are matched to the schema
    /// by name, rather than records to map.
    pub fn is_tabular(self) -> bool {
        self.format().default_mapping().is_none()
    }

    /// The kind's built-in mapping, as TOML: `nebulk map` prints it as a starting point for a
    /// mapping file of one's own. Tables (CSV, spreadsheets) have none.
    pub fn default_mapping(self) -> Option<&'static str> {
        self.format().default_mapping()
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::parse(kind.name()), Some(kind));
        }
        assert_eq!(SourceKind::parse("xlsx"), None);
    }

    #[test]
    fn every_default_mapping_parses() {
        for kind in SourceKind::ALL {
            if let Some(text) = kind.default_mapping() {
                assert!(
                    nebulk_map::Mapping::parse(text, std::path::Path::new(".")).is_ok(),
                    "{kind}"
                );
            }
        }
        let tables: Vec<_> = SourceKind::ALL
            .into_iter()
            .filter(|k| k.is_tabular())
            .collect();
        assert_eq!(
            tables,
            [
                SourceKind::Csv,
                SourceKind::Spreadsheet,
                SourceKind::Parquet,
                SourceKind::Ipc,
                SourceKind::Ndjson
            ]
        );
    }
}
