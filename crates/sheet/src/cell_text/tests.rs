//! Numbers, dates, times and durations as text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;

use super::*;

#[test]
fn number_texts() {
    assert_eq!(float_text(15125550100.0), "15125550100");
    assert_eq!(float_text(1042.0), "1042");
    assert_eq!(float_text(-0.0), "0");
    assert_eq!(float_text(999_999_999_999_999.0), "999999999999999");
    assert_eq!(float_text(1e15), "1000000000000000");
    assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(float_text(-2.5), "-2.5");
    assert_eq!(float_text(1.5e-10), "0.00000000015");
    assert_eq!(duration_text(-0.25), "-PT6H00M00S");
    assert_eq!(duration_text(1.0 / 86_400_000.0), "PT0H00M00.001S");
}

#[test]
fn date_texts() {
    use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
    let text = |serial: f64, is_1904: bool| {
        datetime_text(
            &ExcelDateTime::new(serial, DateTime, is_1904),
            DateTimes::Utc,
        )
    };
    assert_eq!(text(45352.0, false), "2024-03-01");
    assert_eq!(text(45352.75, false), "2024-03-01T18:00:00Z");
    assert_eq!(
        text(45352.0 + 1.5 / 86_400.0, false),
        "2024-03-01T00:00:01.500Z"
    );
    assert_eq!(text(60.0, false), "1900-02-29");
    assert_eq!(text(1.0, true), "1904-01-02");
    assert_eq!(text(0.75, false), "18:00:00");
    assert_eq!(text(-1.0, false), "-1");
    assert_eq!(text(3e6, false), "3000000");
    assert_eq!(
        datetime_text(&ExcelDateTime::new(2.0, TimeDelta, false), DateTimes::Utc),
        "PT48H00M00S"
    );
    // Issue 9: under --timezone a date-time is written without the `Z`, for the date rule
    // to read in the zone; dates, times of day and durations are the same either way.
    let local = |serial: f64| {
        datetime_text(
            &ExcelDateTime::new(serial, DateTime, false),
            DateTimes::Local,
        )
    };
    assert_eq!(local(45352.75), "2024-03-01T18:00:00");
    assert_eq!(local(45352.0 + 1.5 / 86_400.0), "2024-03-01T00:00:01.500");
    assert_eq!(local(45352.0), "2024-03-01");
    assert_eq!(local(0.75), "18:00:00");
}

proptest! {
    #[test]
    fn numbers_round_trip_without_exponent(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let text = float_text(x);
        prop_assert!(!text.contains(['e', 'E']), "{}", text);
        prop_assert_eq!(text.parse::<f64>().unwrap(), x);
        prop_assert_eq!(text.ends_with(".0"), false);
    }

    #[test]
    fn integral_numbers_are_digits(i in -999_999_999_999_999i64..=999_999_999_999_999) {
        prop_assert_eq!(float_text(i as f64), i.to_string());
    }
}
