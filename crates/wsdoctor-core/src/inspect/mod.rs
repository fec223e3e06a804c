//! Server-side and code checks: the server process, its port and environment, its log, the reverse
//! proxy's configuration, and the frontend and Electron code that opens the socket. They run on this
//! machine's files and /proc, join the same report as the live probes, and name causes from the same
//! catalog.

mod electron;
mod environment;
mod frontend;
mod port;
mod process;
mod processes;
mod project;
mod proxy_config;
mod server_log;

use std::path::PathBuf;

use url::Url;

use crate::check::Recorder;
use crate::report::{CheckStatus, Section};

pub use server_log::TAIL_BYTES as LOG_TAIL_BYTES;

/// What to inspect on this machine. Every field is optional; any one works without a URL.
#[derive(Debug, Clone, Default)]
pub struct ServerInputs {
    /// A process name or PID.
    pub process: Option<String>,
    /// The port the server should listen on (else the target's port when the host is this machine).
    pub port: Option<u16>,
    /// `NAME` or `NAME=EXPECTED`.
    pub env: Vec<String>,
    pub logs: Vec<PathBuf>,
    /// An nginx (or Caddy/Apache) configuration file or directory.
    pub proxy_config: Option<PathBuf>,
    /// The frontend or Electron project folder.
    pub project: Option<PathBuf>,
}

impl ServerInputs {
    pub fn is_empty(&self) -> bool {
        self.process.is_none()
            && self.port.is_none()
            && self.env.is_empty()
            && self.logs.is_empty()
            && self.proxy_config.is_none()
            && self.project.is_none()
    }
}

/// What the inspection knows of the live target.
pub(crate) struct TargetContext {
    pub url: Option<Url>,
    pub served_over_https: bool,
}

pub(crate) fn run(rec: &mut Recorder, inputs: &ServerInputs, target: &TargetContext) {
    let target_host = target
        .url
        .as_ref()
        .and_then(|u| u.host_str())
        .map(|h| h.trim_matches(['[', ']']).to_string());
    let target_port = target.url.as_ref().and_then(|u| u.port_or_known_default());

    let processes = inputs
        .process
        .as_deref()
        .map(|spec| process::check(rec, spec));
    let port = inputs.port.or_else(|| {
        // The target's port says where a local server listens only when the target is this machine.
        target_host
            .as_deref()
            .filter(|h| port::is_loopback_host(h))
            .and(target_port)
    });
    if let Some(port) = port {
        port::check(rec, port, processes.as_deref(), target_host.as_deref());
    }
    environment::check(
        rec,
        &inputs.env,
        processes.as_ref().and_then(|p| p.first()),
        target_port,
    );
    for log in &inputs.logs {
        server_log::check(rec, log, port.or(target_port));
    }
    if let Some(config) = &inputs.proxy_config {
        proxy_config::check(rec, config, target.url.as_ref().map(|u| u.path()));
    }
    if let Some(root) = &inputs.project {
        match project::read(root) {
            Ok(project) => {
                let frontend_target = frontend::Target {
                    url: target.url.as_ref(),
                    served_over_https: target.served_over_https,
                };
                frontend::check(rec, &project, &frontend_target);
                electron::check(rec, &project);
            }
            Err(error) => {
                let step = rec.start("frontend", Section::FrontendConnection, "Frontend code");
                rec.finish(step, CheckStatus::Warn, format!("{error}: not scanned."));
            }
        }
    }
}
