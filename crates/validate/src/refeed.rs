//! Re-feeding a fixed `rejects.csv`: the columns nebulk put in front of the rejected rows
//! (`line`, `codes`, `messages`, after `file` when the input was several files) are recognised,
//! so that the file can be fed back as it is: they are neither warned about as unknown columns
//! nor written again in front of the rows a second run rejects.

use nebulk_schema::Schema;

/// The columns a `rejects.csv` starts with, without `file`.
const REJECTS_COLUMNS: [&str; 3] = ["line", "codes", "messages"];

/// How many columns at the start of `header` are those of an earlier run's `rejects.csv`
/// (`line,codes,messages`, or `file,line,codes,messages`): 0, 3 or 4. Columns the schema has
/// an attribute for are data, not an earlier run's: then 0.
///
/// ```
/// use nebulk_schema::Schema;
/// use nebulk_validate::earlier_rejects_columns;
/// let header = |cells: &str| cells.split(',').map(String::from).collect::<Vec<_>>();
/// let schema = Schema::system();
/// assert_eq!(earlier_rejects_columns(&header("line,codes,messages,accountName"), &schema), 3);
/// assert_eq!(earlier_rejects_columns(&header("file,line,codes,messages,email"), &schema), 4);
/// assert_eq!(earlier_rejects_columns(&header("accountName,line,codes,messages"), &schema), 0);
/// ```
pub fn earlier_rejects_columns(header: &[String], schema: &Schema) -> usize {
    let starts_with = |prefix: &[&str]| {
        header.len() >= prefix.len()
            && header.iter().zip(prefix).all(|(cell, name)| cell == name)
            && prefix.iter().all(|name| schema.find(name).is_none())
    };
    let with_file = ["file", "line", "codes", "messages"];
    if starts_with(&with_file) {
        with_file.len()
    } else if starts_with(&REJECTS_COLUMNS) {
        REJECTS_COLUMNS.len()
    } else {
        0
    }
}
