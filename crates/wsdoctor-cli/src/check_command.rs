//! `wsdoctor check`: probes a WebSocket URL layer by layer and prints the causes it finds.
//!
//! Exit status: 0 healthy, 1 degraded or broken, 2 bad input.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::report::{self, Report, Verdict};
use wsdoctor_core::{Error, Result};

use crate::output;
use crate::target_args::{SelectedProfile, TargetArgs, seconds};
use wsdoctor_core::profile::RunVerdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
    /// JUnit XML: a test case per check, for a CI job's test view.
    Junit,
    /// SARIF 2.1.0: the static findings (proxy configs, frontend and Electron code) at their file and
    /// line, for a code-scanning view.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The WebSocket URL to check (ws:// or wss://; http(s):// is taken as ws(s)://). Optional when a
    /// server-side option is given.
    url: Option<String>,
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    /// The page that opens the socket: its origin is sent as the Origin (unless --origin says otherwise),
    /// as a browser on it does, and an https page opening ws:// is mixed content.
    #[arg(long, value_name = "URL")]
    page_url: Option<String>,
    /// Treat this header's value as secret in every output (Authorization, Cookie and the like always are).
    #[arg(long, value_name = "NAME")]
    secret_header: Vec<String>,
    /// The backend behind the proxy: probed and compared when the upgrade fails.
    #[arg(long, value_name = "URL")]
    direct: Option<String>,
    /// Seconds to wait for a reply to the test message and for a pong [default: 1].
    #[arg(long, value_name = "SECS")]
    reply_timeout: Option<f64>,
    /// Stay silent this many seconds and report whether (and when) the connection is cut.
    #[arg(long, value_name = "SECS")]
    idle: Option<u64>,
    /// Send one message of this many bytes and report a 1009 close or a drop.
    #[arg(long, value_name = "BYTES")]
    probe_size: Option<usize>,
    /// The test message sent once the connection is open [default: "wsdoctor check"].
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// Server process to inspect (name or PID): running, uptime, ports, open files against its limit.
    #[arg(long, value_name = "NAME|PID", help_heading = "Server-side checks")]
    process: Option<String>,
    /// Port the server should listen on (default: the URL's port when its host is this machine).
    #[arg(long, value_name = "PORT", help_heading = "Server-side checks")]
    port: Option<u16>,
    /// Environment variable of the server to check, NAME or NAME=EXPECTED (repeatable). Without it,
    /// NODE_ENV, FLASK_ENV, DJANGO_SETTINGS_MODULE and PORT are shown when --process is given.
    #[arg(
        long = "server-env",
        value_name = "NAME[=EXPECTED]",
        help_heading = "Server-side checks"
    )]
    env: Vec<String>,
    /// Server or proxy log to scan (the last 8 MB; repeatable).
    #[arg(long = "log", value_name = "FILE", help_heading = "Server-side checks")]
    logs: Vec<PathBuf>,
    /// Reverse proxy configuration file or directory to audit: nginx (includes are followed), HAProxy,
    /// Apache httpd (Debian's /etc/apache2 read whole) and Caddyfiles.
    #[arg(
        long,
        visible_aliases = ["proxy-conf", "nginx-conf"],
        value_name = "FILE|DIR",
        help_heading = "Server-side checks"
    )]
    proxy_config: Option<PathBuf>,
    /// Frontend or Electron project folder to scan for WebSocket code.
    #[arg(long, value_name = "DIR", help_heading = "Server-side checks")]
    project: Option<PathBuf>,
    /// Output format (default: from --output's extension: .json, .md, .html, .xml for JUnit, .sarif; else text).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file (written whole, or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

impl CheckArgs {
    fn options(&self, run: Option<&SelectedProfile>) -> Result<CheckOptions> {
        if let Some(size) = self.probe_size
            && (size == 0 || size > 1 << 30)
        {
            return Err(Error::InvalidInput(
                "--probe-size must be between 1 byte and 1 GiB".into(),
            ));
        }
        if self.idle.is_some_and(|secs| secs == 0 || secs > 3600) {
            return Err(Error::InvalidInput(
                "--idle must be between 1 and 3600 seconds".into(),
            ));
        }
        let mut options = self.target.options(self.url.clone(), run)?;
        let server = wsdoctor_core::inspect::ServerInputs {
            process: self.process.clone(),
            port: self.port,
            env: self.env.clone(),
            logs: self.logs.clone(),
            proxy_config: self.proxy_config.clone(),
            project: self.project.clone(),
        };
        for path in self
            .logs
            .iter()
            .chain(self.proxy_config.iter())
            .chain(self.project.iter())
        {
            if !path.exists() {
                return Err(Error::InvalidInput(format!(
                    "{} does not exist",
                    path.display()
                )));
            }
        }
        // A profile's server-side inputs apply unless any is given here.
        if server != wsdoctor_core::inspect::ServerInputs::default() {
            options.server = server;
        }
        if let Some(page_url) = &self.page_url {
            options.page_url = Some(page_url.clone());
        }
        options
            .secret_headers
            .extend(self.secret_header.iter().cloned());
        if let Some(direct) = &self.direct {
            options.direct = Some(direct.clone());
        }
        if let Some(reply) = self.reply_timeout {
            options.reply_timeout = seconds(reply, "--reply-timeout")?;
        }
        if let Some(idle) = self.idle {
            options.idle = Some(Duration::from_secs(idle));
        }
        if self.probe_size.is_some() {
            options.probe_size = self.probe_size;
        }
        if let Some(message) = &self.message {
            options.message = message.clone();
        }
        Ok(options)
    }

    fn format(&self) -> Format {
        if let Some(format) = self.format {
            return format;
        }
        match self
            .output
            .as_deref()
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
        {
            Some("json") => Format::Json,
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm") => Format::Html,
            Some("xml") => Format::Junit,
            Some("sarif") => Format::Sarif,
            _ => Format::Text,
        }
    }
}

pub async fn run(args: CheckArgs) -> Result<ExitCode> {
    let run = args.target.profile()?;
    let options = args.options(run.as_ref())?;
    let report = run_check(&options, None).await?;
    if report.diagnoses.iter().any(|d| d.code == "url.invalid") {
        return Err(Error::InvalidInput(
            report
                .checks
                .first()
                .map(|c| c.summary.clone())
                .unwrap_or_else(|| "the URL is not valid".into()),
        ));
    }
    let format = args.format();
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let rendered = render(&report, format, color);
    match &args.output {
        Some(path) => {
            output::write_atomically(path, rendered.as_bytes())?;
            eprintln!(
                "{} — report written to {}",
                report.headline(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| Error::Io {
                    context: "cannot write to stdout".into(),
                    source: e,
                })?;
        }
    }
    if let Some(run) = &run
        && let Err(error) = run.store.record_run(
            &run.profile.id,
            RunVerdict::of(&report, run.environment.clone()),
        )
    {
        eprintln!("wsdoctor: the verdict was not saved to the profile: {error}");
    }
    Ok(match report.verdict {
        Verdict::Healthy => ExitCode::SUCCESS,
        Verdict::Degraded | Verdict::Broken => ExitCode::from(1),
    })
}

fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Json => report.to_json() + "\n",
        Format::Markdown => report::markdown(report),
        Format::Html => report::html(report),
        Format::Junit => report::junit(report),
        Format::Sarif => report::sarif(report),
        Format::Text => crate::text_report::render(report, color),
    }
}
