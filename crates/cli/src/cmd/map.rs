//! `nebulk map`: shows what a source offers and how it maps onto the schema.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use nebulk_formats::Content;
use nebulk_map::{FieldSet, MappingPlan};
use nebulk_read::{Record, RowRecords, Value};
use nebulk_sheet::DateTimes;

use crate::input::SourceArgs;
use crate::options::load_schema;
use crate::summary::printable;
use crate::Outcome;

/// How many records are looked at for field names and examples.
const SAMPLE: usize = 100;

/// Show the fields a source offers, how they fill the schema, and the default mapping.
///
/// Prints to standard output, as TOML: comments listing the source's fields with an example
/// value each and how every attribute of the schema is filled, then the kind's default mapping.
/// Save it as a starting point for `--map`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:
  nebulk map users.xml
  nebulk map --from nerm-workflow-sessions sessions.json --schema template.csv > map.toml
  nebulk map contractors.xlsx --sheet Staff --schema template.csv
  gunzip -c sessions.json.gz | nebulk map -")]
pub struct Args {
    #[command(flatten)]
    source: SourceArgs,

    /// The source's schema (template CSV or schema-attributes JSON); the 8 system attributes
    /// when left out.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
}

/// Runs `map`.
pub fn run(args: Args) -> Result<Outcome> {
    let schema = load_schema(args.schema.as_deref(), args.source.encoding)?;
    let input = args.source.open(&schema, DateTimes::Utc)?;
    let name = input.description.name.clone();
    let kind = input.description.kind;
    let (records, fields) = match input.content {
        Content::Table(table) => {
            let mut records = RowRecords::new(table);
            let fields = FieldSet::known(records.fields());
            let batch = nebulk_read::RecordStream::next_batch(&mut records)
                .with_context(|| name.clone())?;
            (batch, fields)
        }
        Content::Records { mut stream, fields } => {
            let mut batch = Vec::new();
            while batch.len() < SAMPLE {
                let more = stream.next_batch().with_context(|| name.clone())?;
                if more.is_empty() {
                    break;
                }
                batch.extend(more);
            }
            (batch, fields)
        }
    };
    let records: Vec<Record> = records.into_iter().take(SAMPLE).map(|s| s.record).collect();
    let mapping = args.source.mapping(kind, &schema, DateTimes::Utc)?;
    let plan = MappingPlan::new(&schema, &mapping, &fields).with_context(|| name.clone())?;

    let mut out = String::new();
    let _ = writeln!(out, "# nebulk map: {} ({})\n#", kind, name);
    let _ = writeln!(
        out,
        "# Fields the source offers, with an example from the first {SAMPLE} records:"
    );
    // Names and values come from the input: one line each, nothing a terminal acts on.
    for (field, example) in field_examples(&fields, &records) {
        let (field, example) = (printable(&field), printable(&example));
        let _ = writeln!(out, "#   {field:<28} {example}");
    }
    let _ = writeln!(out, "#\n# How each attribute of the schema is filled:");
    for (target, how) in plan.describe(&records) {
        let (target, how) = (printable(&target), printable(&how));
        let _ = writeln!(out, "#   {target:<16} <- {how}");
    }
    let _ = writeln!(out, "#");
    match kind.default_mapping() {
        Some(default) => {
            let _ = writeln!(
                out,
                "# The default mapping of {}, a starting point for --map:\n",
                kind
            );
            out.push_str(default);
        }
        None => {
            let _ = writeln!(
                out,
                "# {} columns are matched to attributes by name; add rules for the others, e.g.:\n#\n# [accountName]\n# field = \"Login\"\n# transforms = [\"trim\", \"lower\"]",
                kind
            );
        }
    }
    // Not `print!`, which panics when standard output is closed (`nebulk map x | head -3`):
    // the error goes up, and a broken pipe ends the run quietly.
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing to standard output")?;
    Ok(Outcome::AllValid)
}

/// Every field (the known ones, then others seen in the records) with its first non-empty
/// value, shortened.
fn field_examples(fields: &FieldSet, records: &[Record]) -> Vec<(String, String)> {
    let mut names: Vec<String> = fields.known_fields().to_vec();
    for record in records {
        for (name, _) in &record.fields {
            if !names.iter().any(|known| known == name) {
                names.push(name.to_string());
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let example = records
                .iter()
                .filter_map(|r| r.get(&name))
                .map(|v| match v {
                    Value::List(items) => format!("[{}]", items.join(", ")),
                    other => other.joined(","),
                })
                .find(|v| !v.trim().is_empty() && v != "[]")
                .map(|v| shorten(&v))
                .unwrap_or_else(|| "(empty)".into());
            (name, example)
        })
        .collect()
}

fn shorten(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(50) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}
