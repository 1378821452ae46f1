//! SailPoint NERM workflow-session pages (`--from nerm-workflow-sessions`): one account per
//! session; every key of a session's `attributes` is a field `attributes.<key>`.

use anyhow::Result;
use nebulk_map::FieldSet;
use nebulk_read::nerm;

use crate::format::{Format, OpenContext, Reading, Signature};
use crate::input_file::InputFile;
use crate::structured::open_files;

/// SailPoint NERM workflow-session pages.
pub(crate) struct NermWorkflowSessions;

impl Format for NermWorkflowSessions {
    fn name(&self) -> &'static str {
        "nerm-workflow-sessions"
    }

    fn signature(&self) -> Signature {
        Signature::JsonArray("workflow_sessions")
    }

    fn default_mapping(&self) -> Option<&'static str> {
        Some(DEFAULT_MAPPING)
    }

    fn open(&self, files: Vec<InputFile>, _context: &OpenContext<'_>) -> Result<Reading> {
        Ok(open_files(
            nerm::SessionReader,
            files,
            FieldSet::open(&nerm::SESSION_FIELDS, "attributes."),
        ))
    }
}

/// The built-in mapping.
const DEFAULT_MAPPING: &str = r#"# SailPoint NERM workflow sessions: one account per session (filter with --status completed).
# Every key of a session's `attributes` is a field `attributes.<key>`; an attribute of the
# schema takes the field of the same name (attributes.first_name fills firstName,
# attributes.start_date fills startDate, ...). Add rules here for the others, e.g.:
# [accountName]
# field = "attributes.email"
# transforms = ["email-local", "lower"]
"#;
