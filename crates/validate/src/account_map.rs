//! Hash maps keyed by [`AccountKey`], whose bits are already a good hash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::verdict::AccountKey;

/// A hasher for [`AccountKey`]s: passes their (already random) bits through, as
/// [`AccountKey`]'s `Hash` hands them over in one `write_u64`.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map from account keys to `V`, hashed by [`KeyHasher`].
pub(crate) type AccountMap<V> = HashMap<AccountKey, V, BuildHasherDefault<KeyHasher>>;
