//! The page that opens the socket (`--page-url`): its Content-Security-Policy decides, before any byte
//! goes to the server, whether the browser may open the WebSocket at all. The page is fetched as the
//! browser fetches it (redirects within the site followed, a few at most), its policies read from the
//! headers and from `<meta http-equiv>`, and the target matched against `connect-src` (or `default-src`)
//! by CSP Level 3's rules, Servo's implementation: `'self'` on an `http:` page allows `ws:` and `wss:`
//! on the same host and port, on an `https:` page only `wss:`.
//!
//! The page is read to at most [`MAX_PAGE_BYTES`], within the run's timeouts per hop.

use std::sync::LazyLock;

use content_security_policy as csp;
use regex::Regex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

use crate::check::{CheckOptions, items};
use crate::net::route::Trust;
use crate::net::{Target, parse_target};
use crate::report::{CheckStatus, Evidence, Recorder};

/// The most of a page read: a policy in `<meta>` sits in its `<head>`.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Redirects followed within the site.
const MAX_REDIRECTS: usize = 5;

/// `<meta http-equiv="Content-Security-Policy" content="…">`, attributes in either order.
static META: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>"#)
        .expect("a valid pattern")
});
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("a valid pattern")
});

/// A page as fetched: the hops taken, and the policies found.
struct Page {
    hops: Vec<String>,
    url: Url,
    headers: Vec<String>,
    report_only: Vec<String>,
    metas: Vec<String>,
}

/// Records the page's policy item: fetches `--page-url`, reads its CSP and says whether it lets the
/// page open `target`.
pub(in crate::check) async fn record(rec: &mut Recorder, options: &CheckOptions, target: &Target) {
    let Some(page_url) = options.page_url.as_deref() else {
        return;
    };
    let step = rec.begin(&items::PAGE_POLICY);
    let page = match fetch(options, page_url).await {
        Ok(page) => page,
        Err(why) => {
            return rec.finish(
                step,
                CheckStatus::Info,
                format!("The page could not be read, so its policy is unknown: {why}."),
            );
        }
    };
    let mut step = step;
    step.evidence
        .push(Evidence::new("Page fetched", page.hops.join("\n")));
    let mut list = csp::CspList(Vec::new());
    for header in &page.headers {
        step.evidence.push(Evidence::new(
            "Content-Security-Policy (header)",
            header.clone(),
        ));
        list.append(csp::CspList::parse(
            header,
            csp::PolicySource::Header,
            csp::PolicyDisposition::Enforce,
        ));
    }
    for meta in &page.metas {
        step.evidence.push(Evidence::new(
            "Content-Security-Policy (<meta http-equiv>)",
            meta.clone(),
        ));
        list.append(csp::CspList::parse(
            meta,
            csp::PolicySource::Meta,
            csp::PolicyDisposition::Enforce,
        ));
    }
    for report_only in &page.report_only {
        step.evidence.push(Evidence::new(
            "Content-Security-Policy-Report-Only (reports, does not block)",
            report_only.clone(),
        ));
    }
    if list.0.is_empty() {
        return rec.finish(
            step,
            CheckStatus::Pass,
            "The page sets no Content-Security-Policy: nothing in it stops the socket.",
        );
    }
    match blocking_directive(&list, &page.url, &target.url) {
        None => rec.finish(
            step,
            CheckStatus::Pass,
            format!(
                "The page's Content-Security-Policy allows {} (connect-src).",
                target.url
            ),
        ),
        Some((directive, corrected)) => {
            let quoted = directive.to_string();
            rec.diagnose(
                "frontend.csp_blocked",
                vec![
                    Evidence::new("Blocked by", quoted.clone()),
                    Evidence::new("Page", page.url.to_string()),
                    Evidence::new("Socket", target.url.to_string()),
                    Evidence::new("Corrected directive", corrected),
                ],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!(
                    "The page's Content-Security-Policy blocks {}: `{quoted}`.",
                    target.url
                ),
            );
        }
    }
}

