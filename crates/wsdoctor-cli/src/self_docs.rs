//! Shell completions and man pages, generated from the command line's own definition so they always
//! match it. `wsdoctor completions SHELL` prints a completion script (for a user who installed with
//! cargo); the package build calls `wsdoctor man-pages DIR` (hidden) for `wsdoctor.1` and one page per
//! subcommand (`wsdoctor-check.1`, ...).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Command;
use clap_complete::Shell;
use wsdoctor_core::atomic_file::write_atomically;
use wsdoctor_core::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Install it, e.g.:
    /// bash: `wsdoctor completions bash > ~/.local/share/bash-completion/completions/wsdoctor`;
    /// zsh: `wsdoctor completions zsh > ~/.zfunc/_wsdoctor`;
    /// fish: `wsdoctor completions fish > ~/.config/fish/completions/wsdoctor.fish`.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManPagesArgs {
    /// The folder to write the pages into (created if missing).
    dir: PathBuf,
}

pub fn completions(args: &CompletionsArgs, mut command: Command) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "wsdoctor", &mut script);
    use std::io::Write;
    std::io::stdout()
        .write_all(&script)
        .map_err(|e| io_error("writing the completion script", e))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `NAME.1` for `command` and each visible subcommand (`wsdoctor-check.1`, ...).
pub fn man_pages(args: &ManPagesArgs, command: Command) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| io_error(format!("creating {}", args.dir.display()), e))?;
    let command = command.version(env!("CARGO_PKG_VERSION"));
    write_page(&args.dir, command.clone())?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("wsdoctor-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name)
            .bin_name(format!("wsdoctor {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        write_page(&args.dir, sub)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_page(dir: &Path, command: Command) -> Result<()> {
    let path = dir.join(format!("{}.1", command.get_name()));
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| io_error(format!("rendering {}", path.display()), e))?;
    write_atomically(&path, &page)
}

fn io_error(context: impl Into<String>, source: std::io::Error) -> Error {
    Error::Io {
        context: context.into(),
        source,
    }
}
