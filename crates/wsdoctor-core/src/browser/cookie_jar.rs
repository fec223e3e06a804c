//! The cookies a browser attaches to the WebSocket handshake. A page's script cannot set a Cookie
//! header on a WebSocket: the browser sends what its jar holds for the socket's URL, by Domain, Path,
//! Secure, expiry and SameSite (the handshake is not a top-level navigation, so a cross-site page gets
//! neither Strict nor Lax cookies; Chrome takes a cookie without SameSite as Lax). A session cookie that
//! stays behind is a server that sees no session.
//!
//! The jar comes from a Netscape cookie file (curl's, a browser extension's export) or a HAR's cookies;
//! values are secrets: only names reach the report, and the values go to the redactor.

use std::path::Path;

use url::Url;

use super::client_profile::ClientProfile;
use crate::redact::Redactor;

/// A cookie file is refused past this size.
const MAX_JAR_BYTES: u64 = 8 << 20;
/// Cookies read from one file, at most.
const MAX_COOKIES: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SameSite {
    Strict,
    Lax,
    None,
}

/// One cookie as the jar holds it.
#[derive(Clone)]
pub(crate) struct Cookie {
    pub name: String,
    pub value: String,
    /// Without a leading dot.
    pub domain: String,
    /// Set without a Domain attribute: only that exact host gets it.
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    /// Seconds since the epoch; `None` for a session cookie.
    pub expires: Option<i64>,
    pub same_site: Option<SameSite>,
}

impl std::fmt::Debug for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cookie")
            .field("name", &self.name)
            .field("domain", &self.domain)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Reads a cookie file: a HAR (JSON) or the Netscape format, told apart by the first character.
pub(crate) fn load(path: &Path) -> Result<Vec<Cookie>, String> {
    let text = crate::input_file::read_text_capped(path, MAX_JAR_BYTES, "cookie file")?;
    let cookies = if text.trim_start().starts_with('{') {
        from_har(&text)?
    } else {
        from_netscape(&text)
    };
    if cookies.is_empty() {
        return Err(format!(
            "{} holds no cookie (a Netscape cookie file or a HAR is expected)",
            path.display()
        ));
    }
    Ok(cookies)
}

/// `domain \t subdomains \t path \t secure \t expires \t name \t value`, `#HttpOnly_` before the domain.
fn from_netscape(text: &str) -> Vec<Cookie> {
    text.lines()
        .filter_map(|line| {
            let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
            if line.starts_with('#') || line.trim().is_empty() {
                return None;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
                return None;
            };
            let expires: i64 = expires.trim().parse().ok()?;
            Some(Cookie {
                name: name.to_string(),
                value: value.trim_end_matches('\r').to_string(),
                domain: domain.trim_start_matches('.').to_ascii_lowercase(),
                host_only: !subdomains.eq_ignore_ascii_case("TRUE"),
                path: path.to_string(),
                secure: secure.eq_ignore_ascii_case("TRUE"),
                expires: (expires != 0).then_some(expires),
                // The format has no SameSite: the browser's default applies.
                same_site: None,
            })
        })
        .take(MAX_COOKIES)
        .collect()
}

