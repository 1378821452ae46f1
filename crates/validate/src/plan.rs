//! The column plan: which input column feeds which schema attribute, and the stateless checks
//! of one row against it.

use chrono::{DateTime, FixedOffset};
use nebulk_read::{quote_value, ProblemKind, Row};
use nebulk_schema::{AttrType, Schema, SystemAttr};
use smallvec::SmallVec;

use crate::code::Code;
use crate::ledger::AccountKey;
use crate::rules::{self, DateRule, DateText, PhoneRule, PhoneText};

/// Settings of the value rules.
///
/// ```
/// let rules = nebulk_validate::RuleConfig::default();
/// assert_eq!(rules.max_value_len, 255);
/// assert_eq!(rules.formulas, nebulk_validate::FormulaPolicy::Warn);
/// ```
#[derive(Debug, Clone)]
pub struct RuleConfig {
    /// How dates are read (`--date-format`, `--timezone`).
    pub dates: DateRule,
    /// How phone numbers are checked and uploaded (`--phone-format`, `--phone-region`).
    pub phones: PhoneRule,
    /// The longest value accepted, in characters.
    pub max_value_len: usize,
    /// What a value that looks like a spreadsheet formula leads to.
    pub formulas: FormulaPolicy,
}

impl Default for RuleConfig {
    fn default() -> RuleConfig {
        RuleConfig {
            dates: DateRule::iso(),
            phones: PhoneRule::Plain,
            max_value_len: rules::DEFAULT_MAX_VALUE_LEN,
            formulas: FormulaPolicy::Warn,
        }
    }
}

/// What a value that looks like a spreadsheet formula ([`rules::looks_like_formula`]) leads
/// to: a `formula-injection` finding in every case, and then one of these.
///
/// ```
/// assert_eq!(nebulk_validate::FormulaPolicy::default(), nebulk_validate::FormulaPolicy::Warn);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FormulaPolicy {
    /// A warning; the value is uploaded as it is.
    #[default]
    Warn,
    /// A warning; the value is uploaded behind a `'`, which spreadsheets read as "text
    /// follows" (`--neutralise-formulas`).
    Neutralise,
    /// An error: the row is rejected (`--strict`).
    Reject,
}

/// Why an input cannot be matched to the schema. Fatal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Required attributes have no column in the input: all of them, in schema order.
    #[error(
        "the input has no column for required {}; its header is: {header}",
        list_attributes(attributes)
    )]
    MissingColumns {
        /// The attributes' headers as the schema spells them, in schema order.
        attributes: Vec<String>,
        /// The input header, comma separated.
        header: String,
    },
    /// Two input columns map to one attribute.
    #[error("columns {first} (`{first_name}`) and {second} (`{second_name}`) both map to attribute `{attribute}`")]
    DuplicateColumn {
        /// The attribute.
        attribute: String,
        /// 1-based column of the first.
        first: usize,
        /// Its header cell.
        first_name: String,
        /// 1-based column of the second.
        second: usize,
        /// Its header cell.
        second_name: String,
    },
}

/// `attribute `phone`` or `attributes `phone`, `manager` and `startDate``.
fn list_attributes(attributes: &[String]) -> String {
    let quoted: Vec<String> = attributes.iter().map(|a| format!("`{a}`")).collect();
    match quoted.as_slice() {
        [one] => format!("attribute {one}"),
        [rest @ .., last] => format!("attributes {} and {last}", rest.join(", ")),
        [] => "attributes".to_string(),
    }
}

/// One problem found in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// What kind of problem.
    pub code: Code,
    /// The 0-based input column it is about, if it is about one.
    pub column: Option<usize>,
    /// A sentence for people.
    pub message: String,
}

/// A value to upload: a trimmed field of the row, a normalised date or phone number, or a
/// field neutralised as text.
///
/// ```
/// use nebulk_validate::UploadValue;
/// assert_eq!(UploadValue::Text("ann").as_str(), "ann");
/// assert_eq!(UploadValue::Neutralised("=1+2").text(), "'=1+2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadValue<'a> {
    /// A field as read, trimmed.
    Text(&'a str),
    /// A date in the upload form.
    Date(DateText),
    /// A phone number in E.164 (`--phone-format e164`).
    Phone(PhoneText),
    /// A field as read, trimmed, that looks like a formula: uploaded behind a `'`.
    Neutralised(&'a str),
}

impl UploadValue<'_> {
    /// The value's text, without the `'` of a neutralised value ([`UploadValue::text`] has it).
    pub fn as_str(&self) -> &str {
        match self {
            UploadValue::Text(text) | UploadValue::Neutralised(text) => text,
            UploadValue::Date(date) => date.as_str(),
            UploadValue::Phone(phone) => phone.as_str(),
        }
    }

    /// The text uploaded.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            UploadValue::Neutralised(text) => format!("'{text}").into(),
            other => other.as_str().into(),
        }
    }
}

