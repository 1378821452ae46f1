//! # Brief overview
//!
//! `nebulk-schema` models the schema of an Identity Security Cloud Non-Employee source: the
//! 8 system attributes every source has, followed by at most 10 custom TEXT attributes.
//!
//! A schema comes from one of three places:
//! - [`Schema::system`]: the 8 system attributes alone;
//! - a schema template CSV, the header row downloaded from a source
//!   ([`Schema::from_template_csv`]);
//! - the `schema-attributes` JSON array of `NonEmployeeSchemaAttribute` objects
//!   ([`Schema::from_json`]).
//!
//! [`Schema::from_bytes`] picks between the last two by content, not by file extension.
//!
//! Column headers are matched with [`normalize_name`]: case, spaces, `_` and `-` do not matter,
//! and both technical names (`accountName`) and labels (`Account Name`) are recognised.
//!
//! # Example
//!
//! ```
//! use nebulk_schema::{AttrType, Schema};
//!
//! let template = b"Account Name,First Name,Last Name,Email,Phone,Manager,Start Date,End Date,Cost Center\n";
//! let schema = Schema::from_bytes(template).unwrap();
//! assert_eq!(schema.len(), 9);
//! assert_eq!(schema.custom_count(), 1);
//! let email = schema.find("e-mail").unwrap();
//! assert_eq!(schema.attributes()[email].kind, AttrType::Email);
//! assert_eq!(schema.attributes()[8].header, "Cost Center");
//! ```
#![deny(missing_docs)]

use std::collections::HashMap;
use std::fmt;

use nebulk_read::{CsvOptions, CsvSource, ReadError, RowSource};
use serde::Deserialize;

/// The most custom attributes a Non-Employee source may have.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 10;

/// The type of a schema attribute, as in `NonEmployeeSchemaAttribute.type`.
///
/// ```
/// use nebulk_schema::AttrType;
/// assert_eq!(AttrType::parse("PHONE"), Some(AttrType::Phone));
/// assert_eq!(AttrType::Phone.as_str(), "PHONE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// Free text.
    Text,
    /// A date or date-time.
    Date,
    /// The account id of an existing identity (the manager).
    Identity,
    /// A phone number.
    Phone,
    /// An email address.
    Email,
}

impl AttrType {
    /// Parses the API spelling (`TEXT`, `DATE`, `IDENTITY`, `PHONE`, `EMAIL`), ignoring case.
    ///
    /// ```
    /// assert_eq!(nebulk_schema::AttrType::parse("date"), Some(nebulk_schema::AttrType::Date));
    /// assert_eq!(nebulk_schema::AttrType::parse("NUMBER"), None);
    /// ```
    pub fn parse(s: &str) -> Option<AttrType> {
        match s.trim().to_ascii_uppercase().as_str() {
            "TEXT" => Some(AttrType::Text),
            "DATE" => Some(AttrType::Date),
            "IDENTITY" => Some(AttrType::Identity),
            "PHONE" => Some(AttrType::Phone),
            "EMAIL" => Some(AttrType::Email),
            _ => None,
        }
    }

    /// The API spelling of the type.
    ///
    /// ```
    /// assert_eq!(nebulk_schema::AttrType::Identity.as_str(), "IDENTITY");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::Text => "TEXT",
            AttrType::Date => "DATE",
            AttrType::Identity => "IDENTITY",
            AttrType::Phone => "PHONE",
            AttrType::Email => "EMAIL",
        }
    }
}

/// One of the 8 system attributes every Non-Employee source has.
///
/// ```
/// use nebulk_schema::SystemAttr;
/// assert_eq!(SystemAttr::ALL.len(), 8);
/// assert_eq!(SystemAttr::StartDate.technical_name(), "startDate");
/// assert_eq!(SystemAttr::StartDate.label(), "Start Date");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemAttr {
    /// `accountName`, unique per source.
    AccountName,
    /// `firstName`.
    FirstName,
    /// `lastName`.
    LastName,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `manager`, the account id of an existing identity.
    Manager,
    /// `startDate`.
    StartDate,
    /// `endDate`, not before `startDate`.
    EndDate,
}

impl SystemAttr {
    /// The 8 system attributes in the order ISC lists them.
    pub const ALL: [SystemAttr; 8] = [
        SystemAttr::AccountName,
        SystemAttr::FirstName,
        SystemAttr::LastName,
        SystemAttr::Email,
        SystemAttr::Phone,
        SystemAttr::Manager,
        SystemAttr::StartDate,
        SystemAttr::EndDate,
    ];