/// The directive that blocks a WebSocket to `socket` from `page`, and the directive that would allow
/// it; `None` when the policies allow it.
fn blocking_directive(
    list: &csp::CspList,
    page: &Url,
    socket: &Url,
) -> Option<(csp::Directive, String)> {
    let request = csp::Request {
        url: socket.clone(),
        current_url: socket.clone(),
        origin: page.origin(),
        redirect_count: 0,
        // A WebSocket's request has no destination: its effective directive is connect-src.
        destination: csp::Destination::None,
        initiator: csp::Initiator::None,
        nonce: String::new(),
        integrity_metadata: String::new(),
        parser_metadata: csp::ParserMetadata::None,
    };
    let (result, violations) = list.should_request_be_blocked(&request);
    if result != csp::CheckResult::Blocked {
        return None;
    }
    // content-security-policy 0.9 compares `'self'`'s ports with `Url::port()`, which is `None` for a
    // scheme's default port, so `'self'` never matches `wss://app.test` from `https://app.test`. The
    // spec's rule (CSP3 §6.7.2.8 step 4) is applied here to such a violation instead.
    let violation = violations.into_iter().find(|v| {
        !(v.directive
            .value
            .iter()
            .any(|s| s.eq_ignore_ascii_case("'self'"))
            && self_matches(page, socket))
    })?;
    // The directive as the page wrote it: `default-src` when it has no `connect-src` (the crate names
    // the effective directive, `connect-src`, with default-src's sources).
    let directive = ["connect-src", "default-src"]
        .iter()
        .find_map(|name| {
            violation
                .policy
                .directive_set
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))
        })
        .cloned()
        .unwrap_or(violation.directive);
    let mut sources: Vec<String> = directive
        .value
        .iter()
        .filter(|s| *s != "'none'")
        .cloned()
        .collect();
    sources.push(source_expression(socket));
    Some((directive, format!("connect-src {}", sources.join(" "))))
}

/// CSP3's `'self'` for a WebSocket: the page's own origin, or its host with the same port (or both
/// on their schemes' default ports) and `wss:` (or `ws:` from an `http:` page).
fn self_matches(page: &Url, socket: &Url) -> bool {
    if page.origin() == socket.origin() {
        return true;
    }
    let same_host = page.host_str().is_some() && page.host_str() == socket.host_str();
    // "The same, or the default ports for their respective schemes."
    let same_port = page.port_or_known_default() == socket.port_or_known_default()
        || (page.port().is_none() && socket.port().is_none());
    let more_secure = matches!(socket.scheme(), "https" | "wss")
        || (page.scheme() == "http" && matches!(socket.scheme(), "http" | "ws"));
    same_host && same_port && more_secure
}

/// The narrowest source expression that allows `socket`: its scheme, host and (non-default) port.
fn source_expression(socket: &Url) -> String {
    let host = socket.host_str().unwrap_or("");
    match socket.port() {
        Some(port) => format!("{}://{host}:{port}", socket.scheme()),
        None => format!("{}://{host}", socket.scheme()),
    }
}