/// The values of one row, kept inline for up to 18 attributes (8 system + 10 custom).
pub type UploadValues<'a> = SmallVec<[UploadValue<'a>; 18]>;

/// One row after the stateless checks: the values to upload (in schema order, trimmed and
/// normalised) and the issues found. The engine adds duplicate and limit issues afterwards.
#[derive(Debug, Clone)]
pub struct CheckedRow<'a> {
    /// The row as read.
    pub row: &'a Row,
    /// Values in schema order; empty for a malformed row.
    pub values: UploadValues<'a>,
    /// Problems; the row is valid when there are none.
    pub issues: Vec<Issue>,
    /// Findings that do not reject the row.
    pub warnings: Vec<Issue>,
    /// The account name's key for the ledger, when the row has a usable one.
    pub account_key: Option<AccountKey>,
}

/// What the checks found about a row, without borrowing it: its issues and its account key.
/// The engine's order-dependent stage works on these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Problems; the row is valid when there are none.
    pub issues: Vec<Issue>,
    /// Findings that do not reject the row.
    pub warnings: Vec<Issue>,
    /// The account name's key for the ledger, when the row has a usable one.
    pub account_key: Option<AccountKey>,
}

impl Verdict {
    /// Whether the row goes to the upload file.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }

    /// The distinct codes of the issues, in order of first appearance.
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

impl CheckedRow<'_> {
    /// Whether the row passes the stateless checks.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }

    /// The row's verdict, leaving its values behind.
    pub fn into_verdict(self) -> Verdict {
        Verdict {
            issues: self.issues,
            warnings: self.warnings,
            account_key: self.account_key,
        }
    }

    /// The distinct codes of the row's issues, in order of first appearance.
    ///
    /// ```
    /// # use nebulk_validate::{Code, Issue};
    /// # let row = nebulk_read::Row::from_fields(2, Vec::<&str>::new());
    /// let issue = |code| Issue { code, column: None, message: String::new() };
    /// let checked = nebulk_validate::CheckedRow {
    ///     row: &row,
    ///     values: Default::default(),
    ///     issues: vec![issue(Code::MissingValue), issue(Code::InvalidDate), issue(Code::MissingValue)],
    ///     warnings: vec![],
    ///     account_key: None,
    /// };
    /// assert_eq!(checked.codes(), [Code::MissingValue, Code::InvalidDate]);
    /// ```
    pub fn codes(&self) -> Vec<Code> {
        distinct_codes(&self.issues)
    }
}

/// How an input header lines up with a schema, and the rules to check each row by.
///
/// ```
/// use nebulk_schema::Schema;
/// use nebulk_validate::{ColumnPlan, RuleConfig};
/// let header: Vec<String> = "Account Name,First Name,Last Name,Email,Phone,Manager,Start Date,End Date,Shoe Size"
///     .split(',').map(String::from).collect();
/// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
/// assert_eq!(plan.unknown_columns(), [(8, "Shoe Size".to_string())]);
/// ```
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    schema: Schema,
    header: Vec<String>,
    /// For each schema attribute, the 0-based input column holding it.
    sources: Vec<Option<usize>>,
    unknown: Vec<(usize, String)>,
    /// Input columns whose header cell is empty, 0-based.
    unnamed: Vec<usize>,
    /// The input columns up to the last one with a name: a row may leave out the unnamed
    /// columns after it.
    named_width: usize,
    rules: RuleConfig,
    account: usize,
    start: usize,
    end: usize,
}

