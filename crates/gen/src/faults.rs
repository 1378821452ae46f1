//! The injected fault classes: their validator codes and how each one
//! turns a clean [`Row`] into a row with exactly that one fault.

use std::io;

use fastrand::Rng;

use crate::people::{
    write_date, write_unknown_manager, Row, ACCOUNT_NAME, EMAIL, END_DATE, FIELDS, MANAGER, PHONE,
    START_DATE, SYSTEM_FIELDS,
};

/// One fault class; a faulty row carries exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    MissingValue,
    InvalidEmail,
    InvalidPhone,
    InvalidDate,
    EndBeforeStart,
    DuplicateAccount,
    MalformedRow,
    InvalidEncoding,
    ValueTooLong,
    /// Generated only with identities (see [`Fault::ALL`]).
    UnknownManager,
}

impl Fault {
    /// Every class, in the order of their indices into a count array; the last, the unknown
    /// manager, only for a file with identities ([`Fault::WITHOUT_IDENTITIES`] otherwise).
    pub(crate) const ALL: [Fault; 10] = [
        Fault::MissingValue,
        Fault::InvalidEmail,
        Fault::InvalidPhone,
        Fault::InvalidDate,
        Fault::EndBeforeStart,
        Fault::DuplicateAccount,
        Fault::MalformedRow,
        Fault::InvalidEncoding,
        Fault::ValueTooLong,
        Fault::UnknownManager,
    ];

    /// The classes of a file without identities: all but the unknown manager, which needs them.
    pub(crate) const WITHOUT_IDENTITIES: &'static [Fault] = Fault::ALL.split_at(9).0;

    /// The code nebulk's validator reports for this fault.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Fault::MissingValue => "missing-value",
            Fault::InvalidEmail => "invalid-email",
            Fault::InvalidPhone => "invalid-phone",
            Fault::InvalidDate => "invalid-date",
            Fault::EndBeforeStart => "end-before-start",
            Fault::DuplicateAccount => "duplicate-account",
            Fault::MalformedRow => "malformed-row",
            Fault::InvalidEncoding => "invalid-encoding",
            Fault::ValueTooLong => "value-too-long",
            Fault::UnknownManager => "unknown-manager",
        }
    }

    /// Inject this fault into the clean `row`. Returns `false` when it could
    /// not be injected (a duplicate with no earlier clean account), in which
    /// case the row is left clean.
    pub(crate) fn apply(self, row: &mut Row, rng: &mut Rng, ring: &Ring) -> io::Result<bool> {
        let f = &mut row.fields;
        match self {
            Fault::MissingValue => {
                let i = rng.usize(..SYSTEM_FIELDS);
                f[i].clear();
                if rng.bool() {
                    f[i].extend_from_slice(b"   ");
                }
            }
            Fault::InvalidEmail => {
                // The clean address is `first.last.n@example.com`.
                let email = &mut f[EMAIL];
                let at = email.iter().position(|&b| b == b'@').unwrap_or(0);
                match rng.u8(0..4) {
                    0 => email[at] = b'.',       // no-at-sign.example.com
                    1 => email.truncate(at + 1), // name@
                    2 => email.insert(at, b'@'), // name@@example.com
                    _ => {
                        // first last.n@example.com
                        let dot = email.iter().position(|&b| b == b'.').unwrap_or(0);
                        email[dot] = b' ';
                    }
                }
            }
            Fault::InvalidPhone => {
                const BAD: [&str; 4] = [
                    "555-CALL-NOW",
                    "12",
                    "+1 (512) 555-01234567890",
                    "phone: 555",
                ];
                set(&mut f[PHONE], BAD[rng.usize(..BAD.len())]);
            }
            Fault::InvalidDate => {
                const BAD: [&str; 4] = ["2026-02-30", "31/12/2026", "2026-13-01", "next monday"];
                let i = if rng.bool() { START_DATE } else { END_DATE };
                set(&mut f[i], BAD[rng.usize(..BAD.len())]);
            }
            Fault::EndBeforeStart => {
                f[END_DATE].clear();
                write_date(&mut f[END_DATE], row.start_day - rng.i64(2..=365), rng)?;
            }
            Fault::DuplicateAccount => {
                let Some(name) = ring.pick(rng) else {
                    return Ok(false);
                };
                set_bytes(&mut f[ACCOUNT_NAME], name);
                f[ACCOUNT_NAME].make_ascii_uppercase();
            }
            Fault::MalformedRow => {
                if rng.bool() {
                    set(&mut f[FIELDS], "extra");
                    row.len = FIELDS + 1;
                } else {
                    row.len = FIELDS - 1;
                }
            }
            Fault::InvalidEncoding => {
                // Latin-1 text, or a stray 0xFF, where UTF-8 is required.
                const BAD: [&[u8]; 4] = [
                    b"M\xfcller & S\xf6hne GmbH",
                    b"Z\xfcrich",
                    b"Caf\xe9 team \xff",
                    b"Fran\xe7ois \xab\xbb",
                ];
                let i = rng.usize(SYSTEM_FIELDS..FIELDS);
                set_bytes(&mut f[i], BAD[rng.usize(..BAD.len())]);
            }
            Fault::ValueTooLong => {
                const TEXT: &[u8] = b"Long free text pasted from a contract. ";
                let i = rng.usize(SYSTEM_FIELDS..FIELDS);
                let len = rng.usize(256..=400);
                let field = &mut f[i];
                field.clear();
                field.extend(TEXT.iter().cycle().take(len));
                field[len - 1] = b'.'; // no trailing space
            }
            Fault::UnknownManager => write_unknown_manager(&mut f[MANAGER], rng)?,
        }
        Ok(true)
    }
}

fn set(field: &mut Vec<u8>, value: &str) {
    set_bytes(field, value.as_bytes());
}

fn set_bytes(field: &mut Vec<u8>, value: &[u8]) {
    field.clear();
    field.extend_from_slice(value);
}

/// The last few accepted account names, in reusable buffers.
pub(crate) struct Ring {
    names: Vec<Vec<u8>>,
    next: usize,
}

impl Ring {
    /// Ring holding up to 1000 names.
    pub(crate) const CAPACITY: usize = 1000;

    pub(crate) fn new() -> Self {
        Ring {
            names: Vec::new(),
            next: 0,
        }
    }

    pub(crate) fn push(&mut self, name: &[u8]) {
        if self.names.len() < Self::CAPACITY {
            self.names.push(name.to_vec());
        } else {
            set_bytes(&mut self.names[self.next], name);
        }
        self.next = (self.next + 1) % Self::CAPACITY;
    }

    fn pick(&self, rng: &mut Rng) -> Option<&[u8]> {
        if self.names.is_empty() {
            return None;
        }
        Some(&self.names[rng.usize(..self.names.len())])
    }
}
