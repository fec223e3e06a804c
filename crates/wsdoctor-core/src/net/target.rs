//! The target URL, checked and split into what a connection needs; `http(s)://` is taken as its WebSocket
//! twin, as browsers' `new WebSocket()` does.

use url::Url;

use crate::{Error, Result};

/// A URL checked and split into what the connection needs.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub host: String,
    pub port: u16,
    pub secure: bool,
}

impl Target {
    /// The `Host` header a request to this target carries: the host as written in the URL (an IPv6
    /// address in brackets), with the port when the URL names one.
    pub fn host_header(&self) -> String {
        let host = self.url.host_str().unwrap_or(&self.host);
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// The request target of an HTTP request to this URL: its path, and its query if it has one.
    pub fn path_and_query(&self) -> String {
        match self.url.query() {
            Some(query) => format!("{}?{query}", self.url.path()),
            None => self.url.path().to_string(),
        }
    }
}

/// Checks a URL and maps `http(s)` onto `ws(s)`.
pub fn parse_target(input: &str) -> Result<Target> {
    let mut url = Url::parse(input.trim())
        .map_err(|e| Error::InvalidInput(format!("`{input}` is not a valid URL: {e}")))?;
    let secure = match url.scheme() {
        "ws" => false,
        "wss" => true,
        "http" | "https" => {
            let secure = url.scheme() == "https";
            url.set_scheme(if secure { "wss" } else { "ws" })
                .map_err(|()| {
                    Error::InvalidInput(format!("cannot use `{input}` as a WebSocket URL"))
                })?;
            secure
        }
        other => {
            return Err(Error::InvalidInput(format!(
                "`{other}://` is not a WebSocket scheme: use ws:// or wss://"
            )));
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::InvalidInput(format!("`{input}` has no host")))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(if secure { 443 } else { 80 });
    Ok(Target {
        url,
        host,
        port,
        secure,
    })
}