impl ColumnPlan {
    /// Matches `header` to `schema`. Every system attribute and every required custom attribute
    /// needs a column; an optional custom attribute without one is uploaded empty; input
    /// columns the schema does not know are listed by [`ColumnPlan::unknown_columns`].
    pub fn new(
        schema: Schema,
        header: &[String],
        rules: RuleConfig,
    ) -> Result<ColumnPlan, PlanError> {
        let mut sources: Vec<Option<usize>> = vec![None; schema.len()];
        let mut unknown = Vec::new();
        let mut unnamed = Vec::new();
        for (column, name) in header.iter().enumerate() {
            if name.is_empty() {
                unnamed.push(column);
                continue;
            }
            match schema.find(name) {
                Some(attr) => {
                    if let Some(first) = sources[attr] {
                        return Err(PlanError::DuplicateColumn {
                            attribute: schema.attributes()[attr].header.clone(),
                            first: first + 1,
                            first_name: header[first].clone(),
                            second: column + 1,
                            second_name: name.clone(),
                        });
                    }
                    sources[attr] = Some(column);
                }
                None => unknown.push((column, name.clone())),
            }
        }
        let missing: Vec<String> = schema
            .attributes()
            .iter()
            .zip(&sources)
            .filter(|(attr, source)| source.is_none() && attr.required)
            .map(|(attr, _)| attr.header.clone())
            .collect();
        if !missing.is_empty() {
            return Err(PlanError::MissingColumns {
                attributes: missing,
                header: header.join(","),
            });
        }
        let index = |attr: SystemAttr| schema.index_of(attr).unwrap_or_default();
        Ok(ColumnPlan {
            account: index(SystemAttr::AccountName),
            start: index(SystemAttr::StartDate),
            end: index(SystemAttr::EndDate),
            schema,
            header: header.to_vec(),
            sources,
            unknown,
            named_width: header
                .iter()
                .rposition(|name| !name.is_empty())
                .map_or(0, |c| c + 1),
            unnamed,
            rules,
        })
    }

    /// The schema rows are checked against.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The input header.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The 0-based input column holding the account name.
    pub fn account_column(&self) -> Option<usize> {
        self.sources.get(self.account).copied().flatten()
    }

    /// Input columns not in the schema: 0-based column and header cell. They are not uploaded.
    pub fn unknown_columns(&self) -> &[(usize, String)] {
        &self.unknown
    }

