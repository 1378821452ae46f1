//! Which fields of a record its consumer reads: [`Projection`].

use std::fmt;
use std::sync::Arc;

/// The fields of records that their consumer reads, so that a reader may skip the others: a
/// reader that honours it gives a field of its fixed set that is not read as
/// [`crate::Value::Null`] (records keep their shape) without building its value. Every field is
/// read unless told otherwise. The NERM and Xtracta readers honour it (a user's `uid` or
/// `last_login`, an Xtracta user's `primary_group_id`, that no mapping rule reads is parsed and
/// checked, never copied); the srv reader reads every field.
///
/// ```
/// use nebulk_read::Projection;
/// let login_only = Projection::only(|field| field == "login");
/// assert!(login_only.reads("login"));
/// assert!(!login_only.reads("uid"));
/// assert!(Projection::ALL.reads("uid"));
/// ```
#[derive(Clone, Default)]
pub struct Projection(Option<Arc<Reads>>);

/// Whether a field is read.
type Reads = dyn Fn(&str) -> bool + Send + Sync;

impl Projection {
    /// Every field is read.
    pub const ALL: Projection = Projection(None);

    /// Only the fields `reads` says yes to.
    pub fn only(reads: impl Fn(&str) -> bool + Send + Sync + 'static) -> Projection {
        Projection(Some(Arc::new(reads)))
    }

    /// Whether field `field` is read.
    pub fn reads(&self, field: &str) -> bool {
        self.0.as_ref().is_none_or(|reads| reads(field))
    }

    /// For the readers' tests: `records` as a reader honouring the projection gives them, each
    /// field of its fixed set `fixed` that is not read made `Null`.
    #[cfg(test)]
    pub(crate) fn null_unread(&self, records: &mut [crate::Record], fixed: &[&str]) {
        for record in records {
            for (name, value) in &mut record.fields {
                if fixed.contains(&&**name) && !self.reads(name) {
                    *value = crate::Value::Null;
                }
            }
        }
    }
}

impl fmt::Debug for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            None => "Projection::ALL",
            Some(_) => "Projection::only(..)",
        })
    }
}

impl PartialEq for Projection {
    /// The same projection: both read every field, or both ask the same function.
    fn eq(&self, other: &Projection) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Projection {}
