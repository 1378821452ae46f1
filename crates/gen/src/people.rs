//! Built-in name and attribute lists, and synthesis of clean rows.
//!
//! A [`Row`] owns one reusable byte buffer per field, so generating a row
//! allocates nothing once the buffers have grown to their working size.

use std::io::{self, Write};

use fastrand::Rng;

/// Column indices of the attributes (the order of [`crate::HEADER`]).
pub(crate) const ACCOUNT_NAME: usize = 0;
pub(crate) const FIRST_NAME: usize = 1;
pub(crate) const LAST_NAME: usize = 2;
pub(crate) const EMAIL: usize = 3;
pub(crate) const PHONE: usize = 4;
pub(crate) const START_DATE: usize = 6;
pub(crate) const END_DATE: usize = 7;
pub(crate) const MANAGER: usize = 5;
pub(crate) const DEPARTMENT: usize = 8;
pub(crate) const LOCATION: usize = 12;
/// Number of system attributes (columns `0..SYSTEM_FIELDS`).
pub(crate) const SYSTEM_FIELDS: usize = 8;
/// Number of columns in a well-formed row.
pub(crate) const FIELDS: usize = 18;

/// (display form, ASCII form for e-mail addresses and manager ids).
/// Every first name contains at least one ASCII letter, so an ASCII-uppercased
/// account name always differs in case from the original.
const FIRST: &[(&str, &str)] = &[
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("Ólafur", "olafur"),
    ("Jane", "jane"),
    ("Amara", "amara"),
    ("Chloé", "chloe"),
    ("Mateo", "mateo"),
    ("Priya", "priya"),
    ("Björn", "bjorn"),
    ("Siobhán", "siobhan"),
    ("François", "francois"),
    ("Aiko", "aiko"),
    ("Thảo", "thao"),
    ("Kwame", "kwame"),
    ("Ingrid", "ingrid"),
    ("Raúl", "raul"),
    ("Émile", "emile"),
    ("Noor", "noor"),
    ("Maëlle", "maelle"),
    ("Çağla", "cagla"),
    ("Jürgen", "jurgen"),
    ("Wei", "wei"),
    ("Olivia", "olivia"),
    ("Tomás", "tomas"),
];

const LAST: &[(&str, &str)] = &[
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("García-López", "garcialopez"),
    ("李", "li"),
    ("王", "wang"),
    ("Nguyễn", "nguyen"),
    ("Ærøskøbing", "aeroskobing"),
    ("Doe", "doe"),
    ("Smith", "smith"),
    ("Kowalski", "kowalski"),
    ("Sørensen", "sorensen"),
    ("Papadopoulos", "papadopoulos"),
    ("Dubois", "dubois"),
    ("Yamamoto", "yamamoto"),
    ("Okafor", "okafor"),
    ("Fernández", "fernandez"),
    ("Şahin", "sahin"),
    ("Novák", "novak"),
    ("Jónsdóttir", "jonsdottir"),
    ("Schäfer", "schafer"),
    ("Hernández", "hernandez"),
    ("Patel", "patel"),
];

/// `#` is replaced by a random digit; every template has 7..=15 digits.
const PHONES: &[&str] = &[
    "+1 ### 555 ####",
    "+44 20 7946 ####",
    "(###) 555-####",
    "+49-30-######",
    "+33 1 ## ## ## ##",
    "+61 2 9### ####",
    "+81-3-####-####",
    "###.555.####",
    "+91 98### #####",
    "+46 8 ### ### ##",
];

pub(crate) const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Finance",
    "Human Resources",
    "Legal",
    "Marketing",
    "Operations",
    "Research & Development",
    "Customer Success",
    "IT Security",
    "Facilities",
    "Procurement",
];
const COMPANIES: &[&str] = &[
    "Acme Consulting",
    "Globex Staffing",
    "Initech Services",
    "Nordisk Rådgivning AS",
    "Société d'Intérim Lyonnaise",
    "Müller & Söhne GmbH",
    "Tanaka Partners K.K.",
    "Vandelay Industries",
];
const TITLES: &[&str] = &[
    "Contractor",
    "Consultant",
    "Software Engineer",
    "Data Analyst",
    "Project Manager",
    "Technical Writer",
    "QA Specialist",
    "Intern",
    "Auditor",
    "Network Technician",
];
const LOCATIONS: &[&str] = &[
    "Austin",
    "London",
    "Berlin",
    "São Paulo",
    "Zürich",
    "Kraków",
    "Reykjavík",
    "東京",
    "Montréal",
    "Bengaluru",
    "København",
    "Hà Nội",
];
const VENDORS: &[&str] = &[
    "Adecco",
    "Randstad",
    "ManpowerGroup",
    "Hays",
    "Kelly Services",
    "Robert Half",
    "Allegis Group",
];
const CONTRACTS: &[&str] = &[
    "Fixed Term",
    "Time & Materials",
    "Statement of Work",
    "Temporary",
    "Seasonal",
    "Internship",
];
/// Empty notes are listed several times to make them common.
const NOTES: &[&str] = &[
    "",
    "",
    "",
    "Onboarding via vendor portal",
    "Needs VPN, badge and laptop access",
    "Prefers to be called \"Sam\"",
    "Access review due\nRenewal pending",
    "Works remotely, visits HQ monthly",
    "Équipe « Paris », bâtiment B",
];
const OFFSETS: &[&str] = &[
    "-08:00", "-05:00", "+00:00", "+01:00", "+02:00", "+05:30", "+09:00", "+10:00",
];

/// Days from 1970-01-01 to 2024-01-01.
const DAY_2024_01_01: i64 = 19_723;

