//! A check: every layer of a WebSocket connection probed in order (URL, DNS, TCP, proxy, TLS, the upgrade
//! handshake, then the open connection), each ending in a checklist item with evidence, and every
//! problem named by a catalog code.
//!
//! A layer that fails makes the layers above it moot: they are recorded as skipped with the reason,
//! rather than piling consequences on the root cause. Every network step, send and loop has its own
//! deadline, and the live probes as a whole are held to [`time_budget`], so a check always ends.

mod fingerprint;
mod follow_up;
mod frame_watch;
mod handshake;
pub(crate) mod net;
mod recorder;
mod request;
mod session;
pub(crate) mod tls_probe;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::mpsc;

use crate::redact::Redactor;
use crate::report::{
    self, CheckStatus, Evidence, HeaderLine, Report, Section, TargetSummary, Tool,
};
use crate::try_connect::parse_target;
use crate::{Error, Result, tls};

pub(crate) use fingerprint::Fingerprint;
use follow_up::Route;
use handshake::{Exchange, UpgradeRequest, UpgradeResponse};
use net::Stream;
pub(crate) use recorder::Recorder;
pub use recorder::{CheckEvent, PlannedCheck};
pub use request::{CheckRequest, HeaderInput, ServerRequest, validate_header};

/// Everything a check can be told. `Default` gives the documented defaults. Its `Debug` hides secret header
/// values and a URL's password and tokens, as reports do.
#[derive(Clone)]
pub struct CheckOptions {
    pub url: String,
    /// The `Origin` header to send (browsers always send the page's origin).
    pub origin: Option<String>,
    /// The page that opens the socket, for the mixed-content check.
    pub page_url: Option<String>,
    /// Extra request headers, in order.
    pub headers: Vec<(String, String)>,
    /// Header names whose values are secret beyond the usual ones (Authorization, Cookie, ...).
    pub secret_headers: Vec<String>,
    pub subprotocols: Vec<String>,
    /// A PEM file of CA certificates to trust besides the platform's.
    pub ca_file: Option<PathBuf>,
    /// Carry on past an untrusted certificate (still reporting it).
    pub insecure: bool,
    /// A client certificate (PEM) for servers that require mutual TLS, its key (PEM; default: the same
    /// file), and the key's passphrase when it is encrypted.
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub key_passphrase: Option<crate::profile::Sensitive<String>>,
    /// An HTTP proxy (CONNECT) to go through; overrides the environment.
    pub proxy: Option<String>,
    /// Honour HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY.
    pub use_env_proxy: bool,
    /// The backend behind the proxy, probed for comparison when the upgrade fails.
    pub direct: Option<String>,
    pub connect_timeout: Duration,
    pub handshake_timeout: Duration,
    pub reply_timeout: Duration,
    pub close_timeout: Duration,
    /// Stay silent this long and report whether the connection is cut.
    pub idle: Option<Duration>,
    /// Send one message of this many bytes and report a 1009 or a drop.
    pub probe_size: Option<usize>,
    /// The test message.
    pub message: String,
    /// Server-side and code checks (process, port, environment, logs, proxy config, project).
    pub server: crate::inspect::ServerInputs,
    /// Run only the checks of these sections, and report only their findings (a re-run of one
    /// section). The live probes still walk every layer below the ones asked for.
    pub sections: Option<Vec<Section>>,
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redactor = crate::redact::Redactor::new(&self.secret_headers);
        let url = |u: &Option<String>| u.as_deref().map(|u| redactor.url(u));
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), redactor.header_value(name, value)))
            .collect();
        f.debug_struct("CheckOptions")
            .field("url", &redactor.url(&self.url))
            .field("origin", &self.origin)
            .field("page_url", &url(&self.page_url))
            .field("headers", &headers)
            .field("secret_headers", &self.secret_headers)
            .field("subprotocols", &self.subprotocols)
            .field("ca_file", &self.ca_file)
            .field("insecure", &self.insecure)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("key_passphrase", &self.key_passphrase)
            .field("proxy", &url(&self.proxy))
            .field("use_env_proxy", &self.use_env_proxy)
            .field("direct", &url(&self.direct))
            .field("connect_timeout", &self.connect_timeout)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("reply_timeout", &self.reply_timeout)
            .field("close_timeout", &self.close_timeout)
            .field("idle", &self.idle)
            .field("probe_size", &self.probe_size)
            .field("message", &self.message)
            .field("server", &self.server)
            .field("sections", &self.sections)
            .finish()
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            url: String::new(),
            origin: None,
            page_url: None,
            headers: Vec::new(),
            secret_headers: Vec::new(),
            subprotocols: Vec::new(),
            ca_file: None,
            insecure: false,
            client_cert: None,
            client_key: None,
            key_passphrase: None,
            proxy: None,
            use_env_proxy: true,
            direct: None,
            connect_timeout: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(1),
            close_timeout: Duration::from_secs(2),
            idle: None,
            probe_size: None,
            message: "wsdoctor check".to_string(),
            server: crate::inspect::ServerInputs::default(),
            sections: None,
        }
    }
}

/// Addresses a connection tries, at most (a name may resolve to dozens).
pub(crate) const MAX_ADDRESSES: usize = 4;

