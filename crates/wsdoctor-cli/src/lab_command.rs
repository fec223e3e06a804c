//! `wsdoctor lab`: runs the built-in lab in the foreground and prints what each endpoint demonstrates.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use wsdoctor_core::lab::{Lab, LabConfig, LabEndpoint, Outcome};
use wsdoctor_core::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct LabArgs {
    /// Address to listen on. Anything but loopback exposes broken endpoints to your network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port of the ws:// listener (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Port of the wss:// listener (0: any free port).
    #[arg(long, default_value_t = 0)]
    tls_port: u16,
    /// Print the endpoints as JSON (one object per endpoint) instead of a table.
    #[arg(long)]
    json: bool,
    /// Write the PEM of the lab's CA to this file, so clients can be told to trust the wss:// listener.
    #[arg(long, value_name = "FILE")]
    ca_out: Option<PathBuf>,
}

pub async fn run(args: LabArgs) -> Result<ExitCode> {
    let lab = Lab::start(LabConfig {
        bind: args.bind,
        port: args.port,
        tls_port: args.tls_port,
    })
    .await?;
    if let Some(path) = &args.ca_out {
        crate::output::write_atomically(path, lab.ca_pem().as_bytes())?;
    }
    let endpoints = lab.endpoints();
    let mut out = std::io::stdout().lock();
    let printed = if args.json {
        let json = serde_json::to_string_pretty(&endpoints).expect("endpoints serialise");
        writeln!(out, "{json}")
    } else {
        write!(out, "{}", table(&lab, &endpoints))
    };
    printed.and_then(|()| out.flush()).map_err(|e| Error::Io {
        context: "cannot write to stdout".into(),
        source: e,
    })?;
    drop(out);

    wait_for_stop_signal().await;
    lab.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

fn table(lab: &Lab, endpoints: &[LabEndpoint]) -> String {
    let mut text = format!(
        "WS Doctor lab on ws://{} and wss://{} (Ctrl-C to stop)\n\n",
        lab.addr(),
        lab.tls_addr()
    );
    let width = endpoints.iter().map(|e| e.url.len()).max().unwrap_or(0);
    for endpoint in endpoints {
        let outcome = match endpoint.outcome {
            Outcome::Healthy => "healthy",
            Outcome::Conditional => "conditional",
            Outcome::Broken => "broken",
        };
        text.push_str(&format!(
            "{:<width$}  {:<11}  {}: {}\n",
            endpoint.url, outcome, endpoint.title, endpoint.description
        ));
    }
    text
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