    /// The technical name, e.g. `accountName`.
    pub fn technical_name(self) -> &'static str {
        match self {
            SystemAttr::AccountName => "accountName",
            SystemAttr::FirstName => "firstName",
            SystemAttr::LastName => "lastName",
            SystemAttr::Email => "email",
            SystemAttr::Phone => "phone",
            SystemAttr::Manager => "manager",
            SystemAttr::StartDate => "startDate",
            SystemAttr::EndDate => "endDate",
        }
    }

    /// The label shown in the ISC user interface, e.g. `Account Name`.
    pub fn label(self) -> &'static str {
        match self {
            SystemAttr::AccountName => "Account Name",
            SystemAttr::FirstName => "First Name",
            SystemAttr::LastName => "Last Name",
            SystemAttr::Email => "Email",
            SystemAttr::Phone => "Phone",
            SystemAttr::Manager => "Manager",
            SystemAttr::StartDate => "Start Date",
            SystemAttr::EndDate => "End Date",
        }
    }

    /// The attribute type.
    pub fn kind(self) -> AttrType {
        match self {
            SystemAttr::AccountName | SystemAttr::FirstName | SystemAttr::LastName => {
                AttrType::Text
            }
            SystemAttr::Email => AttrType::Email,
            SystemAttr::Phone => AttrType::Phone,
            SystemAttr::Manager => AttrType::Identity,
            SystemAttr::StartDate | SystemAttr::EndDate => AttrType::Date,
        }
    }

    /// Recognises a header cell or technical name as a system attribute.
    ///
    /// ```
    /// use nebulk_schema::SystemAttr;
    /// assert_eq!(SystemAttr::recognise(" ACCOUNT_NAME "), Some(SystemAttr::AccountName));
    /// assert_eq!(SystemAttr::recognise("End-Date"), Some(SystemAttr::EndDate));
    /// assert_eq!(SystemAttr::recognise("Department"), None);
    /// ```
    pub fn recognise(name: &str) -> Option<SystemAttr> {
        let key = normalize_name(name);
        SystemAttr::ALL
            .into_iter()
            .find(|attr| normalize_name(attr.technical_name()) == key)
    }
}

/// Folds a column name for matching: lower case, without spaces, `_` or `-`.
///
/// `accountName`, `Account Name`, `ACCOUNT_NAME` and `account-name` all fold to `accountname`.
///
/// ```
/// assert_eq!(nebulk_schema::normalize_name(" Account_Name-"), "accountname");
/// ```
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| !(c.is_whitespace() || *c == '_' || *c == '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One attribute of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The technical name (`accountName`, or a custom attribute's name).
    pub technical_name: String,
    /// How the schema spells the column header; the upload file is headed this way.
    pub header: String,
    /// The label shown in ISC (for a template's custom column, the header itself).
    pub label: String,
    /// The attribute type.
    pub kind: AttrType,
    /// Whether a value is required: true for system attributes unless a schema-attributes JSON
    /// says `"required": false`; false for a template's custom attributes.
    pub required: bool,
    /// The system attribute this is, or `None` for a custom attribute.
    pub system: Option<SystemAttr>,
}

impl Attribute {
    fn system(attr: SystemAttr, header: String) -> Attribute {
        Attribute {
            technical_name: attr.technical_name().to_string(),
            header,
            label: attr.label().to_string(),
            kind: attr.kind(),
            required: true,
            system: Some(attr),
        }
    }
}

/// What is wrong with a schema. Every variant is fatal for a run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema has no header row or no attributes at all.
    #[error("the schema is empty: expected a template header row or a JSON array of attributes")]
    Empty,
    /// A system attribute is missing.
    #[error("the schema has no `{}` ({}) attribute; every Non-Employee source has the 8 system attributes", .0.technical_name(), .0.label())]
    MissingSystem(SystemAttr),
    /// More than [`MAX_CUSTOM_ATTRIBUTES`] custom attributes.
    #[error("the schema has {count} custom attributes ({names}); a Non-Employee source allows at most {MAX_CUSTOM_ATTRIBUTES}")]
    TooManyCustom {
        /// How many custom attributes the schema has.
        count: usize,
        /// Their names, comma separated (the first 20, then how many more).
        names: String,
    },
    /// Two attributes fold to the same name.
    #[error("the schema names `{first}` and `{second}` are the same attribute (names are compared ignoring case, spaces, `_` and `-`)")]
    Duplicate {
        /// The first spelling.
        first: String,
        /// The second spelling.
        second: String,
    },
    /// An attribute has an empty name.
    #[error("attribute {position} of the schema has an empty name")]
    EmptyName {
        /// 1-based position in the template or JSON array.
        position: usize,
    },
    /// The template CSV could not be read.
    #[error("the schema template is not readable CSV: {0}")]
    Csv(String),
    /// The JSON could not be read.
    #[error(
        "the schema JSON is not a valid attribute array at line {line}, column {column}: {message}"
    )]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// An attribute type is not one ISC knows.
    #[error("attribute `{name}` has type `{kind}`; expected TEXT, DATE, IDENTITY, PHONE or EMAIL")]
    UnknownType {
        /// The attribute.
        name: String,
        /// The type as written.
        kind: String,
    },
}