/// The longest the live probes of a check can take, from its options (documented in
/// `docs/architecture.md`), with C the connect timeout, H the handshake timeout, A = 4 addresses:
/// `(1 + A)·C + 3·H` to reach the server and upgrade (DNS, TCP, proxy, TLS, upgrade), plus
/// `2·((2 + A)·C + 2·H)` for at most two rounds of follow-up requests, plus the reply wait, the size
/// probe's wait, the idle probe and the close timeout, plus 1 s. The run stops its probes there whatever a
/// server does, and says which items it could not finish.
pub fn time_budget(options: &CheckOptions) -> Duration {
    let c = options.connect_timeout;
    let h = options.handshake_timeout;
    let a = MAX_ADDRESSES as u32;
    let reach = c * (1 + a) + h * 3;
    let follow_ups = (c * (2 + a) + h * 2) * 2;
    let size = options
        .probe_size
        .map(|size| session::size_probe_wait(size, options.reply_timeout))
        .unwrap_or_default();
    reach
        + follow_ups
        + options.reply_timeout
        + size
        + options.idle.unwrap_or_default()
        + options.close_timeout
        + Duration::from_secs(1)
}

fn ms(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

/// The checks that follow the upgrade, skipped together when it fails.
fn session_checks(options: &CheckOptions) -> Vec<(&'static str, Section, &'static str)> {
    let mut list = vec![
        ("origin", Section::WebSocketSetup, "Origin"),
        ("subprotocol", Section::WebSocketSetup, "Subprotocol"),
        ("message", Section::DebuggingDetails, "Test message"),
        ("ping", Section::WebSocketSetup, "Ping / pong"),
        ("socketio", Section::WebSocketSetup, "Socket.IO"),
    ];
    if options.probe_size.is_some() {
        list.push(("message_size", Section::WebSocketSetup, "Large message"));
    }
    if options.idle.is_some() {
        list.push(("idle", Section::ProxyAndHttps, "Idle connection"));
    }
    list.push(("close", Section::DebuggingDetails, "Closing handshake"));
    list
}

/// The live checks in the order they run (`proxy` only when one is configured).
fn live_checks(
    options: &CheckOptions,
    proxied: bool,
) -> Vec<(&'static str, Section, &'static str)> {
    let mut all = vec![("url", Section::FrontendConnection, "URL")];
    all.extend(layer_checks(options, proxied));
    all
}

fn layer_checks(
    options: &CheckOptions,
    proxied: bool,
) -> Vec<(&'static str, Section, &'static str)> {
    let mut all = vec![
        ("dns", Section::ServerHealth, "DNS"),
        ("tcp", Section::ServerHealth, "TCP connection"),
    ];
    if proxied {
        all.push(("proxy", Section::ProxyAndHttps, "HTTP proxy"));
    }
    all.extend([
        ("tls", Section::ProxyAndHttps, "TLS"),
        ("handshake", Section::WebSocketSetup, "Upgrade handshake"),
    ]);
    all.extend(session_checks(options));
    all
}

/// The checks a run of `options` expects to make, in order.
pub fn plan(options: &CheckOptions) -> Vec<PlannedCheck> {
    let live = !options.url.trim().is_empty();
    let mut list = if options.server.is_empty() {
        Vec::new()
    } else {
        crate::inspect::plan(&options.server, &inspect_context(options))
    };
    if live {
        let proxied = parse_target(&options.url)
            .ok()
            .and_then(|t| {
                net::choose_proxy(
                    options.proxy.as_deref(),
                    options.use_env_proxy,
                    &t.host,
                    t.secure,
                )
                .ok()
            })
            .flatten()
            .is_some();
        list.extend(
            live_checks(options, proxied)
                .into_iter()
                .map(|(id, section, title)| PlannedCheck {
                    id: id.into(),
                    section,
                    title: title.into(),
                }),
        );
    }
    list
}

fn inspect_context(options: &CheckOptions) -> crate::inspect::TargetContext {
    let live = !options.url.trim().is_empty();
    crate::inspect::TargetContext {
        url: live
            .then(|| parse_target(&options.url).ok().map(|t| t.url))
            .flatten(),
        served_over_https: options
            .page_url
            .as_deref()
            .is_some_and(|p| p.trim().to_ascii_lowercase().starts_with("https://"))
            || options
                .url
                .trim()
                .to_ascii_lowercase()
                .starts_with("wss://"),
        sections: options.sections.clone(),
    }
}

fn skip_from(rec: &mut Recorder, options: &CheckOptions, from: &str, because: &str) {
    let mut all = vec![
        ("dns", Section::ServerHealth, "DNS"),
        ("tcp", Section::ServerHealth, "TCP connection"),
        ("tls", Section::ProxyAndHttps, "TLS"),
        ("handshake", Section::WebSocketSetup, "Upgrade handshake"),
    ];
    all.extend(session_checks(options));
    let start = all
        .iter()
        .position(|(id, _, _)| *id == from)
        .unwrap_or(all.len());
    for (id, section, title) in all.into_iter().skip(start) {
        rec.skip(id, section, title, because);
    }
}

fn server_summary(inputs: &crate::inspect::ServerInputs) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(process) = &inputs.process {
        lines.push(format!("process: {process}"));
    }
    if let Some(port) = inputs.port {
        lines.push(format!("port: {port}"));
    }
    lines.extend(
        inputs
            .env
            .iter()
            .map(|e| format!("env: {}", e.split('=').next().unwrap_or(e))),
    );
    lines.extend(inputs.logs.iter().map(|l| format!("log: {}", l.display())));
    if let Some(config) = &inputs.proxy_config {
        lines.push(format!("proxy config: {}", config.display()));
    }
    if let Some(project) = &inputs.project {
        lines.push(format!("project: {}", project.display()));
    }
    lines
}

