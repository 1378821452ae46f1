//! What stands between calamine and an untrusted file: checks before it opens the file, and a
//! catch around each of its calls.
//!
//! **Before calamine sees a file** ([`check_container`]), its first bytes tell what it is: a zip
//! (xlsx, xlsm, xlsb, ods: [`zip`] checks its directory for a zip bomb, [`ods`] walks an ods's
//! `content.xml` the way calamine will and counts what calamine would keep), an OLE compound
//! file (xls: [`xls`] walks its records and counts the cells calamine would lay out), or
//! neither (refused, saying whether it looks like text). calamine allocates before anything
//! can be checked on its side: an xls sheet with one far cell asks for 137 GB, an ods of 1 KiB
//! for 5.5 GB, and the process aborts; so the limits of [`crate::limits`] are held here.
//!
//! **Around calamine's calls** ([`guard_calamine`]): calamine 0.38 panics on some malformed
//! files instead of returning an error: in an OLE (xls) file, an allocation-table sector cut
//! short by the end of the file fails an assertion, and a directory sector that starts past the
//! end indexes a slice out of bounds (both found by `fuzz/`, target `excel`; see
//! `tests::calamine_panics_are_format_errors`; the workbook is now walked before calamine sees
//! it, but other such panics may remain). [`guard_calamine`] turns such a panic into a format
//! error.
//!
//! Only calamine's own calls run inside the guard, one at a time: opening the workbook, listing
//! its sheets, opening a sheet's cell reader or range, each step of reading its cells. nebulk's
//! code between them (choosing the sheet, counting and converting cells, building the table)
//! runs outside, so that a panic there is a bug that shows as one (and a crash under the fuzz
//! targets), not a file reported as corrupt (issue 9: the guard used to wrap all of it; test
//! `cells::tests::panics_in_nebulk_code_are_not_caught`). Reading what calamine returned (a
//! cell's position and value, a range's start) is a plain field read and is not guarded either.

use std::cell::Cell;

use nebulk_read::ReadError;

use crate::error::format_error;

mod bytes;
mod container;
mod ods;
mod xls;
mod zip;

#[cfg(test)]
mod tests;

pub(crate) use container::{check_container, Container};

thread_local! {
    /// Whether this thread is inside [`guard_calamine`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `call`, one call into calamine over an untrusted file, turning a panic into a format
/// error. Nothing of calamine's that the call was changing is used after such an error: the
/// reading stops there. The panic hook still runs: a hook can stay quiet while
/// [`panic_is_caught`] says so. With `panic = "abort"` this guard cannot help.
pub(crate) fn guard_calamine<T>(call: impl FnOnce() -> T) -> Result<T, ReadError> {
    /// Clears the flag however `call` ends.
    struct Guarded;
    impl Drop for Guarded {
        fn drop(&mut self) {
            GUARDED.with(|g| g.set(false));
        }
    }
    GUARDED.with(|g| g.set(true));
    let guarded = Guarded;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(call));
    drop(guarded);
    outcome.map_err(|panic| {
        let why = nebulk_read::panic_message(panic.as_ref());
        format_error(format!(
            "not a spreadsheet calamine can read: the file is corrupt (calamine failed on it: {why})"
        ))
    })
}

/// Whether a panic on this thread now would be caught and turned into a
/// [`ReadError::Format`]: the thread is inside a call into calamine, which panics on some
/// malformed files. A program's panic hook can stay quiet then, since the error that follows
/// says what went wrong (the `nebulk` command does so); any other panic is a bug.
///
/// ```
/// let default_hook = std::panic::take_hook();
/// std::panic::set_hook(Box::new(move |info| {
///     if !nebulk_sheet::panic_is_caught() {
///         default_hook(info)
///     }
/// }));
/// assert!(!nebulk_sheet::panic_is_caught());
/// ```
pub fn panic_is_caught() -> bool {
    GUARDED.with(Cell::get)
}
