//! A check: every layer of a WebSocket connection probed in order (URL, DNS, TCP, proxy, TLS, the upgrade
//! handshake, then the open connection), each ending in a checklist item with evidence, and every
//! problem named by a catalog code.
//!
//! A layer that fails makes the layers above it moot: they are recorded as skipped with the reason,
//! rather than piling consequences on the root cause. Every network step, send and loop has its own
//! deadline, and the live probes as a whole are held to [`time_budget`], so a check always ends.

mod budget;
mod compression_retry;
mod frameworks;
mod front_door;
mod items;
mod reach;
mod session;
mod speak;
mod upgrade;

use std::time::{Duration, Instant};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::mpsc;

use crate::redact::Redactor;
use crate::report::{HeaderLine, Report, TargetSummary};
use crate::{Error, Result, tls};

pub use crate::browser::ClientProfile;
use crate::report::Recorder;
pub use crate::report::{CheckEvent, PlannedCheck};
use crate::target::RunPlan;
pub use crate::target::{
    CheckOptions, CheckRequest, HeaderInput, ServerRequest, TargetRequest, validate_header,
};
pub use budget::time_budget;
use items::Item;

fn ms(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

/// The checks a run of `options` expects to make, in order.
pub fn plan(options: &CheckOptions) -> Vec<PlannedCheck> {
    planned(options, &RunPlan::of(options))
}

fn planned(options: &CheckOptions, run: &RunPlan) -> Vec<PlannedCheck> {
    let live = !options.url.trim().is_empty();
    let mut list = if options.server.is_empty() {
        Vec::new()
    } else {
        crate::inspect::plan(&options.server, &inspect_context(options, run))
    };
    if live {
        list.extend(
            items::all(options, run)
                .into_iter()
                .map(|item| PlannedCheck {
                    id: item.id.into(),
                    section: item.section,
                    title: item.title.into(),
                }),
        );
    }
    list
}

fn inspect_context(options: &CheckOptions, run: &RunPlan) -> crate::inspect::TargetContext {
    crate::inspect::TargetContext {
        url: run.parsed().map(|t| t.url.clone()),
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

/// Records every planned item after `failed` as skipped, `because` that layer failed.
pub(super) fn skip_after(rec: &mut Recorder, failed: Item, because: &str) {
    rec.skip_planned_after(failed.id, because);
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

/// Runs a check. Only unusable input (an unreadable CA file, a malformed proxy URL) is an error; every
/// network outcome is a finding in the report.
pub async fn run_check(
    options: &CheckOptions,
    progress: Option<mpsc::UnboundedSender<CheckEvent>>,
) -> Result<Report> {
    let started_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    // The run is planned once: the URL parsed, the protocol chosen, the proxy decided.
    let run = RunPlan::of(options);
    let client_tls = crate::target::client_tls(options)?;
    let jar = match &options.cookie_file {
        Some(path) => crate::browser::cookie_jar::load(path)
            .map_err(|e| Error::field_value("cookieFile", e))?,
        None => Vec::new(),
    };

    let redactor = Redactor::new(&options.secret_headers);
    // Learn every secret value up front, so it is scrubbed wherever it appears later: the summary below
    // teaches the URLs, headers and subprotocols, `learn_secrets` the rest.
    crate::target::learn_secrets(&redactor, options);
    crate::browser::cookie_jar::remember(&redactor, &jar);
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
        client: options.client.describe().to_string(),
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
    let live = !options.url.trim().is_empty();
    if !live && options.server.is_empty() {
        return Err(Error::field_value(
            "url",
            "nothing to check: give a URL, or a server-side option such as --process, --port, --log, --proxy-config or --project",
        ));
    }
    let mut rec = Recorder::new(redactor, progress);
    // Dropping this run (a cancel) stops the server-side scans at their next step.
    let _cancel = rec.cancel_on_drop();
    rec.plan(planned(options, &run));
    if !options.server.is_empty() {
        // File and /proc reads block: keep them off the async workers.
        let target = inspect_context(options, &run);
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
        match tokio::time::timeout(budget, probe(&mut rec, options, &run, &client_tls, &jar)).await
        {
            Ok(shown) => shown?,
            Err(_) => {
                // A step outran its own deadline: whatever did not finish is said, not left hanging.
                rec.skip_planned_not_run(&format!(
                    "the check reached its time budget of {} s",
                    budget.as_secs()
                ));
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
        diagnoses.retain(|d| sections.contains(&d.section));
    }
    let mut report = Report::of_run(
        TargetSummary {
            proxy: proxy_shown,
            ..target_summary
        },
        started_at.format(&Rfc3339).unwrap_or_default(),
        crate::net::dial::elapsed_ms(started),
        checks,
        diagnoses,
    );
    // The one pass once more over the whole model: a secret first seen late in the run (in a log line,
    // a response) is scrubbed from what was recorded before it too.
    report.redact(&rec.redactor);
    report.redactions = rec.redactor.count();
    report.redacted = rec.redactor.labels();
    Ok(report)
}

/// The layers in order. Returns the proxy used (for the report), if any.
async fn probe(
    rec: &mut Recorder,
    options: &CheckOptions,
    run: &RunPlan,
    client_tls: &tls::ClientTls,
    jar: &[crate::browser::cookie_jar::Cookie],
) -> Result<Option<String>> {
    let Some(target) = reach::url::record(rec, options, run) else {
        return Ok(None);
    };
    reach::page_policy::record(rec, options, &target).await;
    // The cookies a browser would attach go with every request of the run, as a browser's would.
    let with_cookies;
    let options = match reach::cookies::record(rec, options, &target, jar) {
        Some(header) => {
            let mut headers = options.headers.clone();
            headers.push(("Cookie".to_string(), header));
            with_cookies = CheckOptions {
                headers,
                ..options.clone()
            };
            &with_cookies
        }
        None => options,
    };
    reach::token_expiry::record(rec, options, &target);
    let route = options
        .route_to(&target)
        .map_err(|e| Error::field_value("proxy", e))?;
    let proxy = route.proxy.clone();
    let proxy_shown = proxy
        .as_ref()
        .map(|p| format!("{} (from {})", p.shown, p.source));
    let Some(tcp) = reach::network::record(rec, options, &target, &proxy).await else {
        return Ok(proxy_shown);
    };
    let Some(stream) = reach::tls::record(rec, options, client_tls, &target, tcp).await? else {
        return Ok(proxy_shown);
    };
    speak::record(rec, options, run, target.clone(), &route, stream).await;
    compression_retry::compare(rec, options, run, &target, &route, client_tls).await;
    front_door::amend(rec, &route).await;
    Ok(proxy_shown)
}
