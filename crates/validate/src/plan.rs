//! The column plan: which input column feeds which schema attribute, and the stateless checks
//! of one row against it.

use nebulk_read::Row;
use nebulk_schema::{AttrType, Attribute, Schema, SystemAttr};

use crate::check::dates::{DateFields, StartAndEnd};
use crate::check::fields::{self, RowFields};
use crate::check::{types, value, Field};
use crate::checked::{CheckedRow, UploadValue, UploadValues};
use crate::code::Code;
use crate::refeed::earlier_rejects_columns;
use crate::rule_config::RuleConfig;
use crate::rules::DateText;
use crate::verdict::{AccountKey, Verdict};

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
    /// The `codes` column of an earlier run's `rejects.csv` fed back, if the input is one.
    earlier_codes: Option<usize>,
    rules: RuleConfig,
    account: usize,
    start: usize,
    end: usize,
}

impl ColumnPlan {
    /// Matches `header` to `schema`. Every system attribute and every required custom attribute
    /// needs a column; an optional custom attribute without one is uploaded empty; input
    /// columns the schema does not know are listed by [`ColumnPlan::unknown_columns`], except
    /// the columns of an earlier run's `rejects.csv` fed back ([`earlier_rejects_columns`]).
    pub fn new(
        schema: Schema,
        header: &[String],
        rules: RuleConfig,
    ) -> Result<ColumnPlan, PlanError> {
        let mut sources: Vec<Option<usize>> = vec![None; schema.len()];
        let mut unknown = Vec::new();
        let mut unnamed = Vec::new();
        let earlier_rejects = earlier_rejects_columns(header, &schema);
        for (column, name) in header.iter().enumerate().skip(earlier_rejects) {
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
            // `codes` is the second to last of the rejects' own columns.
            earlier_codes: earlier_rejects.checked_sub(2),
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

    /// The schema rows are checked against, leaving the plan behind.
    ///
    /// ```
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, RuleConfig};
    /// let header: Vec<String> = Schema::system().headers().map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// assert_eq!(plan.into_schema().len(), 8);
    /// ```
    pub fn into_schema(self) -> Schema {
        self.schema
    }

    /// Runs every check that needs only the row itself: the row's shape, then each attribute's
    /// value in schema order (the checks of every value, then its type's), then the pair of
    /// dates. Each check is a function of its own, in `src/check/`.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{Code, ColumnPlan, RuleConfig};
    /// let header: Vec<String> = Schema::system().headers().map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// let row = Row::from_fields(2, ["ann", "Ann", "Lee", "ann.example.com", "+1 512 555 0100", "", "2026-01-01", ""]);
    /// let checked = plan.check(&row);
    /// assert_eq!(checked.verdict.codes(), [Code::InvalidEmail, Code::MissingValue]);
    /// assert_eq!(checked.values[0].as_str(), "ann");
    /// ```
    pub fn check<'a>(&self, row: &'a Row) -> CheckedRow<'a> {
        self.check_row::<true>(row)
    }

    /// [`ColumnPlan::check`] without the values to upload: the same verdict (issues, warnings,
    /// account key), `values` left empty. For a run that writes no rows and compares none with
    /// exports (`validate` without `--existing`), which would build them for nothing.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_schema::Schema;
    /// use nebulk_validate::{ColumnPlan, RuleConfig};
    /// let header: Vec<String> = Schema::system().headers().map(String::from).collect();
    /// let plan = ColumnPlan::new(Schema::system(), &header, RuleConfig::default()).unwrap();
    /// let row = Row::from_fields(2, ["ann", "Ann", "Lee", "ann.example.com", "", "", "2026-01-01", ""]);
    /// let checked = plan.check_without_values(&row);
    /// assert_eq!(checked.verdict, plan.check(&row).verdict);
    /// assert!(checked.values.is_empty());
    /// ```
    pub fn check_without_values<'a>(&self, row: &'a Row) -> CheckedRow<'a> {
        self.check_row::<false>(row)
    }

    /// [`ColumnPlan::check`], with the values to upload when `VALUES`.
    #[inline]
    fn check_row<'a, const VALUES: bool>(&self, row: &'a Row) -> CheckedRow<'a> {
        let mut checked = CheckedRow {
            row,
            values: UploadValues::new(),
            verdict: Verdict::default(),
        };
        let verdict = &mut checked.verdict;
        if let Some(issue) = fields::field_count(row, self.header.len(), self.named_width) {
            verdict.issues.push(issue);
            return checked;
        }
        fields::reader_problems(row, &self.header, &mut verdict.issues);
        if fields::is_malformed(row) {
            return checked;
        }
        if let Some(codes) = self.earlier_codes.and_then(|c| row.record.get(c)) {
            verdict.earlier_duplicate = codes
                .split(|&b| b == b' ' || b == b',' || b == b';')
                .any(|code| code == Code::DuplicateAccount.as_str().as_bytes());
        }
        let fields = RowFields::new(row);
        let mut dates = StartAndEnd::default();
        for (index, (attr, source)) in self
            .schema
            .attributes()
            .iter()
            .zip(&self.sources)
            .enumerate()
        {
            let value = match *source {
                Some(column) => {
                    let field = Field {
                        column,
                        header: &attr.header,
                    };
                    self.check_value::<VALUES>(index, attr, field, &fields, verdict, &mut dates)
                }
                // An optional attribute without a column is uploaded empty.
                None => UploadValue::Text(""),
            };
            if VALUES {
                checked.values.push(value);
            }
        }
        let issue = dates.end_before_start(|| {
            let attributes = self.schema.attributes();
            DateFields {
                start: &attributes[self.start].header,
                end: &attributes[self.end].header,
                end_column: self.sources[self.end],
            }
        });
        if let Some(issue) = issue {
            verdict.issues.push(issue);
        }
        checked
    }

    /// Checks the value of attribute `index` (`attr`), in `field` of the row: the checks of
    /// every value, then its type's. Gives the value to upload (a date in its upload form only
    /// when `VALUES`); notes a valid start or end date in `dates` and the account name's key in
    /// the verdict.
    #[inline]
    fn check_value<'a, const VALUES: bool>(
        &self,
        index: usize,
        attr: &Attribute,
        field: Field<'_>,
        fields: &RowFields<'a>,
        verdict: &mut Verdict,
        dates: &mut StartAndEnd,
    ) -> UploadValue<'a> {
        const EMPTY: UploadValue<'static> = UploadValue::Text("");
        if fields.reported(field.column) {
            return EMPTY;
        }
        let value = match fields.value(field) {
            Ok(value) => value,
            Err(issue) => {
                verdict.issues.push(issue);
                return EMPTY;
            }
        };
        if value.is_empty() {
            if let Some(issue) = value::required(attr.required, field) {
                verdict.issues.push(issue);
            }
            return EMPTY;
        }
        if let Some(issue) = value::length(value, self.rules.max_value_len, field) {
            verdict.issues.push(issue);
        }
        let upload = match attr.kind {
            AttrType::Text | AttrType::Identity => {
                let manager = attr.system == Some(SystemAttr::Manager);
                if let Some(identities) = self.rules.identities.as_ref().filter(|_| manager) {
                    if let Some(issue) = types::manager(value, identities, field) {
                        verdict.issues.push(issue);
                    }
                }
                value::formula(value, self.rules.formulas, field, verdict)
            }
            AttrType::Email => {
                if let Some(issue) = types::email(value, field) {
                    verdict.issues.push(issue);
                }
                value::formula(value, self.rules.formulas, field, verdict)
            }
            // A valid phone number never looks like a formula, nor does E.164 (property tests
            // hold the rules to that), so phone values, often starting with `+`, skip the check.
            AttrType::Phone => match types::phone(value, &self.rules.phones, field) {
                Ok(upload) => upload,
                Err(issue) => {
                    verdict.issues.push(issue);
                    UploadValue::Text(value)
                }
            },
            AttrType::Date => match types::date(value, &self.rules.dates, field) {
                Ok(date) => {
                    if index == self.start {
                        dates.start = Some(date);
                    } else if index == self.end {
                        dates.end = Some(date);
                    }
                    if VALUES {
                        UploadValue::Date(DateText::new(&date))
                    } else {
                        UploadValue::Text("")
                    }
                }
                Err(issue) => {
                    verdict.issues.push(issue);
                    value::formula(value, self.rules.formulas, field, verdict)
                }
            },
        };
        if index == self.account {
            verdict.account_key = Some(AccountKey::of(value));
        }
        upload
    }
}
