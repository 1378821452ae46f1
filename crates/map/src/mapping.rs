//! Mapping files and their resolution against a schema and a source's fields.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use nebulk_read::{Encoding, ProblemKind, Projection, Record, RowProblem, Value};
use nebulk_schema::{normalize_name, Schema};
use serde::Deserialize;

use crate::toml_error::TomlError;
use crate::transform::{Lookup, Transform};
use crate::MapError;
use nebulk_read::date::DateLayout;

/// Where a rule takes its value from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A field of the source record.
    Field(String),
    /// A constant.
    Constant(String),
}

/// How one target attribute gets its value: an origin, then transforms in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Where the value comes from.
    pub origin: Origin,
    /// The steps applied to it.
    pub transforms: Vec<Transform>,
}

impl Rule {
    /// A constant, as `--set attr=value` gives.
    pub fn constant(value: &str) -> Rule {
        Rule {
            origin: Origin::Constant(value.to_string()),
            transforms: Vec::new(),
        }
    }

    /// A field taken as it is.
    pub fn field(name: &str) -> Rule {
        Rule {
            origin: Origin::Field(name.to_string()),
            transforms: Vec::new(),
        }
    }

    /// Runs the rule on a record; `Err` is why a transform could not handle the value.
    pub fn evaluate(&self, record: &Record) -> Result<String, String> {
        let mut out = String::new();
        self.evaluate_into(record, &mut out)?;
        Ok(out)
    }

    /// Like [`Rule::evaluate`], appending the value to `out` (untouched on `Err`).
    fn evaluate_into(&self, record: &Record, out: &mut String) -> Result<(), String> {
        if !self.transforms.iter().all(Transform::is_text_step) {
            return self.evaluate_value(record, out);
        }
        // For speed, a text (or nothing) through text steps only is transformed borrowed, with
        // no copy of the value; lists take the general path.
        let text = match &self.origin {
            Origin::Constant(text) => text.as_str(),
            Origin::Field(name) => match record.get(name) {
                None | Some(Value::Null) => return Ok(()),
                Some(Value::Text(text)) => text.as_str(),
                Some(Value::List(_)) => return self.evaluate_value(record, out),
            },
        };
        let mut value = Cow::Borrowed(text);
        for transform in &self.transforms {
            // Text steps leave an empty value untouched (as `Transform::apply` does).
            if value.trim().is_empty() {
                continue;
            }
            let next = match &value {
                Cow::Borrowed(text) => transform.apply_str(text),
                Cow::Owned(text) => transform
                    .apply_str(text)
                    .map(|next| Cow::Owned(next.into_owned())),
            };
            value = next.map_err(|reason| format!("{}: {reason}", transform.name()))?;
        }
        out.push_str(&value);
        Ok(())
    }

    /// The general way of [`Rule::evaluate_into`]: the value owned, through
    /// [`Transform::apply`].
    fn evaluate_value(&self, record: &Record, out: &mut String) -> Result<(), String> {
        let mut value = match &self.origin {
            Origin::Field(name) => record.get(name).cloned().unwrap_or(Value::Null),
            Origin::Constant(text) => Value::Text(text.clone()),
        };
        for transform in &self.transforms {
            value = transform
                .apply(value)
                .map_err(|reason| format!("{}: {reason}", transform.name()))?;
        }
        push_joined(&value, out);
        Ok(())
    }