/// The CA file and the client certificate the options name, read and checked before anything connects.
pub(crate) fn client_tls(options: &CheckOptions) -> Result<tls::ClientTls> {
    let extra_roots = match &options.ca_file {
        Some(path) => {
            let pem = crate::input_file::read_text_capped(
                path,
                crate::input_file::MAX_PEM_BYTES,
                "CA file",
            )
            .map_err(Error::InvalidInput)?;
            tls::certificates_from_pem(&pem)
                .map_err(|e| Error::InvalidInput(format!("{}: {e}", path.display())))?
        }
        None => Vec::new(),
    };
    let identity = match &options.client_cert {
        Some(cert) => Some(tls::ClientIdentity::load(
            cert,
            options.client_key.as_deref(),
            options.key_passphrase.as_ref().map(|p| p.expose().as_str()),
        )?),
        None if options.client_key.is_some() => {
            return Err(Error::InvalidInput(
                "a client key was given without its certificate".into(),
            ));
        }
        None => None,
    };
    Ok(tls::ClientTls {
        extra_roots,
        identity,
    })
}

/// Runs a check. Only unusable input (an unreadable CA file, a malformed proxy URL) is an error; every
/// network outcome is a finding in the report.
pub async fn run_check(
    options: &CheckOptions,
    progress: Option<mpsc::UnboundedSender<CheckEvent>>,
) -> Result<Report> {
    let started_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    let client_tls = client_tls(options)?;

    let redactor = Redactor::new(&options.secret_headers);
    // Learn every secret value up front, so it is scrubbed wherever it appears later.
    let headers: Vec<HeaderLine> = options
        .headers
        .iter()
        .map(|(name, value)| HeaderLine {
            name: name.clone(),
            value: redactor.header_value(name, value),
        })
        .collect();
    let target_summary = TargetSummary {
        url: redactor.url(&options.url),
        origin: options.origin.clone(),
        page_url: options.page_url.as_deref().map(|u| redactor.url(u)),
        headers,
        subprotocols: options
            .subprotocols
            .iter()
            .map(|p| redactor.subprotocol(p))
            .collect(),
        ca_file: options.ca_file.as_ref().map(|p| p.display().to_string()),
        client_cert: options
            .client_cert
            .as_ref()
            .map(|p| p.display().to_string()),
        insecure: options.insecure,
        proxy: None,
        direct: options.direct.as_deref().map(|u| redactor.url(u)),
        connect_timeout_ms: ms(options.connect_timeout),
        handshake_timeout_ms: ms(options.handshake_timeout),
        reply_timeout_ms: ms(options.reply_timeout),
        idle_secs: options
            .idle
            .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
        probe_size: options
            .probe_size
            .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
        server: server_summary(&options.server),
    };
    learn_secrets(&redactor, options);
    let live = !options.url.trim().is_empty();
    if !live && options.server.is_empty() {
        return Err(Error::InvalidInput(
            "nothing to check: give a URL, or a server-side option such as --process, --port, --log, --nginx-conf or --project".into(),
        ));
    }
    let mut rec = Recorder::new(redactor, progress);
    // Dropping this run (a cancel) stops the server-side scans at their next step.
    let _cancel = rec.cancel_on_drop();
    rec.plan(plan(options));
    if !options.server.is_empty() {
        // File and /proc reads block: keep them off the async workers.
        let target = inspect_context(options);
        let inputs = options.server.clone();
        rec = tokio::task::spawn_blocking(move || {
            crate::inspect::run(&mut rec, &inputs, &target);
            rec
        })
        .await
        .map_err(|e| Error::InvalidInput(format!("the server-side checks failed: {e}")))?;
    }
    let proxy_shown = if live {
        let budget = time_budget(options);
        match tokio::time::timeout(budget, probe(&mut rec, options, &client_tls)).await {
            Ok(shown) => shown?,
            Err(_) => {
                // A step outran its own deadline: whatever did not finish is said, not left hanging.
                let done: Vec<String> = rec.checks.iter().map(|c| c.id.clone()).collect();
                let because = format!(
                    "the check reached its time budget of {} s",
                    budget.as_secs()
                );
                for item in plan(options) {
                    if !done.contains(&item.id) {
                        rec.skip(&item.id, item.section, &item.title, &because);
                    }
                }
                None
            }
        }
    } else {
        None
    };

    let mut diagnoses = std::mem::take(&mut rec.diagnoses);
    let mut checks = std::mem::take(&mut rec.checks);
    if let Some(sections) = &options.sections {
        checks.retain(|c| sections.contains(&c.section));
        diagnoses.retain(|d| sections.contains(&crate::catalog::section_of(&d.code)));
    }
    report::rank(&mut diagnoses);
    let mut report = Report {
        tool: Tool {
            name: crate::TOOL_NAME.into(),
            version: crate::VERSION.into(),
        },
        target: TargetSummary {
            proxy: proxy_shown,
            ..target_summary
        },
        started_at: started_at.format(&Rfc3339).unwrap_or_default(),
        duration_ms: recorder::elapsed_ms(started),
        verdict: report::verdict_of(&diagnoses),
        checks,
        diagnoses,
        redactions: 0,
        redacted: Vec::new(),
        manual: Vec::new(),
        ticket: None,
    };
    // The one pass once more over the whole model: a secret first seen late in the run (in a log line,
    // a response) is scrubbed from what was recorded before it too.
    report.redact(&rec.redactor);
    report.redactions = rec.redactor.count();
    report.redacted = rec.redactor.labels();
    Ok(report)
}

