//! # Brief overview
//!
//! `nebulk-map` turns the records of a structured source (an Xtracta user, a NERM workflow
//! session, a row of a spreadsheet) into rows of a Non-Employee schema.
//!
//! - A [`Mapping`] says, for each target attribute, which source field or constant gives its
//!   value and which [`Transform`]s apply. Mappings are written in TOML; each source kind has a
//!   built-in default (kept with the kind, in `nebulk-formats`) that a user's file overlays and
//!   `--set` overrides ([`Mapping::overlaid_with`]).
//! - A [`MappingPlan`] resolves a mapping against a schema and the fields a source offers:
//!   unknown targets, fields and transforms are fatal errors, found before any row is read.
//! - [`MappedSource`] applies the plan to a stream of records and offers the result to the
//!   validation engine as rows. A value a transform cannot handle rejects its row
//!   (`transform-failed`), like any other finding.
//!
//! # Example
//!
//! ```
//! use nebulk_map::{FieldSet, Mapping, MappingPlan};
//! use nebulk_read::{Record, Value};
//! use nebulk_schema::Schema;
//!
//! let schema = Schema::system();
//! let toml = r#"
//! [accountName]
//! field = "email_address"
//! transforms = ["email-local", "lower"]
//! [firstName]
//! field = "name"
//! transforms = ["first-name"]
//! [lastName]
//! field = "name"
//! transforms = ["last-name"]
//! [email]
//! field = "email_address"
//! "#;
//! let mapping = Mapping::parse(toml, std::path::Path::new(".")).unwrap();
//! let fields = FieldSet::known(&nebulk_read::xtracta::FIELDS);
//! let plan = MappingPlan::new(&schema, &mapping, &fields).unwrap();
//! let mut user = Record::new(4);
//! user.push("name", Value::Text("John Doe".into()));
//! user.push("email_address", Value::Text("John.Doe@xtracta.com".into()));
//! let (values, problems) = plan.apply(&user);
//! assert_eq!(&values[..4], ["john.doe", "John", "Doe", "John.Doe@xtracta.com"]);
//! assert!(problems.is_empty());
//! ```
#![deny(missing_docs)]

mod mapping;
mod source;
mod status;
mod toml_error;
mod transform;

pub use mapping::{FieldSet, Mapping, MappingPlan, Origin, Rule};
pub use source::{MappedSource, SourceCounts};
pub use status::{NoStatusMatch, StatusTally};
pub use toml_error::TomlError;
pub use transform::{Lookup, Transform};

/// A mapping that cannot be used. Fatal: found before any row is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MapError {
    /// The mapping file is not valid TOML: where and why, on one line.
    #[error("{0}")]
    Toml(TomlError),
    /// A rule is malformed (both or neither of field/value, an unknown transform...).
    #[error("mapping for `{target}`: {message}")]
    Rule {
        /// The target attribute.
        target: String,
        /// What is wrong.
        message: String,
    },
    /// A rule targets an attribute the schema does not have.
    #[error("mapping target `{target}` is not an attribute of the schema ({schema})")]
    UnknownTarget {
        /// The target.
        target: String,
        /// The schema's attributes, comma separated.
        schema: String,
    },
    /// A rule reads a field the source does not offer.
    #[error("mapping for `{target}` reads field `{field}`, which this source does not have; it has: {available}")]
    UnknownField {
        /// The target.
        target: String,
        /// The field named.
        field: String,
        /// The fields there are.
        available: String,
    },
    /// A lookup table cannot be loaded.
    #[error("lookup table {file}: {message}")]
    Lookup {
        /// The table's file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A `--set` argument is not `attribute=value`.
    #[error("`{0}` is not of the form attribute=value")]
    BadSet(String),
}

/// Parses `--set attribute=value` arguments into a mapping of constants.
///
/// ```
/// let mapping = nebulk_map::parse_sets(&["manager=jane.doe".to_string()]).unwrap();
/// assert_eq!(mapping.targets().collect::<Vec<_>>(), ["manager"]);
/// assert!(nebulk_map::parse_sets(&["manager".to_string()]).is_err());
/// ```
pub fn parse_sets(sets: &[String]) -> Result<Mapping, MapError> {
    let mut mapping = Mapping::default();
    for set in sets {
        match set.split_once('=') {
            Some((target, value)) if !target.trim().is_empty() => {
                mapping.insert(target.trim(), Rule::constant(value));
            }
            _ => return Err(MapError::BadSet(set.clone())),
        }
    }
    Ok(mapping)
}