    fn describe(&self) -> String {
        let mut text = match &self.origin {
            Origin::Field(name) => format!("field `{name}`"),
            Origin::Constant(value) => format!("constant '{value}'"),
        };
        for transform in &self.transforms {
            text.push_str(" | ");
            text.push_str(transform.name());
        }
        text
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    field: Option<String>,
    value: Option<String>,
    #[serde(default)]
    transforms: Vec<TransformSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TransformSpec {
    Name(String),
    WithArgument(BTreeMap<String, toml::Value>),
}

/// A mapping: for each target attribute, a [`Rule`]. Written in TOML, one table per target:
///
/// ```toml
/// [accountName]
/// field = "email_address"
/// transforms = ["email-local", "lower"]
///
/// [startDate]
/// value = "2026-01-01"
///
/// [manager]
/// field = "managerId"
/// transforms = [{ lookup = { file = "managers.csv", key = "id", value = "accountName" } }]
/// ```
///
/// ```
/// let mapping = nebulk_map::Mapping::parse("[firstName]\nfield = \"name\"\ntransforms = [\"first-name\"]\n", std::path::Path::new(".")).unwrap();
/// assert_eq!(mapping.targets().collect::<Vec<_>>(), ["firstName"]);
/// assert!(nebulk_map::Mapping::parse("[firstName]\nfield = \"name\"\ntransforms = [\"shout\"]\n", std::path::Path::new(".")).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    rules: Vec<(String, Rule)>,
}

const TRANSFORM_NAMES: &str =
    "trim, lower, upper, first-name, last-name, email-local, date, default, join, lookup";

impl Mapping {
    /// Parses a mapping file; `base` is the folder relative `lookup` files are found in. Lookup
    /// tables are read as UTF-8 (or UTF-16 with its byte order mark): see
    /// [`Mapping::parse_with_encoding`].
    pub fn parse(text: &str, base: &Path) -> Result<Mapping, MapError> {
        Mapping::parse_with_encoding(text, base, None)
    }

    /// Parses a mapping file as [`Mapping::parse`] does, reading its lookup tables in
    /// `encoding` (`--encoding`; `None` is UTF-8; a byte order mark wins).
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("managers.csv"), b"id;name\n7;j\xfcrgen.m\n").unwrap();
    /// let text = r#"manager = { field = "boss", transforms = [{ lookup = { file = "managers.csv", key = "id", value = "name" } }] }"#;
    /// let latin1 = nebulk_read::encoding_for_label("windows-1252").ok();
    /// let mapping = nebulk_map::Mapping::parse_with_encoding(text, dir.path(), latin1).unwrap();
    /// assert!(format!("{mapping:?}").contains("jürgen.m"));
    /// ```
    pub fn parse_with_encoding(
        text: &str,
        base: &Path,
        encoding: Option<&'static Encoding>,
    ) -> Result<Mapping, MapError> {
        let files = Files { base, encoding };
        let specs: toml::Table =
            toml::from_str(text).map_err(|e| MapError::Toml(TomlError::new(text, &e)))?;
        let mut mapping = Mapping::default();
        for (target, spec) in specs {
            let spec: RuleSpec = spec
                .try_into()
                .map_err(|e: toml::de::Error| MapError::Rule {
                    target: target.clone(),
                    message: e.message().to_string(),
                })?;
            let rule = build_rule(&target, spec, &files)?;
            mapping.insert(&target, rule);
        }
        Ok(mapping)
    }

    /// Sets (or replaces) the rule for `target`; targets are compared like column names.
    pub fn insert(&mut self, target: &str, rule: Rule) {
        let key = normalize_name(target);
        self.rules.retain(|(t, _)| normalize_name(t) != key);
        self.rules.push((target.to_string(), rule));
    }

    /// This mapping with `other`'s rules replacing its own for the same targets.
    pub fn overlaid_with(mut self, other: Mapping) -> Mapping {
        for (target, rule) in other.rules {
            self.insert(&target, rule);
        }
        self
    }

    /// This mapping without the rules whose target fails `keep` (a built-in default names
    /// attributes a schema may not have).
    pub fn retaining(mut self, keep: impl Fn(&str) -> bool) -> Mapping {
        self.rules.retain(|(target, _)| keep(target));
        self
    }

    /// This mapping with its `date` transforms writing a date, or a date-time without an
    /// offset, as read (`2026-03-24`, `2026-03-24T08:30:00`) rather than in UTC, for the date
    /// rule to read in `--timezone`.
    ///
    /// ```
    /// use nebulk_map::{Mapping, Transform};
    /// let text = "[startDate]\nfield = \"start\"\ntransforms = [{ date = \"%d/%m/%Y\" }]\n";
    /// let mapping = Mapping::parse(text, std::path::Path::new(".")).unwrap().with_local_dates();
    /// assert_ne!(mapping, Mapping::parse(text, std::path::Path::new(".")).unwrap());
    /// ```
    pub fn with_local_dates(mut self) -> Mapping {
        for (_, rule) in &mut self.rules {
            for transform in &mut rule.transforms {
                if let Transform::Date { local, .. } = transform {
                    *local = true;
                }
            }
        }
        self
    }

