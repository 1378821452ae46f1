//! Tables read whole beside the input (the srv manifest, the identities): their columns found
//! by name, their rows read to the end.

use anyhow::{Context, Result};
use nebulk_read::{Row, RowSource};
use nebulk_schema::normalize_name;

/// Whether the header cell `cell` names the column `name`, compared as header names are:
/// ignoring case, spaces, `_` and `-`.
pub(crate) fn is_named(cell: &str, name: &str) -> bool {
    normalize_name(cell) == normalize_name(name)
}

/// The 0-based column of `header` named `name` ([`is_named`]).
pub(crate) fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|cell| is_named(cell, name))
}

/// Hands every row of `table` to `each`, in order; a read error names the file `name`.
pub(crate) fn for_each_row(
    mut table: impl RowSource,
    name: &str,
    mut each: impl FnMut(&Row),
) -> Result<()> {
    loop {
        let rows = table
            .read_chunk(8192, 8 << 20)
            .with_context(|| name.to_string())?;
        if rows.is_empty() {
            return Ok(());
        }
        rows.iter().for_each(&mut each);
    }
}
