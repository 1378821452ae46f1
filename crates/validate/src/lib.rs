//! # Brief overview
//!
//! `nebulk-validate` checks Non-Employee account rows against a source schema and decides, for
//! every row, whether it goes to the upload file or to the rejects file, with every reason.
//!
//! - [`ColumnPlan`] lines an input header up with a [`nebulk_schema::Schema`] and runs the
//!   stateless checks of one row ([`ColumnPlan::check`], one function per concern in `check/`,
//!   built on the value [`rules`]: required values, email, phone, dates, end after start,
//!   length, encoding, field count, and with [`rules::Identities`] the manager), giving a
//!   [`CheckedRow`]: the values to upload and a [`Verdict`]. A run that writes no rows and
//!   compares none ([`RowFormat::uses_values`]) checks for the verdict alone
//!   ([`ColumnPlan::check_without_values`]).
//! - [`Tenant`] holds the sources to load (at most [`MAX_SOURCES`], each of at most a limit of
//!   accounts) and the accounts their exports hold, with their values; on the worker threads
//!   it finds a row's account there and lists the attributes the row changes
//!   ([`Tenant::match_row`], giving a [`Known`]).
//! - [`Ledger`] runs the order-dependent checks on the verdict (duplicate account names, an
//!   account in two sources) and places each valid row ([`Placement`]): an update or an
//!   unchanged account of the source holding it, a new account in a source with room
//!   ([`Fill`]), or the overflow.
//! - [`Engine`] streams an input through both, in parallel chunks, into a [`Sink`], and returns a
//!   [`Report`]. Findings about the data are data: only unreadable input or a failed write is an
//!   error.
//!
//! The modules depend on each other one way, from the bottom up: `code` and [`rules`]; then
//! `verdict` (the words both stages share: [`Issue`], [`Verdict`], [`AccountKey`]); then
//! `checked` ([`CheckedRow`]) and `rule_config` ([`RuleConfig`]); then `check` (one function
//! per check) under `plan` ([`ColumnPlan`]); `placement` (the words of placing: [`Known`],
//! [`Change`], [`Placement`]) and `tenant` ([`Tenant`], its diff in `diff`), under `ledger`
//! ([`Ledger`]) and `sink` ([`Sink`]); then `report` ([`Report`]); and `engine` ([`Engine`])
//! at the top. `account_map` holds the hash maps keyed by account. `refeed`
//! ([`earlier_rejects_columns`]) recognises the columns of a `rejects.csv` fed back.
//!
//! # Example
//!
//! ```
//! use nebulk_read::{CsvOptions, CsvSource, RowSource};
//! use nebulk_schema::Schema;
//! use nebulk_validate::{Code, ColumnPlan, Engine, Ledger, NullSink, RuleConfig};
//!
//! let csv = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
//!            ann.lee,Ann,Lee,ann@example,+1 512 555 0100,jdoe,2026-01-01,2025-06-30\n";
//! let source = CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap();
//! let plan = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()).unwrap();
//! let mut ledger = Ledger::new(20_000);
//! let report = Engine::new(&plan).run(source, &mut ledger, &mut NullSink).unwrap();
//! assert_eq!(report.rows_rejected, 1);
//! assert_eq!(report.by_code[&Code::EndBeforeStart], 1);
//! assert_eq!(report.findings[0].line, 2);
//! ```
#![deny(missing_docs)]

mod account_map;
mod check;
mod checked;
mod code;
mod diff;
mod engine;
mod finding;
mod ledger;
mod placement;
mod plan;
mod refeed;
mod report;
mod revisit;
mod rule_config;
pub mod rules;
mod sink;
mod tally;
mod tenant;
mod verdict;

pub use checked::{CheckedRow, UploadValue, UploadValues};
pub use code::{Code, Severity};
pub use engine::{Chunking, Engine, EngineError};
pub use finding::Finding;
pub use ledger::{Claim, Ledger, Placed};
pub use placement::{Change, Fill, Held, Known, Placement};
pub use plan::{ColumnPlan, PlanError};
pub use refeed::earlier_rejects_columns;
pub use report::{
    AccountCounts, EncodingExample, NotUtf8, Report, SourceSummary, DEFAULT_MAX_FINDINGS,
};
pub use rule_config::{FormulaPolicy, RuleConfig};
pub use sink::{NullSink, RowFormat, Sink};
pub use tally::{
    ExampleIssue, FieldTallies, RejectedExample, RejectedExamples, ValueCount, REJECTED_EXAMPLES,
};
pub use tenant::{
    ExistingError, ParsedExport, Source, Tenant, TenantError, DEFAULT_SOURCE, MAX_ACCOUNTS,
    MAX_SOURCES,
};
pub use verdict::{AccountKey, Issue, Verdict};

#[cfg(test)]
mod tests;
