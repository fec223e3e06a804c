//! Server-side and code checks: the server process, its port and environment, its log, the reverse
//! proxy's configuration, and the frontend and Electron code that opens the socket. They run on this
//! machine's files and /proc, join the same report as the live probes, and name causes from the same
//! catalog.

mod apache_config;
mod config_file;
mod electron;
mod environment;
mod frontend;
mod haproxy_config;
mod port;
mod proc_table;
mod process;
mod project;
mod proxy_config;
mod server_log;

use std::path::PathBuf;

use url::Url;

use crate::catalog::{self, Severity};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

pub(crate) use port::loopback_elsewhere;
use project::Quote;
pub use server_log::TAIL_BYTES as LOG_TAIL_BYTES;

/// What to inspect on this machine. Every field is optional; any one works without a URL.
#[derive(Debug, Clone, Default, PartialEq)]
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

/// Names each code whose quotes are not empty (quoting the first ten, locating them all) and returns
/// the codes named.
pub(crate) fn name_findings(
    rec: &mut Recorder,
    findings: &[(&'static str, &[Quote])],
) -> Vec<&'static str> {
    let mut named = Vec::new();
    for (code, quotes) in findings {
        if !quotes.is_empty() {
            let shown = quotes
                .iter()
                .take(10)
                .map(|q| q.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let locations = quotes.iter().map(|q| q.location.clone()).collect();
            rec.diagnose_at(code, vec![Evidence::new("Found", shown)], locations);
            named.push(*code);
        }
    }
    named
}

/// A check's status from the codes it named: fail for an error, warn for a warning, else info or pass.
pub(crate) fn status_of(codes: &[&str]) -> CheckStatus {
    let severities: Vec<Severity> = codes.iter().map(|c| catalog::entry(c).severity).collect();
    if severities.contains(&Severity::Error) {
        CheckStatus::Fail
    } else if severities.contains(&Severity::Warning) {
        CheckStatus::Warn
    } else if codes.is_empty() {
        CheckStatus::Pass
    } else {
        CheckStatus::Info
    }
}

/// What the inspection knows of the live target.
pub(crate) struct TargetContext {
    pub url: Option<Url>,
    pub served_over_https: bool,
    /// Only the checks of these sections run (all when `None`).
    pub sections: Option<Vec<Section>>,
}

impl TargetContext {
    fn wants(&self, section: Section) -> bool {
        self.sections.as_ref().is_none_or(|s| s.contains(&section))
    }

    fn host(&self) -> Option<String> {
        self.url
            .as_ref()
            .and_then(|u| u.host_str())
            .map(|h| h.trim_matches(['[', ']']).to_string())
    }

    fn port(&self) -> Option<u16> {
        self.url.as_ref().and_then(|u| u.port_or_known_default())
    }

    /// The port to inspect: the one given, else the target's when the target is this machine.
    fn local_port(&self, inputs: &ServerInputs) -> Option<u16> {
        inputs.port.or_else(|| {
            self.host()
                .filter(|h| port::is_loopback_host(h))
                .and(self.port())
        })
    }
}

/// The checks `run` will make, in order (the Electron check appears only for an Electron project).
pub(crate) fn plan(
    inputs: &ServerInputs,
    target: &TargetContext,
) -> Vec<crate::report::PlannedCheck> {
    let item = |id: String, section, title: &str| crate::report::PlannedCheck {
        id,
        section,
        title: title.to_string(),
    };
    let mut list = Vec::new();
    if target.wants(Section::ServerHealth) {
        if inputs.process.is_some() {
            list.push(item(
                "process".into(),
                Section::ServerHealth,
                "Server process",
            ));
        }
        if target.local_port(inputs).is_some() {
            list.push(item("port".into(), Section::ServerHealth, "Listening port"));
        }
        if !inputs.env.is_empty() || inputs.process.is_some() {
            list.push(item("env".into(), Section::ServerHealth, "Environment"));
        }
        for (index, log) in inputs.logs.iter().enumerate() {
            let name = log
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            list.push(item(
                format!("log:{}", index + 1),
                Section::ServerHealth,
                &format!("Server log {name}"),
            ));
        }
    }
    if inputs.proxy_config.is_some() && target.wants(Section::ProxyAndHttps) {
        list.push(item(
            "proxy_config".into(),
            Section::ProxyAndHttps,
            "Proxy configuration",
        ));
    }
    if inputs.project.is_some() && target.wants(Section::FrontendConnection) {
        list.push(item(
            "frontend".into(),
            Section::FrontendConnection,
            "Frontend code",
        ));
    }
    list
}

pub(crate) fn run(rec: &mut Recorder, inputs: &ServerInputs, target: &TargetContext) {
    let target_host = target.host();
    let target_port = target.port();
    let port = target.local_port(inputs);

    if target.wants(Section::ServerHealth) {
        let processes = inputs
            .process
            .as_deref()
            .map(|spec| process::check(rec, spec));
        if let Some(port) = port {
            port::check(rec, port, processes.as_deref(), target_host.as_deref());
        }
        environment::check(
            rec,
            &inputs.env,
            processes.as_ref().and_then(|p| p.first()),
            target_port,
        );
        for (index, log) in inputs.logs.iter().enumerate() {
            if rec.cancelled() {
                return;
            }
            server_log::check(rec, index + 1, log, port.or(target_port));
        }
    }
    if rec.cancelled() {
        return;
    }
    if let Some(config) = inputs
        .proxy_config
        .as_ref()
        .filter(|_| target.wants(Section::ProxyAndHttps))
    {
        proxy_config::check(rec, config, target.url.as_ref().map(|u| u.path()));
    }
    let wants_project =
        target.wants(Section::FrontendConnection) || target.wants(Section::DesktopApp);
    if let Some(root) = inputs.project.as_ref().filter(|_| wants_project) {
        match project::read(root, &rec.cancel_flag()) {
            Ok(project) => {
                let frontend_target = frontend::PageContext {
                    url: target.url.as_ref(),
                    served_over_https: target.served_over_https,
                };
                if target.wants(Section::FrontendConnection) {
                    frontend::check(rec, &project, &frontend_target);
                }
                if target.wants(Section::DesktopApp) {
                    electron::check(rec, &project);
                }
            }
            Err(error) => {
                let step = rec.start("frontend", Section::FrontendConnection, "Frontend code");
                rec.finish(step, CheckStatus::Warn, format!("{error}: not scanned."));
            }
        }
    }
}
