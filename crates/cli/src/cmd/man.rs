//! `nebulk man [SUBCOMMAND]`: the man page of nebulk, or of one subcommand, in roff from the
//! command-line definitions (clap_mangen), on standard output.

use anyhow::{bail, Context, Result};
use clap::CommandFactory;

use crate::Outcome;

/// Prints a man page: nebulk's (`nebulk man > nebulk.1`), or a subcommand's
/// (`nebulk man convert > nebulk-convert.1`). Read one with `man ./nebulk.1`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subcommand whose page to print (validate, convert, map, gen, completions, man).
    subcommand: Option<String>,
}

pub fn run(args: Args) -> Result<Outcome> {
    let nebulk = crate::Cli::command();
    let (command, title) = match &args.subcommand {
        None => (nebulk, "nebulk".to_string()),
        Some(name) => match nebulk.find_subcommand(name) {
            // The page of `nebulk convert` is titled nebulk-convert.
            Some(sub) => (
                sub.clone()
                    .bin_name(format!("nebulk {name}"))
                    .display_name(format!("nebulk-{name}")),
                format!("nebulk-{name}"),
            ),
            None => {
                let names: Vec<&str> = nebulk.get_subcommands().map(|s| s.get_name()).collect();
                bail!(
                    "no subcommand `{name}`; the subcommands are {}",
                    names.join(", ")
                )
            }
        },
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .title(title)
        .render(&mut page)
        .context("cannot render the man page")?;
    crate::stdout::print(&page)?;
    Ok(Outcome::AllValid)
}