    /// The targets, in the order given.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|(t, _)| t.as_str())
    }

    fn rule_for(&self, target_key: &str) -> Option<&(String, Rule)> {
        self.rules
            .iter()
            .find(|(t, _)| normalize_name(t) == target_key)
    }
}

/// Where a mapping's lookup tables are, and how they are read.
struct Files<'a> {
    /// The folder relative paths start from.
    base: &'a Path,
    /// Their encoding, when not UTF-8.
    encoding: Option<&'static Encoding>,
}

fn build_rule(target: &str, spec: RuleSpec, files: &Files<'_>) -> Result<Rule, MapError> {
    let fail = |message: String| MapError::Rule {
        target: target.to_string(),
        message,
    };
    let origin = match (spec.field, spec.value) {
        (Some(field), None) => Origin::Field(field),
        (None, Some(value)) => Origin::Constant(value),
        _ => return Err(fail("give exactly one of `field` or `value`".into())),
    };
    let mut transforms = Vec::with_capacity(spec.transforms.len());
    for spec in spec.transforms {
        transforms.push(build_transform(spec, files).map_err(&fail)?);
    }
    Ok(Rule { origin, transforms })
}

fn build_transform(spec: TransformSpec, files: &Files<'_>) -> Result<Transform, String> {
    let unknown = |name: &str| format!("unknown transform `{name}`; known: {TRANSFORM_NAMES}");
    let (name, argument) = match spec {
        TransformSpec::Name(name) => (name, None),
        TransformSpec::WithArgument(table) => {
            let mut entries = table.into_iter();
            match (entries.next(), entries.next()) {
                (Some((name, argument)), None) => (name, Some(argument)),
                _ => return Err(
                    "a transform table names exactly one transform, e.g. { date = \"%d/%m/%Y\" }"
                        .into(),
                ),
            }
        }
    };
    let text_argument = |argument: Option<toml::Value>| match argument {
        Some(toml::Value::String(text)) => Ok(text),
        _ => Err(format!(
            "`{name}` takes a text argument, e.g. {{ {name} = \"...\" }}"
        )),
    };
    match name.as_str() {
        "trim" | "lower" | "upper" | "first-name" | "last-name" | "email-local"
            if argument.is_some() =>
        {
            Err(format!(
                "`{name}` takes no argument; write it as \"{name}\""
            ))
        }
        "trim" => Ok(Transform::Trim),
        "lower" => Ok(Transform::Lower),
        "upper" => Ok(Transform::Upper),
        "first-name" => Ok(Transform::FirstName),
        "last-name" => Ok(Transform::LastName),
        "email-local" => Ok(Transform::EmailLocal),
        "date" => text_argument(argument).and_then(|format| {
            DateLayout::new(&format)
                .map(|layout| Transform::Date {
                    layout,
                    local: false,
                })
                .map_err(|e| format!("`date`: {e}"))
        }),
        "default" => text_argument(argument).map(Transform::Default),
        "join" => text_argument(argument).map(Transform::Join),
        "lookup" => {
            let Some(toml::Value::Table(table)) = argument else {
                return Err(
                    "`lookup` takes { file = \"...\", key = \"...\", value = \"...\" }".into(),
                );
            };
            let get = |key: &str| {
                table
                    .get(key)
                    .and_then(toml::Value::as_str)
                    .ok_or_else(|| format!("`lookup` needs `{key}`"))
            };
            let file = files.base.join(get("file")?);
            Lookup::load(&file, get("key")?, get("value")?, files.encoding)
                .map(Transform::Lookup)
                .map_err(|e| e.to_string())
        }
        other => Err(unknown(other)),
    }
}

