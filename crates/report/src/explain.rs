//! Each code explained in one sentence, with how to fix it: for people who own the data and
//! have never seen nebulk.

/// What a code means and how to fix the rows that carry it; a generic sentence for a code this
/// version does not know.
///
/// ```
/// assert!(nebulk_report::explain("invalid-email").contains("e-mail"));
/// assert!(nebulk_report::explain("made-up").contains("made-up"));
/// ```
pub fn explain(code: &str) -> String {
    let text = match code {
        "missing-value" => {
            "A required attribute is empty: fill it in (every account needs accountName, \
             firstName, lastName, email, manager, startDate and endDate)."
        }
        "invalid-email" => {
            "The value is not an e-mail address: write it as name@domain.example, without \
             spaces or a display name."
        }
        "invalid-phone" => {
            "The value is not a phone number: use digits with an optional leading +, and only \
             spaces, dashes, dots, slashes or parentheses between them (7 to 15 digits)."
        }
        "invalid-date" => {
            "The date cannot be read or does not exist: write it as YYYY-MM-DD (or a date-time \
             with an offset), or run nebulk with --date-format for the layout used."
        }
        "end-before-start" => {
            "The end date is before the start date: correct whichever of the two is wrong."
        }
        "duplicate-account" => {
            "The account name (compared ignoring case) is used by an earlier row: give each \
             person a name of their own, or remove the repeated row."
        }
        "malformed-row" => {
            "The row has a different number of fields than the header: look for a stray \
             delimiter or an unclosed quote in it."
        }
        "invalid-encoding" => {
            "A field is not valid UTF-8 or holds a NUL byte: save the file as UTF-8, or run \
             nebulk with --encoding windows-1252 for an Excel export."
        }
        "value-too-long" => {
            "A value is longer than the platform accepts: shorten it (see --max-value-length)."
        }
        "transform-failed" => {
            "A value could not be converted by the mapping: fix the value, or the transform \
             in the --map file."
        }
        "unknown-column" => {
            "The column is not in the source's schema, so it is not uploaded: rename it to an \
             attribute's name, map it with --map, or leave it out."
        }
        "unnamed-column" => {
            "A column has no header: name it, or remove it when it holds nothing needed."
        }
        "formula-injection" => {
            "The value starts like a spreadsheet formula (=, +, -, @): check it is meant as \
             text; --neutralise-formulas uploads it behind a quote, --strict rejects it."
        }
        "existing-at-limit" => {
            "A source already holds as many accounts as it may: new accounts go to another \
             source (--new-source) or to overflow.csv."
        }
        "unknown-manager" => {
            "The manager is not an identity the platform knows: write the manager's account \
             name (not the display name) as the identities export has it."
        }
        "account-in-two-sources" => {
            "The account name is in two sources' exports: remove it from one source before \
             loading, so that the row has one place to go."
        }
        other => return format!("`{other}`: see the codes in nebulk's README."),
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn every_code_of_nebulk_is_explained() {
        for code in nebulk_validate::Code::ALL {
            let text = explain(code.as_str());
            assert!(
                !text.contains("see the codes"),
                "{} is not explained",
                code.as_str()
            );
            assert!(text.ends_with('.'), "{text}");
        }
    }
}
