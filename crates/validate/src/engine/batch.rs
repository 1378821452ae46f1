//! The parallel stage's work on a batch of rows: the stateless checks, what the exports say of
//! each account, and the formatted bytes of the rows that pass.

use nebulk_read::Row;

use crate::placement::Known;
use crate::plan::ColumnPlan;
use crate::sink::RowFormat;
use crate::tenant::Tenant;
use crate::verdict::Verdict;

/// The rows of a batch after the stateless checks: their verdicts, what the exports say of
/// their accounts, and the formatted bytes of those that passed.
pub(super) struct CheckedBatch {
    pub(super) verdicts: Vec<Verdict>,
    pub(super) known: Vec<Known>,
    /// The formatted rows, one after the other.
    pub(super) bytes: Vec<u8>,
    /// For each row, where its bytes end (a row without bytes ends where the previous did).
    pub(super) ends: Vec<usize>,
}

impl CheckedBatch {
    pub(super) fn check<F: RowFormat>(
        rows: &[Row],
        plan: &ColumnPlan,
        tenant: &Tenant,
        format: &F,
    ) -> CheckedBatch {
        // A formatted row is about as long as its fields, with their separators and quotes; a
        // batch of huge rows (most likely rejected) grows as it needs instead.
        const MAX_ESTIMATE: usize = 256 << 10;
        let estimate = rows
            .iter()
            .map(|row| row.record.as_slice().len() + 2 * row.record.len() + 2)
            .sum::<usize>()
            .min(MAX_ESTIMATE);
        let mut batch = CheckedBatch {
            verdicts: Vec::with_capacity(rows.len()),
            known: Vec::with_capacity(rows.len()),
            bytes: Vec::with_capacity(estimate),
            ends: Vec::with_capacity(rows.len()),
        };
        // Values only for a format that writes them or exports to compare them with.
        let mut checked: Vec<_> = if format.uses_values() || tenant.has_accounts() {
            rows.iter().map(|row| plan.check(row)).collect()
        } else {
            rows.iter()
                .map(|row| plan.check_without_values(row))
                .collect()
        };
        // The exports' accounts looked up apart from the checks, so that their reads overlap.
        let found = tenant.find_records(checked.iter().map(|c| c.verdict.account_key));
        // By reference: a checked row is large, and moving each out would copy it.
        for (checked, found) in checked.iter_mut().zip(found) {
            if checked.is_valid() {
                format.format_row(checked, &mut batch.bytes);
            }
            batch.ends.push(batch.bytes.len());
            batch.known.push(tenant.match_found(checked, found));
            batch.verdicts.push(std::mem::take(&mut checked.verdict));
        }
        batch
    }
}
