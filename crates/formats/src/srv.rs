//! srv.asmx GetUsersWorkflowRoles answers (`--from srv-workflow-roles`): one answer per user,
//! one file each. An answer does not name its user: a manifest ([`Manifest`], `--manifest`)
//! or the file's name does, and the manifest's other columns become fields.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use nebulk_map::FieldSet;
use nebulk_read::{srv, user_from_file_name, CsvOptions, RowSource};

use crate::format::{Format, OpenContext, Reading, Signature};
use crate::input_file::{is_stdin, InputFile, STDIN};
use crate::side_table::{column, for_each_row};
use crate::structured::{open_records, source_file};
use crate::{open_csv, ReadOptions};

/// srv.asmx GetUsersWorkflowRoles answers.
pub(crate) struct SrvWorkflowRoles;

impl Format for SrvWorkflowRoles {
    fn name(&self) -> &'static str {
        "srv-workflow-roles"
    }

    fn signature(&self) -> Signature {
        Signature::XmlRoot {
            roots: &["response", "Envelope"],
            described: "an srv.asmx response",
        }
    }

    fn default_mapping(&self) -> Option<&'static str> {
        Some(DEFAULT_MAPPING)
    }

    fn check(&self, inputs: &[PathBuf], options: &ReadOptions) -> Result<()> {
        if options.manifest.as_deref().is_some_and(is_stdin) && inputs.iter().any(|p| is_stdin(p)) {
            bail!("`-` (standard input) cannot be both the input and the manifest");
        }
        Ok(())
    }

    /// A file's user is its manifest line's, else its name's; an answer on standard input has
    /// a user only from a manifest line whose file is `-`.
    fn open(&self, files: Vec<InputFile>, context: &OpenContext<'_>) -> Result<Reading> {
        let manifest = match &context.options.manifest {
            Some(path) => Some(Manifest::load(path, context.options.text_options())?),
            None => None,
        };
        let source_files: Vec<_> = files
            .into_iter()
            .map(|file| {
                let (mut source_file, path) = source_file(file);
                let manifest_name = match &path {
                    Some(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
                    None => Some("-".to_string()),
                };
                let entry = manifest
                    .as_ref()
                    .zip(manifest_name)
                    .and_then(|(m, name)| m.entry(&name));
                source_file.user_name = match entry {
                    Some((user, _)) => Some(user.clone()),
                    None => path.as_deref().map(user_from_file_name),
                };
                source_file.extra = entry.map(|(_, extra)| extra.clone()).unwrap_or_default();
                source_file
            })
            .collect();
        let unnamed = source_files.iter().any(|f| f.user_name.is_none());
        let mut fields: Vec<String> = srv::FIELDS.iter().map(|f| f.to_string()).collect();
        fields.extend(manifest.map(|m| m.extra_columns).unwrap_or_default());
        let mut opened = open_records(srv::RoleReader, source_files, FieldSet::known(&fields));
        if unnamed {
            opened.no_account_name = Some(format!(
                "{STDIN}: an srv answer does not name its user, and on standard input there is \
                 no file name to take it from: give --set accountName=NAME, or a --manifest line \
                 whose file is `-`"
            ));
        }
        Ok(opened)
    }
}

/// An srv manifest: the user of each answer file, and other columns as extra fields.
///
/// A CSV with the columns `userName` and `file` (named in any case, with or without spaces);
/// `file` is matched by file name, so a path is fine, and `-` names standard input.
struct Manifest {
    /// File name -> its entry.
    entries: Vec<(String, ManifestEntry)>,
    extra_columns: Vec<String>,
}

/// A user name and the extra fields of one answer file.
type ManifestEntry = (String, Vec<(String, String)>);

impl Manifest {
    fn load(path: &Path, options: CsvOptions) -> Result<Manifest> {
        let name = path.display().to_string();
        let source = open_csv(path, options)?;
        let header = source.header().to_vec();
        let (Some(user), Some(file)) = (column(&header, "userName"), column(&header, "file"))
        else {
            bail!(
                "{name}: a manifest needs the columns userName and file; its header is: {}",
                header.join(",")
            );
        };
        let extra_columns: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != user && *i != file)
            .map(|(_, h)| h.clone())
            .collect();
        let mut entries = Vec::new();
        for_each_row(source, &name, |row| {
            let cell = |i: usize| {
                String::from_utf8_lossy(row.record.get(i).unwrap_or_default())
                    .trim()
                    .to_string()
            };
            let extra = header
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != user && *i != file)
                .map(|(i, h)| (h.clone(), cell(i)))
                .collect();
            let file_name = Path::new(&cell(file))
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            entries.push((file_name, (cell(user), extra)));
        })?;
        Ok(Manifest {
            entries,
            extra_columns,
        })
    }

    /// The entry of the file named `name` (`-` for standard input).
    fn entry(&self, name: &str) -> Option<&ManifestEntry> {
        self.entries
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, entry)| entry)
    }
}

/// The built-in mapping.
const DEFAULT_MAPPING: &str = r#"# srv.asmx GetUsersWorkflowRoles answers: one account per answer (per user).
# The user name comes from the manifest (userName,file) or the answer's file name; other
# manifest columns (firstName, email, ...) are fields too and fill attributes of the same name.
[accountName]
field = "userName"

# The manager is the supervisor of the user's lowest workflow step (SupervisorName). To turn
# display names into account ids, add a lookup:
#   transforms = [{ lookup = { file = "supervisors.csv", key = "name", value = "accountName" } }]
[manager]
field = "manager"

# The names of the flows the user has roles in, into a custom attribute `workflows`.
[workflows]
field = "flows"
transforms = [{ join = "; " }]
"#;
