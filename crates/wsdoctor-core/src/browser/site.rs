//! A URL's site, as browsers compare sites for SameSite cookies and for which redirects stay "on the
//! site": the scheme (`ws`/`wss` counted as `http`/`https`) and the registrable domain. Without the
//! public suffix list the registrable domain is taken as the host's last two labels (right for
//! `app.example.com`, too wide for `a.co.uk`); an IP address or a single-label host is its own site.

use url::Url;

/// The host's registrable domain, as far as it is told without the public suffix list.
pub(crate) fn registrable(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    let labels: Vec<&str> = host.rsplit('.').take(2).collect();
    labels.into_iter().rev().collect::<Vec<_>>().join(".")
}

/// `scheme://registrable-domain`, the scheme as a page's (`ws` is `http`, `wss` is `https`).
pub(crate) fn schemeful(url: &Url) -> String {
    let scheme = match url.scheme() {
        "ws" => "http",
        "wss" => "https",
        other => other,
    };
    format!("{scheme}://{}", registrable(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_compared_as_browsers_do() {
        let site = |u: &str| schemeful(&Url::parse(u).unwrap());
        assert_eq!(site("wss://rt.app.test/ws"), site("https://www.app.test/"));
        assert_ne!(site("ws://rt.app.test/ws"), site("https://app.test/"));
        assert_ne!(site("https://app.test/"), site("https://shop.example/"));
        assert_eq!(site("http://127.0.0.1:8080/"), "http://127.0.0.1");
    }
}