/// Fetches the page, following redirects that stay on its site.
async fn fetch(options: &CheckOptions, page_url: &str) -> Result<Page, String> {
    let mut url = Url::parse(page_url).map_err(|e| format!("`{page_url}` is not a URL: {e}"))?;
    let mut hops = Vec::new();
    for _ in 0..=MAX_REDIRECTS {
        let (status, headers, body) = get(options, &url).await?;
        hops.push(format!("GET {url} → {status}"));
        let header = |name: &str| -> Vec<String> {
            headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .collect()
        };
        if (300..400).contains(&status) {
            let Some(location) = header("Location").into_iter().next() else {
                return Err(format!("{status} without a Location"));
            };
            let next = url
                .join(&location)
                .map_err(|e| format!("the redirect to `{location}` is not a URL: {e}"))?;
            if !same_site(&url, &next) {
                return Err(format!(
                    "it redirects to another site ({next}); check that page with --page-url"
                ));
            }
            url = next;
            continue;
        }
        let text = String::from_utf8_lossy(&body);
        let metas = META
            .find_iter(&text)
            .filter_map(|tag| {
                let captures = CONTENT.captures(tag.as_str())?;
                let value = captures.get(1).or_else(|| captures.get(2))?.as_str();
                Some(unescape(value))
            })
            .collect();
        return Ok(Page {
            hops,
            url,
            headers: header("Content-Security-Policy"),
            report_only: header("Content-Security-Policy-Report-Only"),
            metas,
        });
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// Whether a redirect stays on the page's site (its registrable domain, `site.rs`).
fn same_site(from: &Url, to: &Url) -> bool {
    matches!(to.scheme(), "http" | "https")
        && crate::browser::site::registrable(from) == crate::browser::site::registrable(to)
}

/// The few character references a policy in an attribute uses.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One GET over HTTP/1.0 (so the body is not chunked), read until the server closes or the cap.
async fn get(
    options: &CheckOptions,
    url: &Url,
) -> Result<(u16, Vec<(String, String)>, Vec<u8>), String> {
    let target = parse_target(url.as_str()).map_err(|e| e.to_string())?;
    let route = options.route_to(&target)?;
    let mut stream = route.open(Trust::Any).await?;
    let user_agent = options
        .client
        .headers()
        .into_iter()
        .find(|(name, _)| *name == "User-Agent")
        .map(|(_, ua)| format!("User-Agent: {ua}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET {} HTTP/1.0\r\nHost: {}\r\n{user_agent}Accept: text/html,*/*\r\nConnection: close\r\n\r\n",
        target.path_and_query(),
        target.host_header()
    );
    let exchange = async {
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        while bytes.len() < MAX_PAGE_BYTES {
            let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
        }
        bytes.truncate(MAX_PAGE_BYTES);
        Ok::<_, String>(bytes)
    };
    let bytes = tokio::time::timeout(options.handshake_timeout, exchange)
        .await
        .map_err(|_| {
            format!(
                "the page was not read within {} s",
                options.handshake_timeout.as_secs_f32()
            )
        })??;
    let mut headers = [httparse::EMPTY_HEADER; 96];
    let mut response = httparse::Response::new(&mut headers);
    let body_at = match response.parse(&bytes) {
        Ok(httparse::Status::Complete(at)) => at,
        Ok(httparse::Status::Partial) => return Err("the answer ended inside its headers".into()),
        Err(e) => return Err(format!("the answer is not HTTP: {e}")),
    };
    let status = response.code.unwrap_or(0);
    let headers = response
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value)
                    .chars()
                    .take(8192)
                    .collect(),
            )
        })
        .collect();
    Ok((status, headers, bytes[body_at..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(policy: &str, page: &str, socket: &str) -> Option<String> {
        let list = csp::CspList::parse(
            policy,
            csp::PolicySource::Header,
            csp::PolicyDisposition::Enforce,
        );
        blocking_directive(
            &list,
            &Url::parse(page).unwrap(),
            &Url::parse(socket).unwrap(),
        )
        .map(|(_, corrected)| corrected)
    }

    /// CSP Level 3, "Does url match expression in origin with redirect count?": `'self'` matches the
    /// page's own origin, and the same host and port with a more secure scheme (`ws:` from an `http:`
    /// page, `wss:` from either); `https:`/`http:` scheme sources match `wss:`/`ws:` too.
    #[test]
    fn self_and_schemes_match_websockets_as_the_spec_says() {
        let page = "http://example.com/app";
        assert_eq!(
            blocked("connect-src 'self'", page, "ws://example.com/socket"),
            None
        );
        assert_eq!(
            blocked("connect-src 'self'", page, "wss://example.com/socket"),
            None
        );
        assert!(blocked("connect-src 'self'", page, "ws://example.com:8080/socket").is_some());
        assert!(blocked("connect-src 'self'", page, "ws://api.example.com/").is_some());
        let secure = "https://example.com/";
        assert_eq!(
            blocked("connect-src 'self'", secure, "wss://example.com/"),
            None
        );
        assert!(blocked("connect-src 'self'", secure, "ws://example.com/").is_some());
        // Scheme sources: `wss:` allows any wss: URL; `https:` does not (scheme-part match lets `ws:`
        // cover `wss:`, `http:` and `https:`, and `wss:` cover `https:`, not the other way round).
        assert_eq!(
            blocked("connect-src wss:", secure, "wss://chat.example.net/"),
            None
        );
        assert_eq!(
            blocked(
                "connect-src ws:",
                "http://a.test/",
                "wss://chat.example.net/"
            ),
            None
        );
        assert!(blocked("connect-src https:", secure, "wss://chat.example.net/").is_some());
        assert_eq!(
            blocked(
                "connect-src wss://*.example.com",
                secure,
                "wss://rt.example.com/"
            ),
            None
        );
        assert_eq!(
            blocked("script-src 'self'", secure, "wss://other.test/"),
            None
        );
    }

    #[test]
    fn the_fix_keeps_what_the_directive_allowed_and_adds_the_socket() {
        assert_eq!(
            blocked(
                "default-src 'self'; img-src *",
                "https://app.test/",
                "wss://rt.app.test:8443/ws"
            )
            .as_deref(),
            Some("connect-src 'self' wss://rt.app.test:8443")
        );
        assert_eq!(
            blocked(
                "connect-src 'none'",
                "https://app.test/",
                "wss://app.test/ws"
            )
            .as_deref(),
            Some("connect-src wss://app.test")
        );
    }

    #[test]
    fn meta_policies_are_found_in_either_attribute_order() {
        let html = r#"<html><head><META content="connect-src &#39;self&#39;" HTTP-EQUIV="Content-Security-Policy"><meta http-equiv='content-security-policy' content="default-src 'none'"></head>"#;
        let found: Vec<String> = META
            .find_iter(html)
            .filter_map(|t| {
                let c = CONTENT.captures(t.as_str())?;
                Some(unescape(c.get(1).or_else(|| c.get(2))?.as_str()))
            })
            .collect();
        assert_eq!(found, ["connect-src 'self'", "default-src 'none'"]);
    }
}
