//! The frontend's WebSocket code: which URLs it connects to, whether they can work where the app ships,
//! whether drops are handled, and dev-server hot-reload settings that break behind a proxy.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::port::is_loopback_host;
use super::project::{Project, Quote};
use crate::report::Recorder;
use crate::report::{Evidence, Section};

static WS_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"wss?://[^\s'"`<>)\]},;]+"#).unwrap());
static OPENERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"new\s+(?:WebSocket|ReconnectingWebSocket|EventSource)\s*\(|\bio\s*\(\s*['"`]|socket\.io-client|new\s+SockJS\s*\("#).unwrap()
});
static NEW_WEBSOCKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"new\s+WebSocket\s*\(").unwrap());
static CLOSE_HANDLING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)onclose|addEventListener\(\s*['"]close['"]|\.on\(\s*['"]close['"]|reconnect"#)
        .unwrap()
});
static HMR_FIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)hmr\s*:\s*\{[^}]*\b(?:host\s*:\s*['"](?:localhost|127\.0\.0\.1|0\.0\.0\.0)['"]|port\s*:\s*\d+)[^}]*\}"#).unwrap()
});
static HMR_CLIENT_PORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"clientPort|webSocketURL").unwrap());
static PROXY_SOCKET_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)['"]/(?:ws|socket\.io|socket|websocket|cable)[^'"]*['"]\s*:\s*\{([^{}]*)\}"#)
        .unwrap()
});

/// What the check knows about the target and the page.
pub(crate) struct PageContext<'a> {
    pub url: Option<&'a Url>,
    /// The app is served over https (from --page-url, or a wss:// target).
    pub served_over_https: bool,
}

fn is_dev_host(host: &str) -> bool {
    is_loopback_host(host) || host == "0.0.0.0" || host.parse::<std::net::IpAddr>().is_ok()
}

fn same_endpoint(found: &Url, target: &Url) -> bool {
    found.host_str() == target.host_str()
        && found.port_or_known_default() == target.port_or_known_default()
        && (found.path() == target.path()
            || found.path() == "/"
            || target.path().starts_with(found.path()))
}

pub(crate) fn check(rec: &mut Recorder, project: &Project, target: &PageContext) {
    let mut step = rec.start("frontend", Section::FrontendConnection, "Frontend code");
    let mut urls: Vec<(Url, Quote, bool)> = Vec::new(); // (url, quote, ships)
    let mut openers = Vec::new();
    let mut no_reconnect = Vec::new();
    let mut hmr = Vec::new();
    for file in &project.files {
        let ships = !file.is_test()
            && !(file.is_env()
                && (file.name().contains("development")
                    || file.name().contains("local")
                    || file.name().contains("test")));
        for m in WS_URL.find_iter(&file.text) {
            let text = m.as_str();
            // Template placeholders (`${host}`) are not fixed URLs.
            if text.contains("${") || text.contains("{{") {
                continue;
            }
            if let Ok(url) = Url::parse(text) {
                urls.push((url, file.quote(m.start()), ships));
            }
        }
        if let Some(m) = OPENERS.find(&file.text) {
            openers.push(file.quote(m.start()));
        }
        if !file.is_test()
            && let Some(m) = NEW_WEBSOCKET.find(&file.text)
            && !CLOSE_HANDLING.is_match(&file.text)
        {
            no_reconnect.push(file.quote(m.start()));
        }
        let config_file = file.name().starts_with("vite.config")
            || file.name().starts_with("webpack.config")
            || file.name().starts_with("vue.config");
        if config_file {
            if let Some(m) = HMR_FIXED.find(&file.text)
                && !HMR_CLIENT_PORT.is_match(m.as_str())
            {
                hmr.push(
                    file.quote(m.start())
                        .noted(" (hmr with a fixed host or port and no clientPort)"),
                );
            }
            for caps in PROXY_SOCKET_ENTRY.captures_iter(&file.text) {
                let body = caps.get(1).map(|m| m.as_str()).unwrap_or("");
                if !body.contains("ws: true") && !body.contains("ws:true") {
                    let at = caps.get(0).map(|m| m.start()).unwrap_or(0);
                    hmr.push(
                        file.quote(at)
                            .noted(" (socket path proxied without `ws: true`)"),
                    );
                }
            }
        }
    }

    let hardcoded: Vec<Quote> = urls
        .iter()
        .filter(|(url, _, ships)| *ships && url.host_str().is_some_and(is_dev_host))
        .map(|(_, quote, _)| quote.clone())
        .collect();
    let insecure: Vec<Quote> = if target.served_over_https {
        urls.iter()
            .filter(|(url, _, ships)| *ships && url.scheme() == "ws")
            .map(|(_, q, _)| q.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mismatch: Vec<Quote> = match target.url {
        Some(target_url)
            if !urls.is_empty() && !urls.iter().any(|(u, _, _)| same_endpoint(u, target_url)) =>
        {
            urls.iter()
                .filter(|(_, _, ships)| *ships)
                .map(|(u, q, _)| q.clone().noted(format!("\n  → {u} is not {target_url}")))
                .collect()
        }
        _ => Vec::new(),
    };

    let problems = super::name_findings(
        rec,
        &[
            ("frontend.insecure_ws", &insecure),
            ("frontend.hardcoded_url", &hardcoded),
            ("frontend.url_mismatch", &mismatch),
            ("frontend.hmr_config", &hmr),
            ("frontend.no_reconnect", &no_reconnect),
        ],
    );

    step.evidence.push(Evidence::new(
        "Scanned",
        format!(
            "{} files ({} over 1 MB and {} unreadable skipped; node_modules and build output not read)",
            project.files.len(),
            project.skipped_large,
            project.unreadable
        ),
    ));
    if !openers.is_empty() {
        step.evidence.push(Evidence::new(
            "Connections opened",
            openers
                .iter()
                .take(20)
                .map(|q| q.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    if !urls.is_empty() {
        step.evidence.push(Evidence::new(
            "WebSocket URLs",
            urls.iter()
                .take(20)
                .map(|(_, q, _)| q.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    let status = super::status_of(&problems);
    let summary = if openers.is_empty() && urls.is_empty() {
        format!(
            "No WebSocket connection found in {} files.",
            project.files.len()
        )
    } else if problems.is_empty() {
        format!(
            "{} place(s) open a connection; {} URL(s) found; nothing to fix.",
            openers.len(),
            urls.len()
        )
    } else {
        format!(
            "{} place(s) open a connection; found {}.",
            openers.len(),
            problems.join(", ")
        )
    };
    rec.finish(step, status, summary);
}
