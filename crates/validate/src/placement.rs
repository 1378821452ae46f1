//! Where a valid row goes in the tenant ([`Placement`]), what the exports say of its account
//! ([`Known`]), and what a row changes there ([`Change`]).
//!
//! The worker threads look a row's account up in the exports and compare its values
//! ([`crate::Tenant::match_row`], giving a [`Known`]); the ordered stage
//! ([`crate::Ledger::admit`]) turns that into a [`Placement`], which the [`crate::Sink`] follows.

/// One attribute a row changes in an existing account.
///
/// ```
/// let change = nebulk_validate::Change { attribute: 3, old: "ann@old.example", new: "ann@example.com" };
/// assert_eq!(change.attribute, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change<'a> {
    /// The attribute's index in the schema.
    pub attribute: usize,
    /// The value in the export, trimmed.
    pub old: &'a str,
    /// The value to upload.
    pub new: &'a str,
}

/// The export record holding a row's account ([`Known::record`]), with what the ordered stage
/// needs of it, copied on the worker threads so that it reads no record of the exports itself.
///
/// ```
/// let held = nebulk_validate::Held { index: 0, source: 2, also_in: None };
/// assert_eq!(held.source, 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// The index of the record among the exports' ([`crate::Tenant`]).
    pub index: u32,
    /// The source whose export holds it, in the order of [`crate::Tenant::sources`].
    pub source: u16,
    /// A second source whose export holds the account too, if any.
    pub also_in: Option<u16>,
}

/// What the exports say of a row's account, worked out on the worker threads: the export
/// record holding it, if any, and for a valid row that changes it, the row's values.
///
/// ```
/// let known = nebulk_validate::Known::default();
/// assert!(known.record.is_none() && known.changed.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The account's record among the exports' ([`crate::Tenant`]), when one of them holds
    /// it.
    pub record: Option<Held>,
    /// For a valid row that changes some attribute of that account: its values to upload, in
    /// schema order, encoded for [`crate::Tenant::changes`] (empty when the tenant keeps no
    /// values: [`crate::Tenant::keeping_changed_values`]).
    pub changed: Option<Box<[u8]>>,
}

/// Where a valid row goes.
///
/// ```
/// use nebulk_validate::Placement;
/// assert_eq!(Placement::Upload { source: 0 }.source(), Some(0));
/// assert_eq!(Placement::Overflow.source(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Into the upload file of source `source` (an index into [`crate::Tenant::sources`]): a
    /// new account, an update, or an unchanged account when unchanged rows are uploaded.
    Upload {
        /// The source.
        source: usize,
    },
    /// An existing account of source `source` that the row leaves as it is, set aside
    /// (`--skip-unchanged`) rather than uploaded.
    Unchanged {
        /// The source.
        source: usize,
    },
    /// A new account for which no source has room.
    Overflow,
}

impl Placement {
    /// The source the row goes to, if any.
    pub fn source(&self) -> Option<usize> {
        match *self {
            Placement::Upload { source } | Placement::Unchanged { source } => Some(source),
            Placement::Overflow => None,
        }
    }
}

/// How new accounts are spread over the sources with room.
///
/// ```
/// assert_eq!(nebulk_validate::Fill::default(), nebulk_validate::Fill::InOrder);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fill {
    /// Each source is filled up to the limit before the next, in the order given.
    #[default]
    InOrder,
    /// Each new account goes to the source holding the fewest accounts (the first of them on
    /// a tie), so that the sources fill evenly.
    Balanced,
}