/// The fields a source offers: a known list, or a known list plus any field under a prefix
/// (a workflow session's `attributes.`).
///
/// ```
/// let fields = nebulk_map::FieldSet::open(&["id", "status"], "attributes.");
/// assert!(fields.contains("attributes.first_name"));
/// assert!(!fields.contains("first_name"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSet {
    known: Vec<String>,
    open_prefix: Option<String>,
}

impl FieldSet {
    /// Exactly these fields.
    pub fn known<S: AsRef<str>>(fields: &[S]) -> FieldSet {
        FieldSet {
            known: fields.iter().map(|f| f.as_ref().to_string()).collect(),
            open_prefix: None,
        }
    }

    /// These fields and any starting with `prefix`.
    pub fn open<S: AsRef<str>>(fields: &[S], prefix: &str) -> FieldSet {
        FieldSet {
            open_prefix: Some(prefix.to_string()),
            ..FieldSet::known(fields)
        }
    }

    /// Whether `field` is offered.
    pub fn contains(&self, field: &str) -> bool {
        self.known.iter().any(|f| f == field)
            || self
                .open_prefix
                .as_deref()
                .is_some_and(|p| field.starts_with(p) && field.len() > p.len())
    }

    /// The known fields.
    pub fn known_fields(&self) -> &[String] {
        &self.known
    }

    fn describe(&self) -> String {
        let mut text = self.known.join(", ");
        if let Some(prefix) = &self.open_prefix {
            text.push_str(&format!(", and any `{prefix}<name>`"));
        }
        text
    }
}

/// How each schema attribute is filled for one source.
#[derive(Debug, Clone)]
enum Filling {
    /// By a rule.
    Rule(Rule),
    /// By the record field whose name matches the attribute (looked up per record; for open
    /// field sets only).
    SameName(String),
    /// Left empty.
    Empty,
}

/// A mapping resolved against a schema and a source: one way to fill each schema attribute.
///
/// Attributes without a rule take the source field of the same name (compared like column
/// names, ignoring a `attributes.` style prefix); others stay empty (and a required one is then
/// rejected as `missing-value`).
///
/// ```
/// use nebulk_map::{FieldSet, Mapping, MappingPlan, Rule};
/// use nebulk_read::{Record, Value};
/// use nebulk_schema::Schema;
///
/// let mut mapping = Mapping::default();
/// mapping.insert("manager", Rule::constant("jane.doe"));
/// let fields = FieldSet::known(&["accountName", "email"]);
/// let plan = MappingPlan::new(&Schema::system(), &mapping, &fields).unwrap();
/// let mut record = Record::new(2);
/// record.push("accountName", Value::Text("ann".into()));
/// let (values, problems) = plan.apply(&record);
/// assert_eq!(values, ["ann", "", "", "", "", "jane.doe", "", ""]);
/// assert!(problems.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct MappingPlan {
    header: Vec<String>,
    fillings: Vec<Filling>,
}

impl MappingPlan {
    /// Resolves `mapping` for `schema` and a source offering `fields`. A rule naming a target
    /// that is not in the schema, or a field the source does not offer, is an error.
    pub fn new(
        schema: &Schema,
        mapping: &Mapping,
        fields: &FieldSet,
    ) -> Result<MappingPlan, MapError> {
        for (target, rule) in &mapping.rules {
            if schema.find(target).is_none() {
                return Err(MapError::UnknownTarget {
                    target: target.clone(),
                    schema: schema.headers().collect::<Vec<_>>().join(", "),
                });
            }
            if let Origin::Field(field) = &rule.origin {
                if !fields.contains(field) {
                    return Err(MapError::UnknownField {
                        target: target.clone(),
                        field: field.clone(),
                        available: fields.describe(),
                    });
                }
            }
        }
        let fillings = schema
            .attributes()
            .iter()
            .map(|attr| {
                let rule = [&attr.technical_name, &attr.header, &attr.label]
                    .iter()
                    .find_map(|name| mapping.rule_for(&normalize_name(name)));
                match rule {
                    Some((_, rule)) => Filling::Rule(rule.clone()),
                    None => same_name(fields, &attr.technical_name, &attr.header),
                }
            })
            .collect();
        Ok(MappingPlan {
            header: schema.headers().map(String::from).collect(),
            fillings,
        })
    }

