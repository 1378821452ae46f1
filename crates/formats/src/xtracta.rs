//! Xtracta Get User XML (`--from xtracta-users`): one account per `<user>`.

use anyhow::Result;
use nebulk_map::FieldSet;
use nebulk_read::xtracta;

use crate::format::{Format, OpenContext, Reading, Signature};
use crate::input_file::InputFile;
use crate::structured::open_files;

/// Xtracta Get User XML.
pub(crate) struct XtractaUsers;

impl Format for XtractaUsers {
    fn name(&self) -> &'static str {
        "xtracta-users"
    }

    fn signature(&self) -> Signature {
        Signature::XmlRoot {
            roots: &["user_response"],
            described: "an Xtracta user_response",
        }
    }

    fn default_mapping(&self) -> Option<&'static str> {
        Some(DEFAULT_MAPPING)
    }

    fn open(&self, files: Vec<InputFile>, _context: &OpenContext<'_>) -> Result<Reading> {
        Ok(open_files(
            xtracta::UserReader,
            files,
            FieldSet::known(&xtracta::FIELDS),
        ))
    }
}

/// The built-in mapping.
const DEFAULT_MAPPING: &str = r#"# Xtracta Get User answers: one account per <user>.
# The account name is the local part of the email address, in lower case.
[accountName]
field = "email_address"
transforms = ["email-local", "lower"]

# `name` is split at its last space ("John Doe") or at its comma ("Doe, John").
[firstName]
field = "name"
transforms = ["first-name"]

[lastName]
field = "name"
transforms = ["last-name"]

[email]
field = "email_address"

# The workflows the user is assigned to, into a custom attribute `workflows` if the schema has one.
[workflows]
field = "assigned_workflows"
transforms = [{ join = "," }]

# phone, manager, startDate and endDate are not in an Xtracta answer: give them with --set
# (e.g. --set manager=jane.doe) or in a mapping file of your own.
"#;
