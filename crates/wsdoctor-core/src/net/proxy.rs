//! HTTP CONNECT proxies: which one a connection uses (explicit, or the environment's with `NO_PROXY`), and
//! the tunnel through it. The credentials in a proxy URL become a `Proxy-Authorization` header, never text.

use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

/// An HTTP proxy to tunnel through with CONNECT.
#[derive(Debug, Clone)]
pub(crate) struct Proxy {
    pub host: String,
    pub port: u16,
    /// `Basic …` from the proxy URL's user info; never shown.
    pub authorization: Option<String>,
    /// Where the proxy setting came from (`--proxy`, `HTTPS_PROXY`, ...).
    pub source: String,
    /// The proxy URL with any password hidden.
    pub shown: String,
}

/// The proxy a connection to `host` should use: the explicit one, else the environment's (unless
/// `NO_PROXY` excludes the host), else the desktop's (GNOME's manual proxy, unless its `ignore-hosts`
/// excludes the host).
pub(crate) fn choose_proxy(
    explicit: Option<&str>,
    use_env: bool,
    host: &str,
    secure: bool,
) -> Result<Option<Proxy>, String> {
    if let Some(url) = explicit {
        return parse_proxy(url, "--proxy").map(Some);
    }
    if !use_env {
        return Ok(None);
    }
    let names: &[&str] = if secure {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let Some((name, value)) = names.iter().find_map(|n| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*n, v))
    }) else {
        return desktop_proxy(host, secure);
    };
    let no_proxy = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    if excluded(&no_proxy, host) {
        return Ok(None);
    }
    parse_proxy(&value, name).map(Some)
}

/// Whether `NO_PROXY` (comma-separated hosts, domain suffixes, `*`) excludes `host`.
pub(crate) fn excluded(no_proxy: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .any(|entry| {
            if entry.is_empty() {
                return false;
            }
            if entry == "*" {
                return true;
            }
            let entry = entry
                .split(':')
                .next()
                .unwrap_or("")
                .trim_start_matches('.')
                .to_string();
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}

/// GNOME's manual proxy for `host`, as a browser on this desktop uses it.
fn desktop_proxy(host: &str, secure: bool) -> Result<Option<Proxy>, String> {
    match super::system_proxy::gnome(host, secure) {
        super::system_proxy::Desktop::Manual {
            proxy: Some(proxy),
            ignore,
        } if !super::system_proxy::ignored(&ignore, host) => {
            parse_proxy(&proxy, "GNOME proxy settings (org.gnome.system.proxy)").map(Some)
        }
        _ => Ok(None),
    }
}

fn parse_proxy(value: &str, source: &str) -> Result<Proxy, String> {
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| format!("{source} `{value}` is not a valid proxy URL: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!(
            "{source}: only http:// proxies (HTTP CONNECT) are supported, not {}://",
            url.scheme()
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| format!("{source} `{value}` has no host"))?
        .trim_matches(['[', ']'])
        .to_string();
    let authorization = (!url.username().is_empty()).then(|| {
        let user = percent_decode(url.username());
        let pass = percent_decode(url.password().unwrap_or(""));
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    });
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some(crate::redact::REDACTED));
    }
    Ok(Proxy {
        host,
        port: url.port_or_known_default().unwrap_or(8080),
        authorization,
        source: source.to_string(),
        shown: shown.to_string(),
    })
}

/// Decodes `%XX` escapes (as in a URL's user info).
pub(crate) fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Why a CONNECT tunnel did not open.
#[derive(Debug, Clone)]
pub(crate) enum TunnelError {
    /// The proxy answered, with a status other than 2xx.
    Refused(Refusal),
    /// No answer, a closed connection, or an answer that is not HTTP.
    Failed(String),
}