    /// The columns of the mapped rows: the schema's headers.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The record fields the plan reads, and `also` (say, `status` for a status filter): the
    /// fields of its rules, and those that fill an attribute of the same name. A reader told
    /// it ([`nebulk_read::RecordStream::project`]) may skip building the others.
    ///
    /// ```
    /// use nebulk_map::{FieldSet, Mapping, MappingPlan, Rule};
    /// use nebulk_schema::Schema;
    /// let mut mapping = Mapping::default();
    /// mapping.insert("accountName", Rule::field("login"));
    /// mapping.insert("phone", Rule::constant("+15125550100"));
    /// let fields = FieldSet::known(&["login", "uid", "email"]);
    /// let plan = MappingPlan::new(&Schema::system(), &mapping, &fields).unwrap();
    /// let projection = plan.projection(&["status"]);
    /// assert!(projection.reads("login") && projection.reads("email") && projection.reads("status"));
    /// assert!(!projection.reads("uid"), "no rule reads it, and no attribute is named so");
    /// ```
    pub fn projection(&self, also: &[&str]) -> Projection {
        let mut names: Vec<String> = also.iter().map(|name| name.to_string()).collect();
        let mut keys: Vec<String> = Vec::new();
        for filling in &self.fillings {
            match filling {
                Filling::Rule(Rule {
                    origin: Origin::Field(name),
                    ..
                }) => names.push(name.clone()),
                Filling::SameName(key) => keys.push(key.clone()),
                Filling::Rule(_) | Filling::Empty => {}
            }
        }
        Projection::only(move |field| {
            names.iter().any(|name| name == field)
                || (!keys.is_empty() && keys.contains(&field_key(field)))
        })
    }

    /// Maps one record to values in schema order, with the problems of transforms that failed
    /// (their value is left empty).
    pub fn apply(&self, record: &Record) -> (Vec<String>, Vec<RowProblem>) {
        let mut values = Vec::with_capacity(self.fillings.len());
        let mut problems = Vec::new();
        self.apply_with(record, &mut problems, &mut String::new(), |value| {
            values.push(value.to_string());
        });
        (values, problems)
    }

    /// Maps one record into `row` (cleared first), adding the problems of transforms that failed
    /// to `problems`. Reuses `row`'s allocation: no allocation per record.
    pub(crate) fn apply_into(
        &self,
        record: &Record,
        row: &mut nebulk_read::Fields,
        problems: &mut Vec<RowProblem>,
        scratch: &mut String,
    ) {
        row.clear();
        self.apply_with(record, problems, scratch, |value| {
            row.push_field(value.as_bytes());
        });
    }

    /// Maps one record, handing each value in schema order to `each`; `scratch` holds it.
    fn apply_with(
        &self,
        record: &Record,
        problems: &mut Vec<RowProblem>,
        scratch: &mut String,
        mut each: impl FnMut(&str),
    ) {
        // The folded names of the record's fields, made on the first same-name lookup only.
        let mut keys: Option<Vec<String>> = None;
        for (column, filling) in self.fillings.iter().enumerate() {
            scratch.clear();
            match filling {
                Filling::Rule(rule) => {
                    if let Err(message) = rule.evaluate_into(record, scratch) {
                        scratch.clear();
                        problems.push(RowProblem {
                            kind: ProblemKind::Transform,
                            column: Some(column),
                            message,
                        });
                    }
                }
                Filling::SameName(key) => {
                    let keys = keys.get_or_insert_with(|| {
                        record
                            .fields
                            .iter()
                            .map(|(name, _)| field_key(name))
                            .collect()
                    });
                    if let Some(i) = keys.iter().position(|k| k == key) {
                        push_joined(&record.fields[i].1, scratch);
                    }
                }
                Filling::Empty => {}
            }
            each(scratch);
        }
    }

