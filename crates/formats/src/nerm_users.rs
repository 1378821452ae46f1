//! SailPoint NERM users pages (`--from nerm-users`): one account per user.

use anyhow::Result;
use nebulk_map::FieldSet;
use nebulk_read::nerm;

use crate::format::{Format, OpenContext, Reading, Signature};
use crate::input_file::InputFile;
use crate::structured::open_files;

/// SailPoint NERM users pages.
pub(crate) struct NermUsers;

impl Format for NermUsers {
    fn name(&self) -> &'static str {
        "nerm-users"
    }

    fn signature(&self) -> Signature {
        Signature::JsonArray("users")
    }

    fn default_mapping(&self) -> Option<&'static str> {
        Some(DEFAULT_MAPPING)
    }

    fn open(&self, files: Vec<InputFile>, _context: &OpenContext<'_>) -> Result<Reading> {
        Ok(open_files(
            nerm::UserReader,
            files,
            FieldSet::known(&nerm::USER_FIELDS),
        ))
    }
}

/// The built-in mapping.
const DEFAULT_MAPPING: &str = r#"# SailPoint NERM users pages: one account per user (filter with --status Active).
[accountName]
field = "login"

[firstName]
field = "name"
transforms = ["first-name"]

[lastName]
field = "name"
transforms = ["last-name"]

[email]
field = "email"
"#;
