//! Who answered: the server software, proxies and CDNs a response reveals in its headers and body.

use crate::check::upgrade::handshake::UpgradeResponse;

/// What a response says about the software that produced it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    /// The `Server` header, as sent.
    pub server: Option<String>,
    /// A reverse proxy or load balancer recognised in the answer (nginx, Caddy, HAProxy, ...).
    pub proxy: Option<&'static str>,
    /// A CDN recognised by its headers.
    pub cdn: Option<&'static str>,
    pub via: Option<String>,
}

const PROXIES: &[(&str, &str)] = &[
    ("openresty", "nginx (OpenResty)"),
    ("nginx", "nginx"),
    ("caddy", "Caddy"),
    ("haproxy", "HAProxy"),
    ("apache", "Apache httpd"),
    ("envoy", "Envoy"),
    ("traefik", "Traefik"),
    ("awselb", "AWS load balancer"),
    ("cloudflare", "Cloudflare"),
    ("varnish", "Varnish"),
    ("squid", "Squid"),
];

/// Sentences of HAProxy's built-in error pages (it sends no `Server` header of its own).
const HAPROXY_PAGES: &[&str] = &[
    "haproxy",
    "your browser sent an invalid request.",
    "no server is available to handle this request.",
    "the server didn't respond in time.",
];

impl Fingerprint {
    pub fn of(response: &UpgradeResponse) -> Self {
        let server = response.header("Server").map(str::to_string);
        let via = response.header("Via").map(str::to_string);
        let body = response.body_text().to_ascii_lowercase();
        let server_lower = server.as_deref().unwrap_or("").to_ascii_lowercase();
        let mut proxy = PROXIES
            .iter()
            .find(|(needle, _)| server_lower.contains(needle))
            .map(|(_, name)| *name);
        if proxy.is_none() {
            if body.contains("<center>nginx") {
                proxy = Some("nginx");
            } else if HAPROXY_PAGES.iter().any(|page| body.contains(page)) {
                proxy = Some("HAProxy");
            } else if via.is_some() {
                proxy = Some("a proxy (Via header)");
            }
        }
        let cdn = if response.header("CF-Ray").is_some() {
            Some("Cloudflare")
        } else if response.header("X-Amz-Cf-Id").is_some() {
            Some("Amazon CloudFront")
        } else if response
            .header("X-Served-By")
            .is_some_and(|v| v.contains("cache-"))
        {
            Some("Fastly")
        } else if response.header("X-Akamai-Transformed").is_some() {
            Some("Akamai")
        } else {
            None
        };
        Fingerprint {
            server,
            proxy,
            cdn,
            via,
        }
    }

    /// One line for a report.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(server) = &self.server {
            parts.push(format!("Server: {server}"));
        }
        if let Some(proxy) = self.proxy {
            parts.push(format!("proxy: {proxy}"));
        }
        if let Some(cdn) = self.cdn {
            parts.push(format!("CDN: {cdn}"));
        }
        if let Some(via) = &self.via {
            parts.push(format!("Via: {via}"));
        }
        if parts.is_empty() {
            "no Server, Via or CDN header".to_string()
        } else {
            parts.join("; ")
        }
    }
}
