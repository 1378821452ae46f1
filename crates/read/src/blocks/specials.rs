//! Where a block's delimiters, `\n`s and `"`s are: found 64 bytes at a time by SIMD comparisons
//! (see [`byte_mask`]), then taken bit by bit.

/// The places of the delimiter, `\n` and `"` in a block, in order.
pub(super) struct Specials<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    /// Where the 64 bytes of `mask` start (a multiple of 64).
    base: usize,
    /// Bit `i` for `bytes[base + i]`, cleared once handed out.
    mask: u64,
}

impl<'a> Specials<'a> {
    pub(super) fn new(bytes: &'a [u8], delimiter: u8) -> Specials<'a> {
        Specials {
            bytes,
            delimiter,
            base: 0,
            mask: mask_at(bytes, 0, delimiter),
        }
    }

    /// The delimiter looked for.
    pub(super) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The first place at or after `at` of the delimiter, a `\n` or a `"`. Calls must ask
    /// for places in order (`at` never before a place already handed out).
    #[inline]
    pub(super) fn next_from(&mut self, at: usize) -> Option<usize> {
        if at >= self.base + 64 {
            self.base = at - at % 64;
            self.mask = mask_at(self.bytes, self.base, self.delimiter);
        }
        // Places before `at` are passed over (`at` is within these 64 bytes, or before them).
        let mut mask = self.mask & (u64::MAX << at.saturating_sub(self.base));
        loop {
            if mask != 0 {
                let place = self.base + mask.trailing_zeros() as usize;
                self.mask = mask & (mask - 1);
                return Some(place);
            }
            self.base += 64;
            if self.base >= self.bytes.len() {
                self.mask = 0;
                return None;
            }
            mask = mask_at(self.bytes, self.base, self.delimiter);
        }
    }
}

/// The mask of the 64 bytes from `base` (fewer at the end).
#[inline]
fn mask_at(bytes: &[u8], base: usize, delimiter: u8) -> u64 {
    byte_mask(
        bytes.get(base..).unwrap_or_default(),
        [delimiter, b'\n', b'"'],
    )
}

/// Bit `i` set where `bytes[i]` is one of `targets`, for the first 64 bytes of `bytes`: a SIMD
/// comparison and move-mask, 16 bytes at a time (SSE2 on x86-64; elsewhere, safe code the
/// compiler vectorises).
///
/// ```
/// assert_eq!(nebulk_read::byte_mask(b"a,b\n\"", [b',', b'\n']), 0b01010);
/// assert_eq!(nebulk_read::byte_mask(&[b','; 100], [b',']), u64::MAX);
/// ```
#[inline]
pub fn byte_mask<const N: usize>(bytes: &[u8], targets: [u8; N]) -> u64 {
    match bytes.get(..64).and_then(|c| <&[u8; 64]>::try_from(c).ok()) {
        Some(chunk) => full_mask(chunk, targets),
        None => {
            // Fewer than 64 bytes: copied into 64, the bits past their end cleared (a target
            // may be the 0 the copy is padded with).
            let mut chunk = [0u8; 64];
            chunk[..bytes.len()].copy_from_slice(bytes);
            full_mask(&chunk, targets) & !(u64::MAX << bytes.len())
        }
    }
}

/// [`byte_mask`] of 64 bytes: each 16 compared with every target at once, the hits gathered
/// into 16 bits by `pmovmskb`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn full_mask<const N: usize>(chunk: &[u8; 64], targets: [u8; N]) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };
    let needles = targets.map(|t| set_splat_i8_m128i(t as i8));
    let mut mask = 0;
    for (i, sixteen) in chunk.chunks_exact(16).enumerate() {
        let Ok(sixteen) = <&[u8; 16]>::try_from(sixteen) else {
            continue;
        };
        let bytes = load_unaligned_m128i(sixteen);
        let hits = needles.iter().fold(zeroed_m128i(), |hits, &needle| {
            bitor_m128i(hits, cmp_eq_mask_i8_m128i(bytes, needle))
        });
        mask |= u64::from(move_mask_i8_m128i(hits) as u16) << (16 * i);
    }
    mask
}

/// [`byte_mask`] of 64 bytes: one byte of 0 or 1 per input byte (compared 16 or 32 at a time),
/// then each eight gathered into eight bits by a multiplication.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn full_mask<const N: usize>(chunk: &[u8; 64], targets: [u8; N]) -> u64 {
    let mut flags = [0u8; 64];
    for (flag, &b) in flags.iter_mut().zip(chunk) {
        *flag = u8::from(targets.iter().fold(false, |hit, &t| hit | (b == t)));
    }
    let mut mask = 0;
    for (i, eight) in flags.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(eight).unwrap_or_default());
        mask |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
    }
    mask
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Specials;

    proptest! {
        /// The mask is what a byte-by-byte comparison gives, for any targets (the 0 a short
        /// input is padded with too) and any length.
        #[test]
        fn the_mask_is_that_of_a_plain_comparison(
            bytes in prop::collection::vec(prop_oneof![Just(0u8), Just(b','), any::<u8>()], 0..100),
            targets in prop::array::uniform3(prop_oneof![Just(0u8), Just(b','), any::<u8>()]),
        ) {
            let expected = bytes
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, b)| targets.contains(b))
                .fold(0u64, |mask, (i, _)| mask | 1 << i);
            prop_assert_eq!(super::byte_mask(&bytes, targets), expected);
        }

        /// The places are those a byte-by-byte search finds, asked for from any place on.
        #[test]
        fn places_are_those_of_a_plain_search(
            bytes in prop::collection::vec(prop_oneof![Just(b','), Just(b'\n'), Just(b'"'), Just(b'a')], 0..300),
            skips in prop::collection::vec(0usize..80, 0..20),
        ) {
            let expected: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| matches!(b, b',' | b'\n' | b'"'))
                .map(|(i, _)| i)
                .collect();
            let mut specials = Specials::new(&bytes, b',');
            let mut at = 0;
            let mut skips = skips.into_iter();
            while let Some(place) = specials.next_from(at) {
                let wanted = expected.iter().copied().find(|&p| p >= at);
                prop_assert_eq!(Some(place), wanted);
                at = place + 1 + skips.next().unwrap_or(0);
            }
            prop_assert_eq!(expected.iter().copied().find(|&p| p >= at), None);
        }
    }
}