/// Teaches the redactor every secret the options hold before anything is recorded, so no event, log
/// line or piece of evidence can show one, whatever quotes it.
fn learn_secrets(redactor: &Redactor, options: &CheckOptions) {
    for url in [
        Some(&options.url),
        options.page_url.as_ref(),
        options.proxy.as_ref(),
        options.direct.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        redactor.url(url);
    }
    if let Some(passphrase) = &options.key_passphrase {
        redactor.remember(passphrase.expose(), "client key passphrase");
    }
    for spec in &options.server.env {
        if let Some((name, expected)) = spec.split_once('=')
            && crate::redact::is_secret_name(name.trim())
        {
            redactor.remember(expected, format!("environment variable {}", name.trim()));
        }
    }
}

/// The layers in order. Returns the proxy used (for the report), if any.
async fn probe(
    rec: &mut Recorder,
    options: &CheckOptions,
    client_tls: &tls::ClientTls,
) -> Result<Option<String>> {
    // URL
    let step = rec.start("url", Section::FrontendConnection, "URL");
    let target = match parse_target(&options.url) {
        Ok(target) => target,
        Err(error) => {
            let message = error.to_string();
            rec.diagnose(
                "url.invalid",
                vec![Evidence::new("URL", options.url.clone())],
            );
            rec.finish(step, CheckStatus::Fail, message);
            skip_from(rec, options, "dns", "the URL is not valid");
            return Ok(None);
        }
    };
    let mut status = CheckStatus::Pass;
    let mut notes = String::new();
    let given_scheme = options
        .url
        .trim()
        .split("://")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if given_scheme == "http" || given_scheme == "https" {
        rec.diagnose(
            "url.http_scheme",
            vec![Evidence::new(
                "URL",
                format!("{} was tried as {}", options.url, target.url),
            )],
        );
        status = CheckStatus::Info;
        notes.push_str(&format!(
            " {given_scheme}:// was taken as {}://.",
            target.url.scheme()
        ));
    }
    if let Some(page) = &options.page_url
        && page.trim().to_ascii_lowercase().starts_with("https://")
        && !target.secure
    {
        rec.diagnose(
            "url.mixed_content",
            vec![Evidence::new(
                "Page and socket",
                format!("page {page} opens {}", target.url),
            )],
        );
        status = CheckStatus::Fail;
        notes.push_str(" Browsers block ws:// from an https:// page.");
    }
    rec.finish(
        step,
        status,
        format!(
            "{} (host {}, port {}, path {}).{notes}",
            target.url,
            target.host,
            target.port,
            target.url.path()
        ),
    );

    let proxy = net::choose_proxy(
        options.proxy.as_deref(),
        options.use_env_proxy,
        &target.host,
        target.secure,
    )
    .map_err(Error::InvalidInput)?;
    let proxy_shown = proxy
        .as_ref()
        .map(|p| format!("{} (from {})", p.shown, p.source));
    let route = Route {
        host: target.host.clone(),
        port: target.port,
        secure: target.secure,
        proxy: proxy.clone(),
        connect_timeout: options.connect_timeout,
        handshake_timeout: options.handshake_timeout,
    };

    // DNS (of the proxy, when there is one: the proxy resolves the target)
    let (dial_host, dial_port) = proxy
        .as_ref()
        .map(|p| (p.host.clone(), p.port))
        .unwrap_or((target.host.clone(), target.port));
    let step = rec.start("dns", Section::ServerHealth, "DNS");
    let addrs = match net::resolve(&dial_host, dial_port, options.connect_timeout).await {
        Ok(addrs) => addrs,
        Err(error) => {
            rec.diagnose(
                "dns.unresolved",
                vec![Evidence::new("Lookup", error.clone())],
            );
            rec.finish(step, CheckStatus::Fail, error);
            skip_from(rec, options, "tcp", "the host name does not resolve");
            return Ok(proxy_shown);
        }
    };
    let list = addrs
        .iter()
        .map(|a| a.ip().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    rec.finish(
        step,
        CheckStatus::Pass,
        format!("{dial_host} resolves to {list}."),
    );

    // TCP
    let mut step = rec.start("tcp", Section::ServerHealth, "TCP connection");
    let (connected, attempts) = net::connect_any(&addrs, options.connect_timeout).await;
    let attempt_lines = attempts
        .iter()
        .map(|a| match &a.result {
            Ok(ms) => format!("{}: connected in {ms} ms", a.addr),
            Err((_, error)) => format!("{}: {error}", a.addr),
        })
        .collect::<Vec<_>>()
        .join("\n");
    step.evidence
        .push(Evidence::new("Addresses tried", attempt_lines.clone()));
    let Some((tcp, addr)) = connected else {
        let failure = attempts
            .iter()
            .filter_map(|a| a.result.as_ref().err().map(|(kind, _)| *kind))
            .min_by_key(|kind| match kind {
                net::TcpFailure::Refused => 0,
                net::TcpFailure::Reset => 1,
                net::TcpFailure::Timeout => 2,
                net::TcpFailure::Other => 3,
            })
            .unwrap_or(net::TcpFailure::Other);
        let because = match failure {
            net::TcpFailure::Refused => format!("nothing is listening on {dial_host}:{dial_port}"),
            net::TcpFailure::Timeout => format!("{dial_host}:{dial_port} does not answer"),
            _ => format!("the connection to {dial_host}:{dial_port} was reset"),
        };
        rec.diagnose(
            failure.code(),
            vec![Evidence::new("Addresses tried", attempt_lines)],
        );
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("Cannot connect: {because}."),
        );
        skip_from(rec, options, "tls", &because);
        return Ok(proxy_shown);
    };
    let tcp_ms = step_elapsed(&attempts);
    rec.finish(
        step,
        CheckStatus::Pass,
        format!("Connected to {addr} in {tcp_ms} ms."),
    );

    // Proxy tunnel
    let tcp = match &proxy {
        None => tcp,
        Some(proxy) => {
            let mut step = rec.start("proxy", Section::ProxyAndHttps, "HTTP proxy");
            match net::connect_tunnel(
                tcp,
                proxy,
                &target.host,
                target.port,
                options.handshake_timeout,
            )
            .await
            {
                Ok((tunnel, status_line)) => {
                    step.evidence.push(Evidence::new(
                        "CONNECT",
                        format!("CONNECT {}:{} → {status_line}", target.host, target.port),
                    ));
                    rec.diagnose(
                        "proxy.used",
                        vec![Evidence::new(
                            "Proxy",
                            format!("{} (from {})", proxy.shown, proxy.source),
                        )],
                    );
                    rec.finish(
                        step,
                        CheckStatus::Info,
                        format!("Tunnelled through {} (from {}).", proxy.shown, proxy.source),
                    );
                    tunnel
                }
                Err(error) => {
                    rec.diagnose(
                        "proxy.connect_failed",
                        vec![Evidence::new("CONNECT", error.clone())],
                    );
                    rec.finish(
                        step,
                        CheckStatus::Fail,
                        format!("The proxy {} refused the tunnel: {error}.", proxy.shown),
                    );
                    skip_from(rec, options, "tls", "the proxy did not open a tunnel");
                    return Ok(proxy_shown);
                }
            }
        }
    };

    // TLS
    let mut step = rec.start("tls", Section::ProxyAndHttps, "TLS");
    let stream: Stream = if !target.secure {
        rec.finish(
            step,
            CheckStatus::Info,
            "Not used: ws:// connections are not encrypted.",
        );
        Box::new(tcp)
    } else {
        let outcome = tls_probe::handshake(
            Box::new(tcp),
            &target.host,
            client_tls,
            options.insecure,
            options.handshake_timeout,
        )
        .await?;
        if !outcome.chain.is_empty() {
            step.evidence.push(Evidence::new(
                "Certificate chain (as sent by the server)",
                tls_probe::CertSummary::describe(&outcome.chain),
            ));
        }
        let chain_evidence = step.evidence.clone();
        if let Some(error) = &outcome.verify_error {
            let code = tls_probe::certificate_code(error, &outcome.chain, &client_tls.extra_roots);
            let mut evidence = vec![Evidence::new("Verification", error.to_string())];
            evidence.extend(chain_evidence);
            rec.diagnose(code, evidence);
            if let (true, Some(stream)) = (options.insecure, outcome.stream) {
                rec.finish(
                    step,
                    CheckStatus::Warn,
                    format!(
                        "The certificate is not valid ({error}); continuing because of --insecure."
                    ),
                );
                stream
            } else {
                rec.finish(
                    step,
                    CheckStatus::Fail,
                    format!("The certificate is not valid: {error}."),
                );
                skip_from(rec, options, "handshake", "the TLS handshake failed");
                return Ok(proxy_shown);
            }
        } else if let Some(failure) = &outcome.failure {
            let code = tls_probe::failure_code(failure);
            rec.diagnose(code, vec![Evidence::new("TLS error", failure.clone())]);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The TLS handshake failed: {failure}."),
            );
            skip_from(rec, options, "handshake", "the TLS handshake failed");
            return Ok(proxy_shown);
        } else {
            let expiry = outcome
                .chain
                .first()
                .map(|c| format!(", valid until {}", c.not_after))
                .unwrap_or_default();
            let protocol = outcome.protocol.clone().unwrap_or_default();
            rec.finish(
                step,
                CheckStatus::Pass,
                format!(
                    "{protocol}; the certificate is trusted and valid for {}{expiry}.",
                    target.host
                ),
            );
            match outcome.stream {
                Some(stream) => stream,
                None => return Ok(proxy_shown),
            }
        }
    };

    // Upgrade handshake
    let host_header = match target.url.port() {
        Some(port) => format!("{}:{port}", target.url.host_str().unwrap_or(&target.host)),
        None => target.url.host_str().unwrap_or(&target.host).to_string(),
    };
    let path = match target.url.query() {
        Some(query) => format!("{}?{query}", target.url.path()),
        None => target.url.path().to_string(),
    };
    let mut request = UpgradeRequest::new(&path, &host_header);
    request.origin = options.origin.clone();
    request.subprotocols = options.subprotocols.clone();
    request.headers = options.headers.clone();
    let mut step = rec.start("handshake", Section::WebSocketSetup, "Upgrade handshake");
    step.evidence
        .push(Evidence::new("Request", request.evidence(&rec.redactor)));
    let exchange = handshake::exchange(stream, &request, options.handshake_timeout).await;
    let (response, leftover, stream) = match exchange {
        Exchange::Answered {
            response,
            leftover,
            stream,
        } => (response, leftover, stream),
        failed => {
            let (code, summary, bytes) =
                unanswered(&failed, &route, options.handshake_timeout).await;
            if !bytes.is_empty() {
                step.evidence.push(Evidence::new(
                    "Received instead of an HTTP response",
                    bytes.clone(),
                ));
            }
            let mut evidence = vec![Evidence::new("What happened", summary.clone())];
            if !bytes.is_empty() {
                evidence.push(Evidence::new("Bytes received", bytes));
            }
            rec.diagnose(code, evidence);
            // Socket.IO servers drop upgrades outside /socket.io/ without an answer.
            if matches!(code, "handshake.no_response" | "handshake.timeout")
                && let Some(line) = follow_up::socketio(&route, &host_header).await
            {
                rec.diagnose(
                    "socketio.detected",
                    vec![Evidence::new("Follow-up: Socket.IO", line)],
                );
            }
            rec.finish(step, CheckStatus::Fail, summary);
            skip_after_handshake(rec, options);
            return Ok(proxy_shown);
        }
    };
    let fingerprint = Fingerprint::of(&response);
    step.evidence
        .push(Evidence::new("Response", response.evidence(&rec.redactor)));
    step.evidence
        .push(Evidence::new("Answered by", fingerprint.describe()));

    if response.status != 101 {
        let summary = format!(
            "HTTP {} {} instead of 101 Switching Protocols ({}).",
            response.status,
            response.reason,
            fingerprint.describe()
        );
        let response_evidence = Evidence::new("Response", response.evidence(&rec.redactor));
        refused(
            rec,
            options,
            &route,
            &request,
            &response,
            &fingerprint,
            &host_header,
            response_evidence,
        )
        .await;
        rec.finish(step, CheckStatus::Fail, summary);
        skip_after_handshake(rec, options);
        return Ok(proxy_shown);
    }

    // A 101: is it a valid one?
    let response_evidence = Evidence::new("Response", response.evidence(&rec.redactor));
    let expected = request.expected_accept();
    let accept = response.header("Sec-WebSocket-Accept").unwrap_or("");
    let invalid = if !response.tokens("Upgrade").iter().any(|t| t == "websocket")
        || !response.tokens("Connection").iter().any(|t| t == "upgrade")
    {
        Some((
            "handshake.invalid_upgrade",
            "the 101 response lacks `Upgrade: websocket` or `Connection: Upgrade`".to_string(),
        ))
    } else if accept != expected {
        Some((
            "handshake.invalid_accept",
            format!("Sec-WebSocket-Accept is `{accept}`, expected `{expected}` for the key sent"),
        ))
    } else {
        None
    };
    // WS Doctor offers no extension, so a server that names one breaks the protocol.
    let invalid = invalid.or_else(|| {
        response
            .header("Sec-WebSocket-Extensions")
            .map(|extensions| {
                (
                    "handshake.invalid_extension",
                    format!("the server enabled extension `{extensions}`, which was not offered"),
                )
            })
    });
    let chosen = response
        .header("Sec-WebSocket-Protocol")
        .map(str::to_string);
    let invalid = invalid.or_else(|| match &chosen {
        Some(chosen) if !options.subprotocols.iter().any(|p| p == chosen) => Some((
            "subprotocol.not_offered",
            format!("the server chose subprotocol `{chosen}`, which was not offered"),
        )),
        _ => None,
    });
    if let Some((code, why)) = invalid {
        rec.diagnose(
            code,
            vec![Evidence::new("Problem", why.clone()), response_evidence],
        );
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("101 Switching Protocols, but {why}: clients must refuse it."),
        );
        skip_after_handshake(rec, options);
        return Ok(proxy_shown);
    }
    rec.finish(
        step,
        CheckStatus::Pass,
        format!(
            "101 Switching Protocols in {} ms ({}).",
            response.elapsed_ms,
            fingerprint.describe()
        ),
    );

    let step = rec.start("origin", Section::WebSocketSetup, "Origin");
    match &options.origin {
        Some(origin) => rec.finish(
            step,
            CheckStatus::Pass,
            format!("The server accepts Origin {origin}."),
        ),
        None => rec.finish(
            step,
            CheckStatus::Info,
            "No Origin was sent; browsers always send the page's origin (test it with --origin).",
        ),
    }
    let step = rec.start("subprotocol", Section::WebSocketSetup, "Subprotocol");
    match (&chosen, options.subprotocols.is_empty()) {
        (Some(chosen), _) => rec.finish(step, CheckStatus::Pass, format!("Negotiated `{chosen}`.")),
        (None, true) => rec.finish(step, CheckStatus::Info, "None offered, none chosen."),
        (None, false) => {
            rec.diagnose(
                "subprotocol.not_negotiated",
                vec![
                    Evidence::new("Offered", options.subprotocols.join(", ")),
                    response_evidence,
                ],
            );
            rec.finish(
                step,
                CheckStatus::Warn,
                format!(
                    "Offered {} but the server chose none: browsers fail this connection.",
                    options.subprotocols.join(", ")
                ),
            );
        }
    }

    let plan = session::Plan {
        message: options.message.clone(),
        reply_timeout: options.reply_timeout,
        close_timeout: options.close_timeout,
        probe_size: options.probe_size,
        idle: options.idle,
    };
    session::run(rec, stream, leftover, &plan).await;
    Ok(proxy_shown)
}

