//! # Brief overview
//!
//! `nebulk-validate` checks Non-Employee account rows against a source schema and decides, for
//! every row, whether it goes to the upload file or to the rejects file, with every reason.
//!
//! - [`ColumnPlan`] lines an input header up with a [`nebulk_schema::Schema`] and runs the
//!   stateless checks of one row ([`rules`]: required values, email, phone, dates, end after
//!   start, length, encoding, field count).
//! - [`Ledger`] runs the order-dependent ones: duplicate account names and the account limit of
//!   the source, counting the accounts already there.
//! - [`run`] streams an input through both, in parallel chunks, into a [`Sink`], and returns a
//!   [`Report`]. Findings about the data are data: only unreadable input or a failed write is an
//!   error.
//!
//! # Example
//!
//! ```
//! use nebulk_read::{CsvOptions, CsvSource, RowSource};
//! use nebulk_schema::Schema;
//! use nebulk_validate::{run, Chunking, Code, ColumnPlan, Ledger, NullSink, RuleConfig};
//!
//! let csv = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
//!            ann.lee,Ann,Lee,ann@example,+1 512 555 0100,jdoe,2026-01-01,2025-06-30\n";
//! let source = CsvSource::new(csv.as_bytes(), CsvOptions::default()).unwrap();
//! let plan = ColumnPlan::new(Schema::system(), source.header(), RuleConfig::default()).unwrap();
//! let report = run(source, &plan, &mut Ledger::new(20_000), &mut NullSink, Chunking::default(), 100, |_| {}).unwrap();
//! assert_eq!(report.rows_rejected, 1);
//! assert_eq!(report.by_code[&Code::EndBeforeStart], 1);
//! assert_eq!(report.findings[0].line, 2);
//! ```
#![deny(missing_docs)]

mod code;
mod engine;
mod ledger;
mod plan;
mod report;
pub mod rules;

pub use code::{Code, Severity};
pub use engine::{run, Chunking, EngineError, NullSink, RowFormat, Sink};
pub use ledger::{AccountKey, ExistingError, Ledger, MAX_ACCOUNTS};
pub use plan::{
    CheckedRow, ColumnPlan, FormulaPolicy, Issue, PlanError, RuleConfig, UploadValue, UploadValues,
    Verdict,
};
pub use report::{AccountCounts, EncodingExample, Finding, NotUtf8, Report, DEFAULT_MAX_FINDINGS};

#[cfg(test)]
mod tests;
