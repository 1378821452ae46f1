//! `nebulk completions SHELL`: the shell's completion script for nebulk, from the command-line
//! definitions (clap_complete), on standard output.

use anyhow::Result;
use clap::CommandFactory;

use crate::Outcome;

/// Prints the completion script of a shell for nebulk's subcommands and options.
///
/// Bash: `nebulk completions bash > ~/.local/share/bash-completion/completions/nebulk`.
/// Zsh: `nebulk completions zsh > ~/.zfunc/_nebulk` (with `~/.zfunc` in `fpath`).
/// Fish: `nebulk completions fish > ~/.config/fish/completions/nebulk.fish`.
/// PowerShell: `nebulk completions powershell >> $PROFILE`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut crate::Cli::command(),
        "nebulk",
        &mut script,
    );
    crate::stdout::print(&script)?;
    Ok(Outcome::AllValid)
}
