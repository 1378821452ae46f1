//! What the checks decide about a row, without borrowing it: its [`Issue`]s and warnings, and
//! the [`AccountKey`] the ledger compares account names by.
//!
//! Both stages of a run speak these words: the stateless checks ([`crate::ColumnPlan::check`])
//! write a [`Verdict`], and the order-dependent ones ([`crate::Ledger::admit`]) add to it. They
//! live here, apart from both, so that neither stage depends on the other.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::OnceLock;

use crate::code::Code;

/// One problem found in one row.
///
/// ```
/// use nebulk_validate::{Code, Issue};
/// let issue = Issue { code: Code::MissingValue, column: Some(2), message: "lastName: a value is required".into() };
/// assert_eq!(issue.code.as_str(), "missing-value");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// What kind of problem.
    pub code: Code,
    /// The 0-based input column it is about, if it is about one.
    pub column: Option<usize>,
    /// A sentence for people.
    pub message: String,
}

/// What the checks found about a row, without borrowing it: its issues and its account key.
/// The engine's order-dependent stage works on these.
///
/// ```
/// use nebulk_validate::{Code, Issue, Verdict};
/// let verdict = Verdict::default();
/// assert!(verdict.is_valid());
/// let missing = Issue { code: Code::MissingValue, column: Some(0), message: String::new() };
/// let verdict = Verdict { issues: vec![missing], ..Verdict::default() };
/// assert!(!verdict.is_valid());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Problems; the row is valid when there are none.
    pub issues: Vec<Issue>,
    /// Findings that do not reject the row.
    pub warnings: Vec<Issue>,
    /// The account name's key for the ledger, when the row has a usable one.
    pub account_key: Option<AccountKey>,
    /// The row comes from an earlier run's `rejects.csv`, which rejected it as a
    /// `duplicate-account`: when an export holds its account (that run's upload given as
    /// `--existing`), it is still a duplicate.
    pub earlier_duplicate: bool,
}

impl Verdict {
    /// Whether the row goes to the upload file.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }

    /// The distinct codes of the issues, in order of first appearance.
    ///
    /// ```
    /// use nebulk_validate::{Code, Issue, Verdict};
    /// let issue = |code| Issue { code, column: None, message: String::new() };
    /// let verdict = Verdict {
    ///     issues: vec![issue(Code::MissingValue), issue(Code::InvalidDate), issue(Code::MissingValue)],
    ///     ..Verdict::default()
    /// };
    /// assert_eq!(verdict.codes(), [Code::MissingValue, Code::InvalidDate]);
    /// ```
    pub fn codes(&self) -> Vec<Code> {
        distinct_codes(&self.issues)
    }

    /// The distinct codes of the warnings, in order of first appearance.
    pub fn warning_codes(&self) -> Vec<Code> {
        distinct_codes(&self.warnings)
    }
}

fn distinct_codes(issues: &[Issue]) -> Vec<Code> {
    let mut codes: Vec<Code> = Vec::with_capacity(issues.len());
    for issue in issues {
        if !codes.contains(&issue.code) {
            codes.push(issue.code);
        }
    }
    codes
}

/// An account name as the ledger compares it: trimmed, in lower case (Unicode, final sigma as
/// sigma), hashed to 96 bits with a seed chosen per run. Two different names have the same
/// key with a probability of about 2^-96 per pair (for 20 million names, about 1 in 10^14),
/// and the seed keeps anyone from crafting such a pair in advance. A key takes 12 bytes however
/// long the name, so that an entry of the ledger's table of names takes 16.
///
/// ```
/// use nebulk_validate::AccountKey;
/// assert_eq!(AccountKey::of(" Ann.Lee "), AccountKey::of("ann.lee"));
/// assert_eq!(AccountKey::of("ÉLODIE"), AccountKey::of("élodie"));
/// assert_eq!(AccountKey::of("ΟΔΥΣΣΕΥΣ"), AccountKey::of("οδυσσευς"));
/// assert_ne!(AccountKey::of("ann.lee"), AccountKey::of("ann.le"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountKey([u32; 3]);

impl AccountKey {
    /// The key of an account name.
    pub fn of(name: &str) -> AccountKey {
        let name = crate::rules::trim(name);
        let seed = *SEED.get_or_init(|| {
            std::collections::hash_map::RandomState::new().hash_one(0x6e65_62756c6b_u64)
        });
        with_folded(name, |folded| {
            AccountKey::from_hash(xxhash_rust::xxh3::xxh3_128_with_seed(folded, seed))
        })
    }

    /// The hash's low 96 bits, as three 32-bit words: a ledger entry (key and line) takes 16
    /// bytes (a `u128` would align it to 32).
    fn from_hash(hash: u128) -> AccountKey {
        AccountKey([hash as u32, (hash >> 32) as u32, (hash >> 64) as u32])
    }
}

/// Calls `each` with `text` case-folded ([`fold_case`]): `text` itself when folding would not
/// change it (ASCII without capitals, the common case), else a copy folded into a buffer of
/// the thread's.
pub(crate) fn with_folded<T>(text: &str, each: impl FnOnce(&[u8]) -> T) -> T {
    // One pass without an early exit, which the compiler vectorises.
    let unchanged = text.bytes().fold(true, |unchanged, b| {
        unchanged & (b < 0x80) & !b.is_ascii_uppercase()
    });
    if unchanged {
        return each(text.as_bytes());
    }
    FOLDED.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        fold_case(text, &mut buffer);
        each(&buffer)
    })
}

