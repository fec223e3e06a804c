//! `wsdoctor`: the WS Doctor engine without a window, for servers, CI and scripts.
//!
//! This binary only parses arguments and prints; everything it reports comes from `wsdoctor-core`, so the
//! CLI and the desktop app always agree.

mod check_command;
mod connect_command;
mod lab_command;
mod logging;
mod output;
mod profiles_command;
mod self_docs;
mod target_args;
mod text_report;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Finds out why a WebSocket connection fails, and says so.
#[derive(Debug, Parser)]
#[command(name = "wsdoctor", version, about, long_about = None)]
struct Cli {
    /// More log output on stderr (-v: info, -vv: debug). RUST_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a WebSocket URL layer by layer (DNS, TCP, TLS, upgrade, messages) and name what is wrong.
    Check(Box<check_command::CheckArgs>),
    /// Talk to a WebSocket by hand (a REPL on a terminal; a script with stdin from a pipe), in raw
    /// frames or in Socket.IO, STOMP or GraphQL (--protocol).
    #[command(after_help = connect_command::SCRIPT_HELP)]
    Connect(Box<connect_command::ConnectArgs>),
    /// Saved profiles: list, show, import (files, curl/wscat/websocat lines, HAR), export, delete, secrets.
    Profiles(profiles_command::ProfilesArgs),
    /// Run the built-in lab: a local server with one healthy and many broken WebSocket endpoints.
    Lab(lab_command::LabArgs),
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    Completions(self_docs::CompletionsArgs),
    /// Write the man pages (wsdoctor.1 and one per command) into a folder; the package build uses it.
    #[command(hide = true)]
    ManPages(self_docs::ManPagesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.verbose);
    // gsettings takes longer than a local check: read the desktop's proxy while the run starts.
    let desktop_proxy = match &cli.command {
        Command::Check(args) => args.target.may_use_desktop_proxy(),
        Command::Connect(args) => args.target.may_use_desktop_proxy(),
        _ => false,
    };
    if desktop_proxy {
        wsdoctor_core::net::prefetch_desktop_proxy();
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("wsdoctor: cannot start the async runtime: {error}");
            return ExitCode::from(70);
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Check(args) => check_command::run(*args).await,
            Command::Connect(args) => connect_command::run(*args).await,
            Command::Lab(args) => lab_command::run(args).await,
            Command::Profiles(args) => profiles_command::run(args),
            Command::Completions(args) => self_docs::completions(&args, Cli::command()),
            Command::ManPages(args) => self_docs::man_pages(&args, Cli::command()),
        }
    });
    exit_code(outcome)
}

fn exit_code(outcome: wsdoctor_core::Result<ExitCode>) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("wsdoctor: {error}");
            match error.kind() {
                "invalid_input" | "not_found" => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
