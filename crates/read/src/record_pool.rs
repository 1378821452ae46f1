//! Allocations of used records, for new ones: [`RecordPool`].

use std::borrow::Cow;

use crate::{Record, Value};

/// The allocations of records already used (their strings, lists and field vectors), for a
/// reader to build new records in: a reader that takes its strings here costs no allocation per
/// field once records come back. [`crate::ThreadedRecords`] fills it with the batches its
/// consumer hands back ([`crate::RecordStream::recycle`]); a reader gets it from its
/// [`crate::RecordSink`].
///
/// A reader need not take from the pool (the Xtracta reader does when it reads on one thread:
/// a small answer, or the rest of one after a piece it could not take; its pieces parsed on the
/// workers allocate their own, which measured faster than sharing used allocations across
/// threads; the others move the strings their parsers made into their records): until
/// something is taken, records recycled into it are dropped, not kept, so that a pool no one
/// draws from costs nothing.
///
/// ```
/// use nebulk_read::{Record, RecordPool, Value};
/// let mut pool = RecordPool::default();
/// let mut record = pool.record(1, 1);
/// record.push("name", Value::Text(String::with_capacity(64)));
/// pool.recycle(record); // kept: the pool was drawn from
/// let mut record = pool.record(2, 1);
/// let name = pool.string("ann");
/// assert!(name.capacity() >= 64, "the used string, refilled");
/// record.push("name", Value::Text(name));
/// assert_eq!(record.line, 2);
/// ```
#[derive(Debug, Default)]
pub struct RecordPool {
    strings: Vec<String>,
    lists: Vec<Vec<String>>,
    fields: Vec<Vec<(Cow<'static, str>, Value)>>,
    /// Whether anything was taken: until then, recycled records are dropped.
    drawn: bool,
}

impl RecordPool {
    /// At most this many strings are kept (and a tenth as many lists and field vectors): records
    /// that come back with more than was taken for them (extra fields) do not grow the pool
    /// beyond about two batches' worth.
    const MAX_STRINGS: usize = 1 << 14;

    /// Keeps the allocations of a used record (drops it when nothing was ever taken).
    pub fn recycle(&mut self, record: Record) {
        if !self.drawn {
            return;
        }
        let mut fields = record.fields;
        for (_, value) in fields.drain(..) {
            match value {
                Value::Null => {}
                Value::Text(text) => self.keep(text),
                Value::List(mut items) => {
                    for item in items.drain(..) {
                        self.keep(item);
                    }
                    if self.lists.len() < Self::MAX_STRINGS / 10 {
                        self.lists.push(items);
                    }
                }
            }
        }
        if self.fields.len() < Self::MAX_STRINGS / 10 {
            self.fields.push(fields);
        }
    }

    fn keep(&mut self, text: String) {
        if self.strings.len() < Self::MAX_STRINGS {
            self.strings.push(text);
        }
    }

    /// `text` as a `String`, in a used one when there is one.
    pub fn string(&mut self, text: &str) -> String {
        self.drawn = true;
        match self.strings.pop() {
            Some(mut string) => {
                string.clear();
                string.push_str(text);
                string
            }
            None => text.to_string(),
        }
    }

    /// An empty list, a used one when there is one.
    pub fn list(&mut self) -> Vec<String> {
        self.drawn = true;
        self.lists.pop().unwrap_or_default()
    }

    /// Gives back a list taken with [`RecordPool::list`] and not used.
    pub fn unused_list(&mut self, list: Vec<String>) {
        if self.lists.len() < Self::MAX_STRINGS / 10 {
            self.lists.push(list);
        }
    }

    /// An empty record at `line` with room for `fields` fields, in a used one's field vector
    /// when there is one.
    pub fn record(&mut self, line: u64, fields: usize) -> Record {
        self.drawn = true;
        match self.fields.pop() {
            Some(mut used) => {
                used.reserve(fields);
                Record { line, fields: used }
            }
            None => Record::with_capacity(line, fields),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(text: &str) -> Record {
        let mut record = Record::new(1);
        record.push("a", Value::Text(text.to_string()));
        record.push("b", Value::List(vec![text.to_string()]));
        record
    }

    #[test]
    fn a_pool_no_one_draws_from_keeps_nothing() {
        let mut pool = RecordPool::default();
        pool.recycle(used("x"));
        assert!(pool.strings.is_empty() && pool.lists.is_empty() && pool.fields.is_empty());
    }

    #[test]
    fn a_drawn_pool_keeps_up_to_its_limits() {
        let mut pool = RecordPool::default();
        let _ = pool.string("first");
        for _ in 0..RecordPool::MAX_STRINGS {
            pool.recycle(used("x"));
        }
        assert_eq!(pool.strings.len(), RecordPool::MAX_STRINGS);
        assert_eq!(pool.lists.len(), RecordPool::MAX_STRINGS / 10);
        assert_eq!(pool.fields.len(), RecordPool::MAX_STRINGS / 10);
        let record = pool.record(7, 2);
        assert_eq!((record.line, record.fields.len()), (7, 0));
        assert!(record.fields.capacity() >= 2);
    }
}
