//! The attribute scanner against calamine's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

#[test]
fn attributes_as_calamine_scans_them() {
    let scan = |raw: &'static str| -> Vec<Result<(&'static str, &'static str), ()>> {
        Attributes { raw, at: 0 }
            .map(|a| a.map_err(|_| ()))
            .collect()
    };
    assert_eq!(
        scan(r#" a="1" b = '2'  c="x'y" "#),
        [Ok(("a", "1")), Ok(("b", "2")), Ok(("c", "x'y"))]
    );
    assert_eq!(scan(r#" a="1" b"#), [Ok(("a", "1")), Err(())]);
    assert_eq!(scan(r#" a=1 b="2""#), [Err(())]);
    // An unclosed quote runs to the end (quick-xml refuses such a tag before).
    assert_eq!(scan(r#" a="1"#), [Ok(("a", "1"))]);
    assert_eq!(scan(" é = \"ü\" "), [Ok(("é", "ü"))]);
}
