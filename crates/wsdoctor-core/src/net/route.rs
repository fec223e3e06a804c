//! A whole route to a server in one call: resolve (the proxy's name, when there is one), connect to the
//! first address that answers, tunnel through the proxy, and TLS for `wss://`. The console and the check's
//! follow-up probes open their connections here; the check itself walks the same steps one item at a time.

use std::time::Duration;

use super::proxy::{self, Proxy};
use super::{Stream, Target, dial, tls_client};
use crate::tls::ClientTls;

/// Where and how to open a fresh connection.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub host: String,
    pub port: u16,
    pub secure: bool,
    pub proxy: Option<Proxy>,
    /// Each of: the lookup, each TCP attempt, the proxy's answer to CONNECT.
    pub connect_timeout: Duration,
    /// The TLS handshake.
    pub handshake_timeout: Duration,
    /// Addresses the user gave for names (`--resolve`), used instead of DNS.
    pub pinned: Vec<dial::Pinned>,
}

/// How the TLS step treats the server's certificate.
pub(crate) enum Trust<'a> {
    /// Verify it with these roots and this client identity; with `insecure`, carry on past a bad one.
    Verify {
        client: &'a ClientTls,
        insecure: bool,
    },
    /// Accept any certificate: the follow-up probes ask what the server answers, not whether to trust it.
    Any,
}

impl Route {
    /// The route to `target`, through `proxy` when one applies.
    pub fn to(
        target: &Target,
        proxy: Option<Proxy>,
        connect: Duration,
        handshake: Duration,
    ) -> Route {
        Route {
            host: target.host.clone(),
            port: target.port,
            secure: target.secure,
            proxy,
            connect_timeout: connect,
            handshake_timeout: handshake,
            pinned: Vec::new(),
        }
    }

    /// `http(s)://host[:port]`: the origin a page served by this host would have.
    pub fn own_origin(&self) -> String {
        let (scheme, default) = if self.secure {
            ("https", 443)
        } else {
            ("http", 80)
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }

    /// A connected stream, through the proxy and TLS as configured. The error says which step failed.
    pub async fn open(&self, trust: Trust<'_>) -> Result<Stream, String> {
        let (dial_host, dial_port) = match &self.proxy {
            Some(proxy) => (proxy.host.as_str(), proxy.port),
            None => (self.host.as_str(), self.port),
        };
        let addrs =
            dial::resolve_for(dial_host, dial_port, &self.pinned, self.connect_timeout).await?;
        let (connected, attempts) = dial::connect_any(&addrs, self.connect_timeout).await;
        let Some((tcp, _)) = connected else {
            let why = attempts
                .last()
                .and_then(|a| a.result.as_ref().err().map(|(_, e)| e.clone()))
                .unwrap_or_default();
            return Err(format!("cannot connect to {dial_host}:{dial_port}: {why}"));
        };
        let tcp = match &self.proxy {
            Some(proxy) => {
                proxy::connect_tunnel(tcp, proxy, &self.host, self.port, self.connect_timeout)
                    .await
                    .map_err(|e| e.to_string())?
                    .0
            }
            None => tcp,
        };
        if !self.secure {
            return Ok(Box::new(tcp));
        }
        let accept_any = ClientTls::default();
        let (client, insecure) = match trust {
            Trust::Verify { client, insecure } => (client, insecure),
            Trust::Any => (&accept_any, true),
        };
        let outcome = tls_client::handshake(
            Box::new(tcp),
            &self.host,
            client,
            insecure,
            self.handshake_timeout,
        )
        .await
        .map_err(|e| e.to_string())?;
        match (outcome.stream, outcome.verify_error, outcome.failure) {
            (_, Some(error), _) if !insecure => {
                Err(format!("the certificate is not valid: {error}"))
            }
            (Some(stream), _, _) => Ok(stream),
            (None, _, failure) => Err(failure.unwrap_or_else(|| "the TLS handshake failed".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(host: &str, port: u16, secure: bool) -> Route {
        Route {
            host: host.into(),
            port,
            secure,
            proxy: None,
            connect_timeout: Duration::from_secs(1),
            handshake_timeout: Duration::from_secs(1),
            pinned: Vec::new(),
        }
    }

    #[test]
    fn own_origin_drops_default_ports_and_brackets_ipv6() {
        assert_eq!(
            route("example.com", 443, true).own_origin(),
            "https://example.com"
        );
        assert_eq!(
            route("example.com", 8080, false).own_origin(),
            "http://example.com:8080"
        );
        assert_eq!(route("::1", 80, false).own_origin(), "http://[::1]");
    }

    #[tokio::test]
    async fn a_closed_port_says_which_address_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = match route("127.0.0.1", port, false).open(Trust::Any).await {
            Ok(_) => panic!("connected to a closed port"),
            Err(error) => error,
        };
        assert!(error.contains(&format!("127.0.0.1:{port}")), "{error}");
    }
}
