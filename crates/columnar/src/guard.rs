//! The catch around polars' calls over an untrusted file ([`guard_polars`]), the way the
//! spreadsheet reader guards calamine's: a panic inside polars (an index out of bounds on a
//! damaged page, an assertion on a malformed footer) becomes a [`ColumnarError::Panicked`]
//! naming what was being read, never a crash.
//!
//! Only polars' own calls run inside the guard; nebulk's code between them (rendering cells,
//! checking the footer's numbers) runs outside, so that a panic there shows as the bug it is.
//! polars runs some calls on its own worker threads, whose panics it carries back to the
//! calling thread: so the flag that keeps a panic hook quiet ([`panic_is_caught`]) is one for
//! the process, set while any guarded call runs, not one per thread.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::ColumnarError;

/// How many guarded calls are running now.
static GUARDED: AtomicUsize = AtomicUsize::new(0);

/// Runs `call`, one call into polars over an untrusted file, turning a panic into
/// [`ColumnarError::Panicked`] with `what` (what was being read, with the column or row group).
/// Nothing polars was changing is used after such an error. With `panic = "abort"` it cannot
/// help.
///
/// ```
/// use nebulk_columnar::guard_polars;
/// assert_eq!(guard_polars("adding", || 1 + 1).unwrap(), 2);
/// let err = guard_polars("reading row group 0", || -> u8 { panic!("index out of bounds") }).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "reading row group 0: polars failed on it (index out of bounds); the file is damaged"
/// );
/// ```
pub fn guard_polars<T>(what: &str, call: impl FnOnce() -> T) -> Result<T, ColumnarError> {
    /// Lowers the count however `call` ends.
    struct Guarded;
    impl Drop for Guarded {
        fn drop(&mut self) {
            GUARDED.fetch_sub(1, Ordering::SeqCst);
        }
    }
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let guarded = Guarded;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(call));
    drop(guarded);
    outcome.map_err(|panic| {
        let why = nebulk_read::panic_message(panic.as_ref());
        ColumnarError::Panicked {
            what: what.to_string(),
            why,
        }
    })
}

/// Whether a guarded polars call is running ([`guard_polars`]): a panic now is most likely
/// polars failing on a damaged file, which the guard reports as an error; a program's panic
/// hook can stay quiet then (the `nebulk` command does).
///
/// ```
/// assert!(!nebulk_columnar::panic_is_caught());
/// ```
pub fn panic_is_caught() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}