fn step_elapsed(attempts: &[net::Attempt]) -> u32 {
    attempts
        .iter()
        .filter_map(|a| a.result.as_ref().ok().copied())
        .next()
        .unwrap_or(0)
}

fn skip_after_handshake(rec: &mut Recorder, options: &CheckOptions) {
    for (id, section, title) in session_checks(options) {
        rec.skip(id, section, title, "the upgrade handshake failed");
    }
}

/// Names the cause when no HTTP response came back.
async fn unanswered(
    exchange: &Exchange,
    route: &Route,
    timeout: Duration,
) -> (&'static str, String, String) {
    let secs = timeout.as_secs_f32();
    match exchange {
        Exchange::Timeout { partial } if partial.is_empty() => (
            "handshake.timeout",
            format!("No answer to the upgrade request within {secs} s."),
            String::new(),
        ),
        Exchange::Timeout { partial } => (
            "handshake.timeout",
            format!("The response did not complete within {secs} s."),
            handshake::show_bytes(partial),
        ),
        Exchange::Closed { partial } | Exchange::Invalid { partial, .. }
            if handshake::looks_like_tls(partial) =>
        {
            (
                "url.needs_wss",
                "The port answered the plain-text request with TLS: it expects wss://.".to_string(),
                handshake::show_bytes(partial),
            )
        }
        Exchange::Closed { partial } if partial.is_empty() => {
            if !route.secure && route.speaks_tls().await {
                (
                    "url.needs_wss",
                    "The server closed the plain-text connection, and the same port completes a TLS handshake: it expects wss://.".to_string(),
                    String::new(),
                )
            } else {
                (
                    "handshake.no_response",
                    "The server closed the connection without answering the upgrade request."
                        .to_string(),
                    String::new(),
                )
            }
        }
        Exchange::Closed { partial } => (
            "handshake.invalid_response",
            "The server closed the connection in the middle of its response.".to_string(),
            handshake::show_bytes(partial),
        ),
        Exchange::Invalid { partial, reason } => (
            "handshake.invalid_response",
            format!("The answer is not a valid HTTP response: {reason}."),
            handshake::show_bytes(partial),
        ),
        // With TLS 1.3 a server's refusal of the client (no client certificate, say) arrives as an
        // alert after the client thinks the handshake is done, on the first read.
        Exchange::Broken { error } if error.contains("alert") => (
            "tls.handshake_failed",
            if error.contains("CertificateRequired") {
                format!(
                    "The server requires a client certificate (mutual TLS) and ended the connection: {error}."
                )
            } else {
                format!("The server ended TLS with an alert after the handshake: {error}.")
            },
            String::new(),
        ),
        Exchange::Broken { error } if error.to_ascii_lowercase().contains("reset") => (
            "tcp.reset",
            format!("The connection was reset as soon as the upgrade request was sent: {error}."),
            String::new(),
        ),
        Exchange::Broken { error } => (
            "handshake.no_response",
            format!("The connection broke while sending the upgrade request: {error}."),
            String::new(),
        ),
        Exchange::Answered { .. } => unreachable!("an answered exchange is not a failure"),
    }
}