    /// One line per attribute saying how it is filled, for `nebulk map`; `sample` records
    /// tell which field an attribute filled by name picks in an open field set.
    pub fn describe(&self, sample: &[Record]) -> Vec<(String, String)> {
        self.header
            .iter()
            .zip(&self.fillings)
            .map(|(target, filling)| {
                let how = match filling {
                    Filling::Rule(rule) => rule.describe(),
                    Filling::SameName(key) => sample
                        .iter()
                        .flat_map(|r| &r.fields)
                        .find(|(name, _)| field_key(name) == *key)
                        .map_or_else(
                            || {
                                "nothing: no field of the same name in the sample (empty)"
                                    .to_string()
                            },
                            |(name, _)| format!("field `{name}` (same name)"),
                        ),
                    Filling::Empty => "nothing (empty)".to_string(),
                };
                (target.clone(), how)
            })
            .collect()
    }
}

/// Appends `value` to `out` as [`Value::joined`] with `,` gives it.
fn push_joined(value: &Value, out: &mut String) {
    match value {
        Value::Null => {}
        Value::Text(text) => out.push_str(text),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(item);
            }
        }
    }
}

/// The folded name of a field, without a prefix such as `attributes.`.
fn field_key(field: &str) -> String {
    normalize_name(field.rsplit('.').next().unwrap_or(field))
}