/// One data row under construction: a reusable buffer per field.
pub(crate) struct Row {
    /// 19 buffers, so that a malformed row can carry one extra field.
    pub(crate) fields: Vec<Vec<u8>>,
    /// How many of `fields` are written (18 unless the row is malformed).
    pub(crate) len: usize,
    /// The start date as days since 1970-01-01 (before any fault).
    pub(crate) start_day: i64,
}

impl Row {
    pub(crate) fn new() -> Self {
        Row {
            fields: (0..=FIELDS).map(|_| Vec::with_capacity(64)).collect(),
            len: FIELDS,
            start_day: 0,
        }
    }

    /// The fields to write.
    pub(crate) fn record(&self) -> &[Vec<u8>] {
        &self.fields[..self.len]
    }

    /// Overwrite the row with a clean, valid row numbered `n` (which makes
    /// the account name and e-mail unique).
    pub(crate) fn clean(&mut self, n: u64, rng: &mut Rng) -> io::Result<()> {
        for f in &mut self.fields {
            f.clear();
        }
        self.len = FIELDS;
        let (first, first_ascii) = pick(rng, FIRST);
        let (last, last_ascii) = pick(rng, LAST);
        let f = &mut self.fields;

        push_lower(&mut f[0], first);
        f[0].push(b'.');
        push_lower(&mut f[0], last);
        write!(f[0], ".{n}")?;
        f[1].extend_from_slice(first.as_bytes());
        f[2].extend_from_slice(last.as_bytes());
        write!(f[3], "{first_ascii}.{last_ascii}.{n}@example.com")?;
        fill_template(&mut f[4], pick(rng, PHONES), rng);
        write_person_id(&mut f[5], rng)?;

        self.start_day = DAY_2024_01_01 + rng.i64(0..1200);
        write_date(&mut f[6], self.start_day, rng)?;
        // At least two days apart: time of day and offsets span < 2 days.
        write_date(&mut f[7], self.start_day + rng.i64(2..=730), rng)?;

        f[8].extend_from_slice(pick(rng, DEPARTMENTS).as_bytes());
        write!(f[9], "CC-{}", rng.u32(1000..10_000))?;
        f[10].extend_from_slice(pick(rng, COMPANIES).as_bytes());
        f[11].extend_from_slice(pick(rng, TITLES).as_bytes());
        f[12].extend_from_slice(pick(rng, LOCATIONS).as_bytes());
        write!(f[13], "NE{:06}", rng.u32(0..1_000_000))?;
        f[14].extend_from_slice(pick(rng, VENDORS).as_bytes());
        f[15].extend_from_slice(pick(rng, CONTRACTS).as_bytes());
        write_person_id(&mut f[16], rng)?;
        f[17].extend_from_slice(pick(rng, NOTES).as_bytes());
        Ok(())
    }
}

fn pick<T: Copy>(rng: &mut Rng, list: &[T]) -> T {
    list[rng.usize(..list.len())]
}

fn push_lower(buf: &mut Vec<u8>, s: &str) {
    let mut utf8 = [0u8; 4];
    for c in s.chars().flat_map(char::to_lowercase) {
        buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
}

fn fill_template(buf: &mut Vec<u8>, template: &str, rng: &mut Rng) {
    for &b in template.as_bytes() {
        buf.push(if b == b'#' { rng.u8(b'0'..=b'9') } else { b });
    }
}

/// Every person a manager or sponsor id names: (`first.last`, `First Last`), in a fixed
/// order: the identities of [`crate::write_identities`].
pub(crate) fn people() -> impl Iterator<Item = (String, String)> {
    FIRST.iter().flat_map(|(first, first_ascii)| {
        LAST.iter().map(move |(last, last_ascii)| {
            (
                format!("{first_ascii}.{last_ascii}"),
                format!("{first} {last}"),
            )
        })
    })
}

/// A manager that is no person's id: a person's display name (`Jane Doe`), or a person's id
/// with a typo (a digit appended: `jane.doe7`).
pub(crate) fn write_unknown_manager(buf: &mut Vec<u8>, rng: &mut Rng) -> io::Result<()> {
    buf.clear();
    let (first, first_ascii) = pick(rng, FIRST);
    let (last, last_ascii) = pick(rng, LAST);
    if rng.bool() {
        write!(buf, "{first} {last}")
    } else {
        write!(buf, "{first_ascii}.{last_ascii}{}", rng.u8(0..10))
    }
}

/// A manager or sponsor id such as `jane.doe`.
fn write_person_id(buf: &mut Vec<u8>, rng: &mut Rng) -> io::Result<()> {
    let (_, first) = pick(rng, FIRST);
    let (_, last) = pick(rng, LAST);
    write!(buf, "{first}.{last}")
}

/// Write day `day` (since 1970-01-01) as a date, or as a date-time at a
/// random time of that local day: mostly with seconds and an offset, a few
/// in UTC (`Z`) and a few without seconds.
pub(crate) fn write_date(buf: &mut Vec<u8>, day: i64, rng: &mut Rng) -> io::Result<()> {
    let (y, m, d) = civil_from_days(day);
    write!(buf, "{y:04}-{m:02}-{d:02}")?;
    let (hh, mm, ss) = (rng.u8(0..24), rng.u8(0..60), rng.u8(0..60));
    match rng.u8(0..10) {
        0..=4 => Ok(()),
        5..=7 => write!(buf, "T{hh:02}:{mm:02}:{ss:02}{}", pick(rng, OFFSETS)),
        8 => write!(buf, "T{hh:02}:{mm:02}:{ss:02}Z"),
        _ => write!(buf, "T{hh:02}:{mm:02}{}", pick(rng, OFFSETS)),
    }
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32)
}