/// Names the cause of a refused upgrade (any status but 101), with follow-up probes where they help.
#[allow(clippy::too_many_arguments)]
async fn refused(
    rec: &mut Recorder,
    options: &CheckOptions,
    route: &Route,
    request: &UpgradeRequest,
    response: &UpgradeResponse,
    fingerprint: &Fingerprint,
    host_header: &str,
    response_evidence: Evidence,
) {
    let status = response.status;
    let body = response.body_text().to_ascii_lowercase();
    let wants_origin_retry = matches!(status, 400 | 401 | 403);
    let wants_direct = options.direct.is_some() && matches!(status, 400 | 426 | 502 | 504);
    let direct_route = options.direct.as_deref().and_then(|d| parse_target(d).ok());
    // Secrets go only to the server they are for: another host named as the backend does not get them.
    let withheld: Vec<String> = match &direct_route {
        Some(direct) if !direct.host.eq_ignore_ascii_case(&route.host) => request
            .headers
            .iter()
            .filter(|(name, _)| rec.redactor.is_secret_header(name))
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    };

    let (origin, socketio, direct) = tokio::join!(
        async {
            if wants_origin_retry {
                Some(follow_up::origin_retries(route, request).await)
            } else {
                None
            }
        },
        async {
            if (200..300).contains(&status) || status == 301 || status == 302 || status == 401 {
                None
            } else {
                follow_up::socketio(route, host_header).await
            }
        },
        async {
            let target = direct_route.as_ref().filter(|_| wants_direct)?;
            let direct = Route {
                host: target.host.clone(),
                port: target.port,
                secure: target.secure,
                proxy: None,
                connect_timeout: options.connect_timeout,
                handshake_timeout: options.handshake_timeout,
            };
            let path = match target.url.query() {
                Some(query) => format!("{}?{query}", target.url.path()),
                None => target.url.path().to_string(),
            };
            let host = match target.url.port() {
                Some(port) => format!("{}:{port}", target.host),
                None => target.host.clone(),
            };
            let mut direct_request = request.clone();
            direct_request.path = path;
            direct_request.host_header = host;
            direct_request
                .headers
                .retain(|(name, _)| !withheld.contains(name));
            let result = direct.upgrade(&direct_request).await;
            Some((target.url.to_string(), result))
        }
    );

    let mut evidence = vec![response_evidence];
    let mut origin_rejected = false;
    if let Some((lines, accepted)) = &origin {
        evidence.push(Evidence::new("Follow-up: Origin", lines.join("\n")));
        origin_rejected = *accepted;
    }
    let mut backend_works = false;
    if let Some((url, result)) = &direct {
        backend_works = matches!(result, Ok(r) if r.status == 101);
        let mut line = follow_up::describe(&rec.redactor.url(url), result);
        if !withheld.is_empty() {
            line.push_str(&format!(
                "\n(not sent to the backend, another host than the target: {})",
                withheld.join(", ")
            ));
        }
        evidence.push(Evidence::new("Follow-up: the backend directly", line));
    }
    let proxied = fingerprint.proxy.is_some();
    let auth_hint = response.header("WWW-Authenticate").is_some()
        || ["token", "auth", "credential", "unauthori", "login", "jwt"]
            .iter()
            .any(|w| body.contains(w));
    let mentions_subprotocol =
        body.contains("subprotocol") || body.contains("sec-websocket-protocol");
    let mentions_origin = body.contains("origin");
    let mentions_upgrade = body.contains("upgrade") || body.contains("websocket protocol");

    let code = match status {
        200..=299 => "handshake.not_websocket",
        300..=399 => {
            if let Some(location) = response.header("Location") {
                evidence.push(Evidence::new("Redirects to", location.to_string()));
            }
            "handshake.redirect"
        }
        400 if body.contains("plain http request was sent to https port") => "url.needs_wss",
        400 if request.subprotocols.is_empty() && mentions_subprotocol => "subprotocol.required",
        400 | 401 | 403 if origin_rejected => "handshake.origin_rejected",
        400 | 403 if mentions_origin => "handshake.origin_rejected",
        // A backend that saw no upgrade says so (gorilla: "'upgrade' token not found"); behind a proxy
        // that, or a backend that accepts when probed directly, means the proxy dropped the headers.
        400 if proxied && (backend_works || mentions_upgrade) && !mentions_subprotocol => {
            "proxy.upgrade_stripped"
        }
        400 => "handshake.bad_request",
        401 => "handshake.auth_required",
        403 if auth_hint => "handshake.auth_required",
        403 => "handshake.forbidden",
        404 => "handshake.not_found",
        426 if proxied || backend_works => "proxy.upgrade_stripped",
        426 => "handshake.upgrade_required",
        502 | 504 => "proxy.bad_gateway",
        500..=599 => "handshake.server_error",
        _ => "handshake.bad_request",
    };
    rec.diagnose(code, evidence);
    if let Some(line) = socketio {
        rec.diagnose(
            "socketio.detected",
            vec![Evidence::new("Follow-up: Socket.IO", line)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secret_headers_and_url_credentials() {
        let options = CheckOptions {
            url: "wss://host/ws?token=abc123&room=1".into(),
            headers: vec![
                ("Authorization".into(), "Bearer s3cr3t-bearer".into()),
                ("X-Tenant-Key".into(), "tenant-secret".into()),
                ("X-Trace".into(), "visible-trace".into()),
            ],
            secret_headers: vec!["x-tenant-key".into()],
            proxy: Some("http://joe:proxy-pass@proxy.local:3128".into()),
            key_passphrase: Some(crate::profile::Sensitive::new("key-pass".into())),
            ..CheckOptions::default()
        };
        let debug = format!("{options:?}");
        for secret in [
            "abc123",
            "s3cr3t-bearer",
            "tenant-secret",
            "proxy-pass",
            "key-pass",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        for shown in ["Bearer", "visible-trace", "room=1", "proxy.local"] {
            assert!(debug.contains(shown), "{shown} missing from {debug}");
        }
    }
}