fn same_name(fields: &FieldSet, technical_name: &str, header: &str) -> Filling {
    let keys = [normalize_name(technical_name), normalize_name(header)];
    if let Some(field) = fields.known.iter().find(|f| keys.contains(&field_key(f))) {
        return Filling::Rule(Rule::field(field));
    }
    if fields.open_prefix.is_some() {
        return Filling::SameName(keys[0].clone());
    }
    Filling::Empty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_sets;

    fn parse(text: &str) -> Result<Mapping, MapError> {
        Mapping::parse(text, Path::new("."))
    }

    fn record(fields: &[(&'static str, Value)]) -> Record {
        let mut record = Record::new(9);
        for (name, value) in fields {
            record.push(*name, value.clone());
        }
        record
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn malformed_rules_name_their_target() {
        let cases = [
            (
                "[email]\nfield = \"a\"\nvalue = \"b\"\n",
                "mapping for `email`: give exactly one of `field` or `value`",
            ),
            (
                "[email]\n",
                "mapping for `email`: give exactly one of `field` or `value`",
            ),
            (
                "[email]\nfield = \"a\"\ntransforms = [\"shout\"]\n",
                "unknown transform `shout`",
            ),
            (
                "[email]\nfield = \"a\"\ntransforms = [{ date = 5 }]\n",
                "`date` takes a text argument",
            ),
            (
                "[email]\nfield = \"a\"\ntransforms = [{ date = \"%Q\" }]\n",
                "mapping for `email`: `date`: `%Q` is not a chrono strftime layout",
            ),
            (
                "[email]\nfield = \"a\"\ntransforms = [{ date = \"%H:%M\" }]\n",
                "`date`: `%H:%M` does not describe a date",
            ),
            (
                "[email]\nfield = \"a\"\ntransforms = [{ lower = \"x\" }]\n",
                "`lower` takes no argument",
            ),
            (
                "[email]\nfield = \"a\"\ncolour = \"red\"\n",
                "unknown field `colour`",
            ),
            ("[email\n", "not valid TOML"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?} gave {err}");
        }
    }

    #[test]
    fn plan_rejects_unknown_targets_and_fields() {
        let schema = Schema::system();
        let fields = FieldSet::known(&["name", "mail"]);
        let unknown_target = parse("[nickname]\nfield = \"name\"\n").unwrap();
        assert!(matches!(
            MappingPlan::new(&schema, &unknown_target, &fields),
            Err(MapError::UnknownTarget { .. })
        ));
        let unknown_field = parse("[email]\nfield = \"e-mail\"\n").unwrap();
        let err = MappingPlan::new(&schema, &unknown_field, &fields).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mapping for `email` reads field `e-mail`, which this source does not have; it has: name, mail"
        );
    }

    #[test]
    fn targets_match_like_column_names_and_later_rules_win() {
        let base =
            parse("[\"Account Name\"]\nfield = \"name\"\n[email]\nfield = \"mail\"\n").unwrap();
        let over =
            parse("[account_name]\nfield = \"mail\"\ntransforms = [\"email-local\"]\n").unwrap();
        let mapping = base
            .overlaid_with(over)
            .overlaid_with(parse_sets(&["email=x@example.com".into()]).unwrap());
        let plan = MappingPlan::new(
            &Schema::system(),
            &mapping,
            &FieldSet::known(&["name", "mail"]),
        )
        .unwrap();
        let (values, problems) = plan.apply(&record(&[
            ("name", text("Ann Lee")),
            ("mail", text("ann@example.com")),
        ]));
        assert_eq!(values[0], "ann");
        assert_eq!(values[3], "x@example.com");
        assert!(problems.is_empty());
    }

    #[test]
    fn unmapped_attributes_take_the_field_of_the_same_name() {
        let fields = FieldSet::known(&["Phone", "first_name", "notes"]);
        let plan = MappingPlan::new(&Schema::system(), &Mapping::default(), &fields).unwrap();
        let (values, _) = plan.apply(&record(&[
            ("Phone", text("+1 512 555 0100")),
            ("first_name", text("Ann")),
        ]));
        assert_eq!(values[1], "Ann");
        assert_eq!(values[4], "+1 512 555 0100");
        assert_eq!(values[0], "", "nothing matches accountName");

        // Open field sets (workflow sessions) match `attributes.<name>` per record.
        let open = FieldSet::open(&["id", "status"], "attributes.");
        let plan = MappingPlan::new(&Schema::system(), &Mapping::default(), &open).unwrap();
        let session = record(&[
            ("status", text("completed")),
            ("attributes.start_date", text("2026-01-05")),
            ("attributes.email", text("ann@example.com")),
        ]);
        let (values, _) = plan.apply(&session);
        assert_eq!(values[3], "ann@example.com");
        assert_eq!(values[6], "2026-01-05");
    }

    #[test]
    fn failed_transforms_empty_their_value_and_say_why() {
        let mapping = parse("[lastName]\nfield = \"name\"\ntransforms = [\"last-name\"]\n[email]\nfield = \"mail\"\ntransforms = [{ date = \"%Y-%m-%d\" }]\n").unwrap();
        let plan = MappingPlan::new(
            &Schema::system(),
            &mapping,
            &FieldSet::known(&["name", "mail"]),
        )
        .unwrap();
        let (values, problems) = plan.apply(&record(&[
            ("name", text("Cher")),
            ("mail", text("c@example.com")),
        ]));
        assert_eq!(values[2], "");
        assert_eq!(
            problems,
            [
                RowProblem {
                    kind: ProblemKind::Transform,
                    column: Some(2),
                    message: "last-name: 'Cher' has no last name".into()
                },
                RowProblem {
                    kind: ProblemKind::Transform,
                    column: Some(3),
                    message: "date: 'c@example.com' is not a real date in the format %Y-%m-%d"
                        .into()
                },
            ]
        );
    }

    #[test]
    fn lists_join_with_commas_unless_told() {
        let fields = FieldSet::known(&["ids"]);
        let schema = Schema::from_template_csv(
            b"accountName,firstName,lastName,email,phone,manager,startDate,endDate,ids\n",
        )
        .unwrap();
        let ids = record(&[("ids", Value::List(vec!["1".into(), "2".into()]))]);
        let plan = MappingPlan::new(&schema, &Mapping::default(), &fields).unwrap();
        assert_eq!(plan.apply(&ids).0[8], "1,2");
        let joined = parse("[ids]\nfield = \"ids\"\ntransforms = [{ join = \" | \" }]\n").unwrap();
        let plan = MappingPlan::new(&schema, &joined, &fields).unwrap();
        assert_eq!(plan.apply(&ids).0[8], "1 | 2");
    }

    #[test]
    fn retaining_drops_targets_a_schema_lacks() {
        let mapping = parse("[workflows]\nfield = \"x\"\n[email]\nfield = \"y\"\n").unwrap();
        let kept = mapping.retaining(|t| Schema::system().find(t).is_some());
        assert_eq!(kept.targets().collect::<Vec<_>>(), ["email"]);
    }
}