/// The cookies of every entry's request and response in a HAR (as Chrome and Firefox export it).
fn from_har(text: &str) -> Result<Vec<Cookie>, String> {
    let har: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the HAR is not valid JSON: {e}"))?;
    let entries = har
        .pointer("/log/entries")
        .and_then(|e| e.as_array())
        .ok_or("the HAR has no log.entries")?;
    let mut cookies: Vec<Cookie> = Vec::new();
    for entry in entries {
        let host = entry
            .pointer("/request/url")
            .and_then(|u| u.as_str())
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        for side in ["/request/cookies", "/response/cookies"] {
            for c in entry
                .pointer(side)
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
            {
                let text = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
                let Some(name) = text("name") else { continue };
                let domain = text("domain");
                let cookie = Cookie {
                    name,
                    value: text("value").unwrap_or_default(),
                    host_only: domain.is_none(),
                    domain: domain
                        .unwrap_or_else(|| host.clone())
                        .trim_start_matches('.')
                        .to_ascii_lowercase(),
                    path: text("path").unwrap_or_else(|| "/".into()),
                    secure: c.get("secure").and_then(|v| v.as_bool()).unwrap_or(false),
                    expires: text("expires").and_then(|e| {
                        time::OffsetDateTime::parse(
                            &e,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                        .map(|t| t.unix_timestamp())
                    }),
                    same_site: text("sameSite").and_then(|s| {
                        match s.to_ascii_lowercase().as_str() {
                            "strict" => Some(SameSite::Strict),
                            "lax" => Some(SameSite::Lax),
                            "none" | "no_restriction" => Some(SameSite::None),
                            _ => None,
                        }
                    }),
                };
                // A request's cookie repeats what a response set: keep the one with attributes.
                if let Some(same) = cookies
                    .iter_mut()
                    .find(|k| k.name == cookie.name && k.domain == cookie.domain)
                {
                    if cookie.same_site.is_some() || !cookie.host_only {
                        *same = cookie;
                    }
                } else if cookies.len() < MAX_COOKIES {
                    cookies.push(cookie);
                }
            }
        }
    }
    Ok(cookies)
}

/// Teaches the redactor every value (a session cookie is a credential wherever it is quoted).
pub(crate) fn remember(redactor: &Redactor, cookies: &[Cookie]) {
    for cookie in cookies.iter().filter(|c| !c.value.is_empty()) {
        redactor.remember(&cookie.value, format!("cookie {}", cookie.name));
    }
}

/// Why a browser would not attach `cookie` to a handshake to `socket` from `page`; `None` when it would.
pub(crate) fn withheld_because(
    cookie: &Cookie,
    socket: &Url,
    page: Option<&Url>,
    client: ClientProfile,
    now: i64,
) -> Option<String> {
    let host = socket.host_str().unwrap_or("").to_ascii_lowercase();
    let domain_ok = if cookie.host_only {
        host == cookie.domain
    } else {
        host == cookie.domain || host.ends_with(&format!(".{}", cookie.domain))
    };
    if !domain_ok {
        return Some(if cookie.host_only {
            format!(
                "it belongs to {} only (no Domain attribute), not {host}",
                cookie.domain
            )
        } else {
            format!("its Domain is {}, which {host} is not in", cookie.domain)
        });
    }
    if !path_matches(socket.path(), &cookie.path) {
        return Some(format!(
            "its Path is {}, and the socket's path {} is not under it",
            cookie.path,
            socket.path()
        ));
    }
    if cookie.expires.is_some_and(|at| at <= now) {
        return Some("it has expired".into());
    }
    let secure_channel = socket.scheme() == "wss"
        // Chrome treats localhost as a secure context for Secure cookies.
        || (client == ClientProfile::Chrome && matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]"));
    if cookie.secure && !secure_channel {
        return Some("it is Secure, and ws:// is not a secure connection (use wss://)".into());
    }
    let same_site = match (cookie.same_site, client) {
        (Some(s), _) => s,
        // Chrome's Lax-by-default; Firefox and Safari send a cookie without SameSite everywhere.
        (None, ClientProfile::Chrome) => SameSite::Lax,
        (None, _) => SameSite::None,
    };
    if same_site == SameSite::None && cookie.same_site.is_some() && !cookie.secure {
        return Some("it is SameSite=None without Secure, which browsers refuse to keep".into());
    }
    let cross_site =
        page.is_some_and(|page| super::site::schemeful(page) != super::site::schemeful(socket));
    if cross_site && same_site != SameSite::None {
        let how = match (cookie.same_site, same_site) {
            (None, _) => "it has no SameSite, which Chrome takes as Lax",
            (_, SameSite::Strict) => "it is SameSite=Strict",
            _ => "it is SameSite=Lax",
        };
        return Some(format!(
            "{how}, and the page ({}) is on another site than the socket: a WebSocket is not a top-level navigation",
            page.map(super::site::schemeful).unwrap_or_default()
        ));
    }
    None
}

/// The names of the cookies in a Cookie header the user gave (`-H 'Cookie: a=1; b=2'`).
pub(crate) fn header_cookie_names(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, value)| value.split(';'))
        .filter_map(|pair| pair.split_once('=').map(|(n, _)| n.trim().to_string()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// RFC 6265 §5.1.4 path-match.
fn path_matches(request: &str, cookie: &str) -> bool {
    let request = if request.is_empty() { "/" } else { request };
    request
        .strip_prefix(cookie)
        .is_some_and(|rest| rest.is_empty() || cookie.ends_with('/') || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(line: &str) -> Cookie {
        from_netscape(line).into_iter().next().unwrap()
    }

    fn why(c: &Cookie, socket: &str, page: Option<&str>, client: ClientProfile) -> Option<String> {
        let page = page.map(|p| Url::parse(p).unwrap());
        withheld_because(
            c,
            &Url::parse(socket).unwrap(),
            page.as_ref(),
            client,
            1_800_000_000,
        )
    }

    #[test]
    fn each_rule_withholds_what_a_browser_would() {
        let session = cookie("#HttpOnly_.app.test\tTRUE\t/\tTRUE\t0\tsid\ts3cret");
        let chrome = ClientProfile::Chrome;
        assert_eq!(
            why(
                &session,
                "wss://rt.app.test/ws",
                Some("https://app.test/"),
                chrome
            ),
            None
        );
        assert!(
            why(&session, "ws://rt.app.test/ws", None, chrome)
                .unwrap()
                .contains("Secure")
        );
        assert!(
            why(&session, "wss://other.test/ws", None, chrome)
                .unwrap()
                .contains("Domain")
        );
        // No SameSite: Lax in Chrome, so a page on another site does not send it; Firefox does.
        let cross = Some("https://shop.example/");
        assert!(
            why(&session, "wss://rt.app.test/ws", cross, chrome)
                .unwrap()
                .contains("Lax")
        );
        assert_eq!(
            why(
                &session,
                "wss://rt.app.test/ws",
                cross,
                ClientProfile::Firefox
            ),
            None
        );
        let host_only = cookie("app.test\tFALSE\t/api\tFALSE\t1700000000\told\tv");
        assert!(
            why(&host_only, "ws://app.test/api/ws", None, chrome)
                .unwrap()
                .contains("expired")
        );
        let path = cookie("app.test\tFALSE\t/api\tFALSE\t0\tp\tv");
        assert!(
            why(&path, "ws://app.test/apix", None, chrome)
                .unwrap()
                .contains("Path")
        );
        assert_eq!(why(&path, "ws://app.test/api/ws", None, chrome), None);
        assert!(
            why(&path, "ws://rt.app.test/api/ws", None, chrome)
                .unwrap()
                .contains("only")
        );
    }

    #[test]
    fn har_cookies_keep_their_attributes() {
        let har = r#"{"log":{"entries":[{"request":{"url":"https://app.test/login","cookies":[]},
            "response":{"cookies":[{"name":"sid","value":"v1","domain":".app.test","path":"/","secure":true,"sameSite":"Strict"},
            {"name":"pref","value":"dark"}]}}]}}"#;
        let cookies = from_har(har).unwrap();
        assert_eq!(cookies.len(), 2);
        assert_eq!(cookies[0].same_site, Some(SameSite::Strict));
        assert!(!cookies[0].host_only && cookies[0].secure);
        assert!(cookies[1].host_only && cookies[1].domain == "app.test");
        assert!(from_har("{\"log\":{}}").is_err());
    }
}