/// Appends `name` in lower case to `out`, with final sigma folded to sigma so that `ΟΔΥΣΣΕΥΣ`
/// and `οδυσσευς` meet (what Unicode case folding does, without its tables): how account
/// names, and every value compared ignoring case, are compared. ASCII is lowered as a whole,
/// Latin-1 byte by byte, anything else character by character.
fn fold_case(name: &str, out: &mut Vec<u8>) {
    if name.is_ascii() {
        // Copied and lowered as a whole, which the compiler vectorises.
        let start = out.len();
        out.extend_from_slice(name.as_bytes());
        out[start..].make_ascii_lowercase();
        return;
    }
    if lower_latin1_text(name, out) {
        return;
    }
    let mut utf8 = [0u8; 4];
    let mut rest = name;
    loop {
        // A run of ASCII at once, then one other character.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        out[start..].make_ascii_lowercase();
        let mut chars = rest[ascii..].chars();
        let Some(c) = chars.next() else {
            return;
        };
        match lower_latin1(c) {
            Some(lower) => out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes()),
            None => {
                for lower in c.to_lowercase() {
                    let lower = if lower == 'ς' { 'σ' } else { lower };
                    out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
        rest = chars.as_str();
    }
}

/// Appends `text` in lower case to `out` when all its characters are of Latin-1 (no byte from
/// 0xC4 up: past ASCII they are two bytes from 0xC2 or 0xC3), the common case of names that
/// are not ASCII, byte by byte: `A`-`Z`, and after 0xC3 the second bytes of `À`-`Ö` and
/// `Ø`-`Þ`, go up by 32. Gives `false`, having appended nothing, for other text.
fn lower_latin1_text(text: &str, out: &mut Vec<u8>) -> bool {
    let bytes = text.as_bytes();
    if !bytes.iter().all(|&b| b < 0xC4) {
        return false;
    }
    let start = out.len();
    out.extend_from_slice(bytes);
    let mut after_c3 = false;
    for b in &mut out[start..] {
        if b.is_ascii_uppercase() || (after_c3 && matches!(*b, 0x80..=0x96 | 0x98..=0x9E)) {
            *b += 32;
        }
        after_c3 = *b == 0xC3;
    }
    true
}

/// The lower case of a character of Latin-1 (up to U+00FF), without Unicode's tables: its
/// capitals `A`-`Z`, `À`-`Ö` and `Ø`-`Þ` are 32 below their small letters, and no other
/// character of it changes. `None` past Latin-1.
#[inline]
fn lower_latin1(c: char) -> Option<char> {
    match u32::from(c) {
        code @ (0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE) => char::from_u32(code + 0x20),
        0..=0xFF => Some(c),
        _ => None,
    }
}

/// The seed of [`AccountKey`] hashes, chosen once per run.
static SEED: OnceLock<u64> = OnceLock::new();

thread_local! {
    /// A buffer for folding names and values without allocating.
    static FOLDED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Hash for AccountKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The key is already a good hash: its low bits serve as the table hash (the ledger's
        // hasher passes them through).
        state.write_u64(u64::from(self.0[0]) | u64::from(self.0[1]) << 32);
    }
}

#[cfg(test)]
mod tests {
    use super::fold_case;

    /// Latin-1's lower cases are Unicode's.
    #[test]
    fn latin1_lowers_as_unicode_does() {
        for c in (0..=0xFFu32).filter_map(char::from_u32) {
            let unicode: Vec<char> = c.to_lowercase().collect();
            assert_eq!(
                super::lower_latin1(c).map(|l| vec![l]),
                Some(unicode),
                "{c:?}"
            );
        }
        assert_eq!(super::lower_latin1('Ā'), None);
    }

    proptest::proptest! {
        /// Names of Latin-1, lowered byte by byte, are what lowering every character gives.
        #[test]
        fn latin1_names_fold_as_every_character_lowers(name in "[A-Za-z0-9 .\u{80}-\u{ff}]{0,24}") {
            let expected: String = name.chars().flat_map(char::to_lowercase).collect();
            let mut folded = Vec::new();
            fold_case(&name, &mut folded);
            proptest::prop_assert_eq!(String::from_utf8(folded).unwrap(), expected);
        }

        /// Text given as it is, when folding would not change it, is what folding gives.
        #[test]
        fn text_is_folded_or_given_as_it_folds(text in "[a-zA-Z0-9.@]{0,12}|\\PC{0,12}") {
            let mut folded = Vec::new();
            fold_case(&text, &mut folded);
            let given = super::with_folded(&text, <[u8]>::to_vec);
            proptest::prop_assert_eq!(given, folded);
        }

        /// Folding is what lowering every character, final sigma as sigma, gives.
        #[test]
        fn folding_lowers_every_character(name in "\\PC{0,24}") {
            let expected: String = name
                .chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ς' { 'σ' } else { c })
                .collect();
            let mut folded = Vec::new();
            fold_case(&name, &mut folded);
            proptest::prop_assert_eq!(String::from_utf8(folded).unwrap(), expected);
        }
    }
}