/// A proxy's refusal of CONNECT, as far as it names the reason.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub status: u16,
    pub status_line: String,
    /// `Proxy-Authenticate` challenges (the schemes the proxy accepts), as sent.
    pub challenges: Vec<String>,
    /// Squid's own reason (`X-Squid-Error: ERR_ACCESS_DENIED 0`) or the `Server` header.
    pub proxy_says: Option<String>,
    /// Whether this request carried `Proxy-Authorization`.
    pub sent_credentials: bool,
}

impl std::fmt::Display for TunnelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TunnelError::Refused(refusal) => {
                write!(f, "the proxy answered `{}`", refusal.status_line)
            }
            TunnelError::Failed(why) => f.write_str(why),
        }
    }
}

/// The most header lines a proxy's answer to CONNECT is read with.
const MAX_ANSWER_HEADERS: usize = 64;

/// Opens a CONNECT tunnel to `host:port` through an established connection to the proxy.
/// Returns the proxy's status line on success.
pub(crate) async fn connect_tunnel(
    mut stream: TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<(TcpStream, String), TunnelError> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = &proxy.authorization {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let exchange = async {
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        // Byte by byte, so nothing after the proxy's answer (the server's first bytes) is consumed.
        while !buf.ends_with(b"\r\n\r\n") {
            if buf.len() > 16 * 1024 {
                return Err("the proxy's answer is too large".to_string());
            }
            if stream.read(&mut byte).await.map_err(|e| e.to_string())? == 0 {
                return Err("the proxy closed the connection without answering CONNECT".to_string());
            }
            buf.push(byte[0]);
        }
        Ok(buf)
    };
    let head = match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result.map_err(TunnelError::Failed)?,
        Err(_) => {
            return Err(TunnelError::Failed(format!(
                "the proxy did not answer CONNECT within {} s",
                timeout.as_secs_f32()
            )));
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_ANSWER_HEADERS];
    let mut answer = httparse::Response::new(&mut headers);
    let status = match answer.parse(&head) {
        Ok(httparse::Status::Complete(_)) => answer.code.unwrap_or(0),
        _ => {
            let first = String::from_utf8_lossy(&head);
            let first = first
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(TunnelError::Failed(format!(
                "the proxy's answer to CONNECT is not HTTP: `{first}`"
            )));
        }
    };
    let status_line = format!(
        "HTTP/1.{} {status} {}",
        answer.version.unwrap_or(1),
        answer.reason.unwrap_or("")
    )
    .trim_end()
    .to_string();
    if (200..300).contains(&status) {
        return Ok((stream, status_line));
    }
    let values = |name: &str| -> Vec<String> {
        answer
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).chars().take(300).collect())
            .collect()
    };
    let proxy_says = values("X-Squid-Error")
        .into_iter()
        .next()
        .or_else(|| values("Server").into_iter().next());
    Err(TunnelError::Refused(Refusal {
        status,
        status_line,
        challenges: values("Proxy-Authenticate"),
        proxy_says,
        sent_credentials: proxy.authorization.is_some(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assert_lacks;

    #[test]
    fn no_proxy_matches_hosts_suffixes_and_star() {
        assert!(excluded("localhost,.internal.test", "api.internal.test"));
        assert!(excluded("localhost, example.com:443", "example.com"));
        assert!(excluded("*", "anything"));
        assert!(!excluded("example.com", "notexample.com"));
        assert!(!excluded("", "example.com"));
    }

    #[test]
    fn proxy_urls_keep_credentials_out_of_sight() {
        let proxy = parse_proxy("http://alice:s%40cret@127.0.0.1:3128", "--proxy").unwrap();
        assert_eq!((proxy.host.as_str(), proxy.port), ("127.0.0.1", 3128));
        assert_eq!(
            proxy.authorization.as_deref(),
            Some(
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode("alice:s@cret")
                )
                .as_str()
            )
        );
        assert_lacks!(proxy.shown, "cret");
        assert!(parse_proxy("socks5://127.0.0.1:1080", "--proxy").is_err());
    }
}