/// The ordered attributes of a Non-Employee source: the columns of its upload file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    attributes: Vec<Attribute>,
    /// Folded names and the attribute each one selects.
    aliases: Vec<(String, usize)>,
}

/// One element of the `schema-attributes` JSON array.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonAttribute {
    technical_name: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    system: Option<bool>,
}

impl Schema {
    /// The 8 system attributes alone, headed by their technical names.
    ///
    /// ```
    /// let schema = nebulk_schema::Schema::system();
    /// assert_eq!(schema.headers().collect::<Vec<_>>()[0], "accountName");
    /// assert_eq!(schema.custom_count(), 0);
    /// ```
    pub fn system() -> Schema {
        let attributes: Vec<Attribute> = SystemAttr::ALL
            .into_iter()
            .map(|attr| Attribute::system(attr, attr.technical_name().to_string()))
            .collect();
        let aliases = aliases(&attributes);
        Schema {
            attributes,
            aliases,
        }
    }

    /// Reads a schema template or a schema-attributes JSON array, chosen by content: a document
    /// whose first non-blank character (after an optional BOM) is `[` is JSON, anything else is a
    /// template CSV.
    ///
    /// ```
    /// let json = br#"[{"technicalName":"accountName","type":"TEXT","system":true}]"#;
    /// // Seven system attributes are missing, so this is an error naming the first one.
    /// let err = nebulk_schema::Schema::from_bytes(json).unwrap_err();
    /// assert!(err.to_string().contains("firstName"));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Schema, SchemaError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Schema::from_json(bytes),
            Some(_) => Schema::from_template_csv(bytes),
            None => Err(SchemaError::Empty),
        }
    }

    /// Reads a schema template: the first row of a CSV (any of `,` `;` tab `|` as delimiter).
    /// System attributes are recognised by technical name or label; every other cell is a
    /// custom TEXT attribute that is not required. Empty cells (the trailing `,,` a spreadsheet
    /// may add) are left out.
    ///
    /// ```
    /// let t = b"accountName;firstName;lastName;email;phone;manager;startDate;endDate;Badge\n";
    /// let schema = nebulk_schema::Schema::from_template_csv(t).unwrap();
    /// assert_eq!(schema.attributes()[8].technical_name, "Badge");
    /// ```
    pub fn from_template_csv(bytes: &[u8]) -> Result<Schema, SchemaError> {
        let source = CsvSource::new(bytes, CsvOptions::default()).map_err(|e| match e {
            ReadError::NoHeader => SchemaError::Empty,
            other => SchemaError::Csv(other.to_string()),
        })?;
        let record = source.header();
        let mut attributes = Vec::with_capacity(record.len());
        // An empty cell names no attribute: a spreadsheet saving the template may add some.
        for header in record.iter().filter(|cell| !cell.is_empty()) {
            attributes.push(match SystemAttr::recognise(header) {
                Some(attr) => Attribute::system(attr, header.to_string()),
                None => Attribute {
                    technical_name: header.to_string(),
                    header: header.to_string(),
                    label: header.to_string(),
                    kind: AttrType::Text,
                    required: false,
                    system: None,
                },
            });
        }
        Schema::build(attributes)
    }

    /// Reads the `schema-attributes` JSON array (`NonEmployeeSchemaAttribute` objects). The upload
    /// file is headed by technical names; `required` is honoured (a system attribute without
    /// it is required).
    ///
    /// ```
    /// let names = ["accountName","firstName","lastName","email","phone","manager","startDate","endDate"];
    /// let mut items: Vec<String> = names.iter()
    ///     .map(|n| format!(r#"{{"technicalName":"{n}","type":"TEXT","system":true,"required":true}}"#))
    ///     .collect();
    /// items.push(r#"{"technicalName":"badge","label":"Badge","type":"TEXT","required":true}"#.into());
    /// let json = format!("[{}]", items.join(","));
    /// let schema = nebulk_schema::Schema::from_json(json.as_bytes()).unwrap();
    /// assert!(schema.attributes()[8].required);
    /// assert_eq!(schema.find("Badge"), Some(8));
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Schema, SchemaError> {
        let items: Vec<JsonAttribute> =
            serde_json::from_slice(bytes).map_err(|e| SchemaError::Json {
                line: e.line(),
                column: e.column(),
                message: json_message(&e),
            })?;
        let mut attributes = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let name = item.technical_name.trim().to_string();
            if name.is_empty() {
                return Err(SchemaError::EmptyName { position: i + 1 });
            }
            let declared = match item.kind.as_deref() {
                None => None,
                Some(k) => Some(AttrType::parse(k).ok_or_else(|| SchemaError::UnknownType {
                    name: name.clone(),
                    kind: k.to_string(),
                })?),
            };
            let system = SystemAttr::recognise(&name).filter(|_| item.system != Some(false));
            attributes.push(match system {
                // The tenant's own schema may make a system attribute optional (often phone).
                Some(attr) => Attribute {
                    required: item.required.unwrap_or(true),
                    ..Attribute::system(attr, name)
                },
                None => Attribute {
                    header: name.clone(),
                    label: item.label.unwrap_or_else(|| name.clone()),
                    technical_name: name,
                    kind: declared.unwrap_or(AttrType::Text),
                    required: item.required.unwrap_or(false),
                    system: None,
                },
            });
        }
        Schema::build(attributes)
    }

    fn build(attributes: Vec<Attribute>) -> Result<Schema, SchemaError> {
        if attributes.is_empty() {
            return Err(SchemaError::Empty);
        }
        let keys: Vec<String> = attributes
            .iter()
            .map(|a| normalize_name(&a.technical_name))
            .collect();
        // The first attribute of each name, found through a map: a hostile template of 100,000
        // columns compared pairwise took a minute.
        let mut first_of: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            if let Some(&j) = first_of.get(key.as_str()) {
                return Err(SchemaError::Duplicate {
                    first: attributes[j].header.clone(),
                    second: attributes[i].header.clone(),
                });
            }
            first_of.insert(key, i);
        }
        for attr in SystemAttr::ALL {
            if !attributes.iter().any(|a| a.system == Some(attr)) {
                return Err(SchemaError::MissingSystem(attr));
            }
        }
        let custom: Vec<&str> = attributes
            .iter()
            .filter(|a| a.system.is_none())
            .map(|a| a.header.as_str())
            .collect();
        if custom.len() > MAX_CUSTOM_ATTRIBUTES {
            // Named in full unless there are very many of them.
            const NAMED: usize = 20;
            let mut names = custom[..custom.len().min(NAMED)].join(", ");
            if custom.len() > NAMED {
                names.push_str(&format!(", … {} more", custom.len() - NAMED));
            }
            return Err(SchemaError::TooManyCustom {
                count: custom.len(),
                names,
            });
        }
        let aliases = aliases(&attributes);
        Ok(Schema {
            attributes,
            aliases,
        })
    }

    /// The attributes in schema order.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// The number of attributes.
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// Always false: a schema has at least the 8 system attributes.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The number of custom attributes.
    pub fn custom_count(&self) -> usize {
        self.attributes
            .iter()
            .filter(|a| a.system.is_none())
            .count()
    }

    /// The upload file's header cells, in schema order.
    pub fn headers(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(|a| a.header.as_str())
    }

    /// The index of the attribute a column header names, matching technical names, labels and
    /// the template's own spelling with [`normalize_name`].
    ///
    /// ```
    /// let schema = nebulk_schema::Schema::system();
    /// assert_eq!(schema.find("Start Date"), Some(6));
    /// assert_eq!(schema.find("Nickname"), None);
    /// ```
    pub fn find(&self, header: &str) -> Option<usize> {
        let key = normalize_name(header);
        self.aliases
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, i)| *i)
    }

    /// The index of a system attribute.
    ///
    /// ```
    /// use nebulk_schema::{Schema, SystemAttr};
    /// assert_eq!(Schema::system().index_of(SystemAttr::Email), Some(3));
    /// ```
    pub fn index_of(&self, attr: SystemAttr) -> Option<usize> {
        self.attributes.iter().position(|a| a.system == Some(attr))
    }
}

/// serde_json's message without its trailing "at line L column C", which the error shows itself.
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Every folded name an attribute answers to (technical name, header, label), with its index.
fn aliases(attributes: &[Attribute]) -> Vec<(String, usize)> {
    let mut aliases = Vec::with_capacity(attributes.len() * 3);
    for (i, attr) in attributes.iter().enumerate() {
        for name in [&attr.technical_name, &attr.header, &attr.label] {
            let key = normalize_name(name);
            if !aliases.iter().any(|(k, _)| *k == key) {
                aliases.push((key, i));
            }
        }
    }
    aliases
}

impl fmt::Display for Schema {
    /// The header cells joined with commas.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.headers().collect();
        f.write_str(&headers.join(","))
    }
}

#[cfg(test)]
mod tests;
