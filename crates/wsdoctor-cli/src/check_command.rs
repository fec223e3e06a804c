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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The WebSocket URL to check (ws:// or wss://; http(s):// is taken as ws(s)://). Optional when a
    /// server-side option is given.
    url: Option<String>,
    /// Origin header to send, as a browser on that page would.
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,
    /// The page that opens the socket (for the mixed-content check).
    #[arg(long, value_name = "URL")]
    page_url: Option<String>,
    /// Extra request header, "Name: value" (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Treat this header's value as secret in every output (Authorization, Cookie and the like always are).
    #[arg(long, value_name = "NAME")]
    secret_header: Vec<String>,
    /// Subprotocol to offer (repeatable, in order of preference).
    #[arg(long = "subprotocol", value_name = "NAME")]
    subprotocols: Vec<String>,
    /// PEM file of CA certificates to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Continue past an untrusted or invalid certificate (it is still reported).
    #[arg(long, short = 'k')]
    insecure: bool,
    /// HTTP proxy to tunnel through (CONNECT); overrides HTTPS_PROXY / HTTP_PROXY.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// Ignore HTTPS_PROXY / HTTP_PROXY / ALL_PROXY from the environment.
    #[arg(long)]
    no_env_proxy: bool,
    /// The backend behind the proxy: probed and compared when the upgrade fails.
    #[arg(long, value_name = "URL")]
    direct: Option<String>,
    /// Seconds allowed to connect, and again for the TLS and upgrade handshakes.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    timeout: f64,
    /// Seconds to wait for a reply to the test message and for a pong.
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    reply_timeout: f64,
    /// Stay silent this many seconds and report whether (and when) the connection is cut.
    #[arg(long, value_name = "SECS")]
    idle: Option<u64>,
    /// Send one message of this many bytes and report a 1009 close or a drop.
    #[arg(long, value_name = "BYTES")]
    probe_size: Option<usize>,
    /// The test message sent once the connection is open.
    #[arg(long, value_name = "TEXT", default_value = "wsdoctor check")]
    message: String,
    /// Server process to inspect (name or PID): running, uptime, ports, open files against its limit.
    #[arg(long, value_name = "NAME|PID", help_heading = "Server-side checks")]
    process: Option<String>,
    /// Port the server should listen on (default: the URL's port when its host is this machine).
    #[arg(long, value_name = "PORT", help_heading = "Server-side checks")]
    port: Option<u16>,
    /// Environment variable of the server to check, NAME or NAME=EXPECTED (repeatable). Without it,
    /// NODE_ENV, FLASK_ENV, DJANGO_SETTINGS_MODULE and PORT are shown when --process is given.
    #[arg(
        long = "env",
        value_name = "NAME[=EXPECTED]",
        help_heading = "Server-side checks"
    )]
    env: Vec<String>,
    /// Server or proxy log to scan (the last 8 MB; repeatable).
    #[arg(long = "log", value_name = "FILE", help_heading = "Server-side checks")]
    logs: Vec<PathBuf>,
    /// nginx configuration file or directory to audit (includes are followed); Caddyfiles and Apache
    /// configs are recognised too.
    #[arg(long, value_name = "FILE|DIR", help_heading = "Server-side checks")]
    nginx_conf: Option<PathBuf>,
    /// Frontend or Electron project folder to scan for WebSocket code.
    #[arg(long, value_name = "DIR", help_heading = "Server-side checks")]
    project: Option<PathBuf>,
    /// Output format (default: from --output's extension, else text).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file (written whole, or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

fn seconds(value: f64, flag: &str) -> Result<Duration> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::InvalidInput(format!(
            "{flag} must be between 0 and 3600 seconds, not {value}"
        )))
    }
}

pub(crate) fn parse_header(line: &str) -> Result<(String, String)> {
    let (name, value) = line.split_once(':').ok_or_else(|| {
        Error::InvalidInput(format!("header `{line}` must look like `Name: value`"))
    })?;
    let (name, value) = (name.trim(), value.trim());
    wsdoctor_core::check::validate_header(name, value)?;
    Ok((name.to_string(), value.to_string()))
}

impl CheckArgs {
    fn options(&self) -> Result<CheckOptions> {
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
        let timeout = seconds(self.timeout, "--timeout")?;
        let server = wsdoctor_core::inspect::ServerInputs {
            process: self.process.clone(),
            port: self.port,
            env: self.env.clone(),
            logs: self.logs.clone(),
            proxy_config: self.nginx_conf.clone(),
            project: self.project.clone(),
        };
        for path in self
            .logs
            .iter()
            .chain(self.nginx_conf.iter())
            .chain(self.project.iter())
        {
            if !path.exists() {
                return Err(Error::InvalidInput(format!(
                    "{} does not exist",
                    path.display()
                )));
            }
        }
        Ok(CheckOptions {
            url: self.url.clone().unwrap_or_default(),
            server,
            origin: self.origin.clone(),
            page_url: self.page_url.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_>>()?,
            secret_headers: self.secret_header.clone(),
            subprotocols: self.subprotocols.clone(),
            ca_file: self.ca_file.clone(),
            insecure: self.insecure,
            proxy: self.proxy.clone(),
            use_env_proxy: !self.no_env_proxy,
            direct: self.direct.clone(),
            connect_timeout: timeout,
            handshake_timeout: timeout,
            reply_timeout: seconds(self.reply_timeout, "--reply-timeout")?,
            idle: self.idle.map(Duration::from_secs),
            probe_size: self.probe_size,
            message: self.message.clone(),
            ..CheckOptions::default()
        })
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
            _ => Format::Text,
        }
    }
}

pub async fn run(args: CheckArgs) -> Result<ExitCode> {
    let options = args.options()?;
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
        Format::Text => crate::text_report::render(report, color),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn headers_must_be_name_colon_value() {
        assert_eq!(
            parse_header("Authorization: Bearer x:y").unwrap(),
            ("Authorization".into(), "Bearer x:y".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": empty name").is_err());
        assert!(parse_header("Bad Name: v").is_err());
    }
}