    /// Input columns whose header cell is empty, 0-based (Excel's trailing `,,`, a blank spacer
    /// column). They are not uploaded; a row may leave out those after the last named column.
    ///
    /// ```
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, RuleConfig};
    /// let header: Vec<String> = "accountName,firstName,lastName,email,,phone,manager,startDate,endDate,,"
    ///     .split(',').map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// assert_eq!(plan.unnamed_columns(), [4, 9, 10]);
    /// assert!(plan.unknown_columns().is_empty());
    /// ```
    pub fn unnamed_columns(&self) -> &[usize] {
        &self.unnamed
    }

    /// Runs every check that needs only the row itself.
    pub fn check<'a>(&self, row: &'a Row) -> CheckedRow<'a> {
        let mut checked = CheckedRow {
            row,
            values: UploadValues::new(),
            issues: Vec::new(),
            warnings: Vec::new(),
            account_key: None,
        };
        let fields = row.record.len();
        if fields != self.header.len() && !(self.named_width..self.header.len()).contains(&fields) {
            let mut message = format!(
                "expected {} fields, found {}",
                self.header.len(),
                row.record.len()
            );
            // A quote left open swallows the lines after it into one field.
            let spanning = row
                .record
                .iter()
                .position(|f| f.iter().any(|&b| b == b'\n' || b == b'\r'));
            if let Some(i) = spanning {
                message.push_str(&format!(
                    " (field {} runs over several lines: is a quote left open?)",
                    i + 1
                ));
            }
            checked.issues.push(Issue {
                code: Code::MalformedRow,
                column: None,
                message,
            });
            return checked;
        }
        for problem in &row.problems {
            let code = match problem.kind {
                ProblemKind::Transform => Code::TransformFailed,
                ProblemKind::Malformed => Code::MalformedRow,
                ProblemKind::Encoding => Code::InvalidEncoding,
            };
            let message = match problem.column.and_then(|c| self.header.get(c)) {
                Some(name) => format!("{name}: {}", problem.message),
                None => problem.message.clone(),
            };
            checked.issues.push(Issue {
                code,
                column: problem.column,
                message,
            });
        }
        // As for a row with the wrong number of fields here: its fields cannot be trusted.
        if row
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Malformed)
        {
            return checked;
        }
        // One UTF-8 check for the whole row; a field is then a slice of it, unless the row has
        // bad bytes (or a character split across fields), when each field is checked alone.
        let whole = simdutf8::basic::from_utf8(row.record.as_slice()).ok();
        let field = |column: usize| -> Result<&'a str, std::str::Utf8Error> {
            match (whole, row.record.range(column)) {
                (Some(text), Some(range)) => match text.get(range) {
                    Some(field) => Ok(field),
                    None => std::str::from_utf8(&row.record[column]),
                },
                _ => std::str::from_utf8(&row.record[column]),
            }
        };
        // A NUL byte is valid UTF-8 but not text: one scan of the row, fields only when found.
        let has_nul = memchr::memchr(0, row.record.as_slice()).is_some();
        let mut dates: [Option<DateTime<FixedOffset>>; 2] = [None, None];
        for (attr_index, (attr, source)) in self
            .schema
            .attributes()
            .iter()
            .zip(&self.sources)
            .enumerate()
        {
            let Some(column) = *source else {
                checked.values.push(UploadValue::Text(""));
                continue;
            };
            // A field whose transform failed has its reason already; it is not checked again.
            if row.problems.iter().any(|p| p.column == Some(column)) {
                checked.values.push(UploadValue::Text(""));
                continue;
            }
            let value = match field(column) {
                Ok(raw) => rules::trim(raw),
                Err(e) => {
                    checked.issues.push(Issue {
                        code: Code::InvalidEncoding,
                        column: Some(column),
                        message: format!(
                            "{}: not valid UTF-8 (bad byte at position {} of the field)",
                            attr.header,
                            e.valid_up_to() + 1
                        ),
                    });
                    checked.values.push(UploadValue::Text(""));
                    continue;
                }
            };
            let issue = |code: Code, message: String| Issue {
                code,
                column: Some(column),
                message: format!("{}: {message}", attr.header),
            };
            let nul = if has_nul {
                row.record[column].iter().position(|&b| b == 0)
            } else {
                None
            };
            if let Some(at) = nul {
                checked.issues.push(issue(
                    Code::InvalidEncoding,
                    format!("holds a NUL byte (at position {} of the field)", at + 1),
                ));
                checked.values.push(UploadValue::Text(""));
                continue;
            }
            if value.is_empty() {
                if attr.required {
                    checked
                        .issues
                        .push(issue(Code::MissingValue, "a value is required".into()));
                }
                checked.values.push(UploadValue::Text(""));
                continue;
            }
            // A value no longer in bytes than the limit is not longer in characters.
            if value.len() > self.rules.max_value_len {
                let length = rules::char_len(value);
                if length > self.rules.max_value_len {
                    checked.issues.push(issue(
                        Code::ValueTooLong,
                        format!(
                            "{length} characters; at most {} are allowed",
                            self.rules.max_value_len
                        ),
                    ));
                }
            }
            let mut normalized = UploadValue::Text(value);
            match attr.kind {
                AttrType::Email if !rules::is_email(value) => {
                    checked.issues.push(issue(
                        Code::InvalidEmail,
                        format!("{} is not an email address", quote_value(value)),
                    ));
                }
                AttrType::Phone => match self.rules.phones.check(value) {
                    Ok(Some(e164)) => normalized = UploadValue::Phone(e164),
                    Ok(None) => {}
                    Err(e) => checked
                        .issues
                        .push(issue(Code::InvalidPhone, e.to_string())),
                },
                AttrType::Date => match self.rules.dates.read(value) {
                    Ok(date) => {
                        normalized = UploadValue::Date(DateText::new(&date));
                        if attr_index == self.start {
                            dates[0] = Some(date);
                        } else if attr_index == self.end {
                            dates[1] = Some(date);
                        }
                    }
                    Err(e) => checked.issues.push(issue(Code::InvalidDate, e.to_string())),
                },
                _ => {}
            }
            // A valid phone number never looks like a formula, nor does E.164 (property tests
            // hold the rules to that), so phone values, often starting with `+`, skip the check.
            if matches!(normalized, UploadValue::Text(_))
                && attr.kind != AttrType::Phone
                && rules::looks_like_formula(value)
            {
                let message = format!(
                    "{} starts like a spreadsheet formula (= + - @)",
                    quote_value(value)
                );
                match self.rules.formulas {
                    FormulaPolicy::Warn => checked
                        .warnings
                        .push(issue(Code::FormulaInjection, message)),
                    FormulaPolicy::Neutralise => {
                        checked.warnings.push(issue(
                            Code::FormulaInjection,
                            format!("{message}; uploaded with a ' in front, as text"),
                        ));
                        normalized = UploadValue::Neutralised(value);
                    }
                    FormulaPolicy::Reject => {
                        checked.issues.push(issue(Code::FormulaInjection, message))
                    }
                }
            }
            if attr_index == self.account {
                checked.account_key = Some(AccountKey::of(value));
            }
            checked.values.push(normalized);
        }
        if let [Some(start), Some(end)] = dates {
            if end < start {
                let end_column = self.sources[self.end];
                checked.issues.push(Issue {
                    code: Code::EndBeforeStart,
                    column: end_column,
                    message: format!(
                        "{} {} is before {} {}",
                        self.schema.attributes()[self.end].header,
                        rules::format_date(&end),
                        self.schema.attributes()[self.start].header,
                        rules::format_date(&start)
                    ),
                });
            }
        }
        checked
    }
}
