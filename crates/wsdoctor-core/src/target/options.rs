//! What a run can be told ([`CheckOptions`], with the documented defaults): the check, the console and
//! the reproduce commands all start from it (and from the [`RunPlan`](super::RunPlan) made of it).

use std::path::PathBuf;
use std::time::Duration;

use crate::report::Section;

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
    /// The protocol spoken once the server is reached (a framework's, or plain WebSocket).
    pub protocol: crate::framework::Protocol,
    /// Socket.IO's Engine.IO path when it is not `/socket.io/` (the client's `path` option).
    pub socketio_path: Option<String>,
    /// A PEM file of CA certificates to trust besides the platform's.
    pub ca_file: Option<PathBuf>,
    /// Carry on past an untrusted certificate (still reporting it).
    pub insecure: bool,
    /// A client certificate (PEM) for servers that require mutual TLS, its key (PEM; default: the same
    /// file), and the key's passphrase when it is encrypted.
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub key_passphrase: Option<crate::redact::Sensitive<String>>,
    /// The framework's auth payload (a JSON object: Socket.IO's `auth`), a secret.
    pub auth: Option<crate::redact::Sensitive<String>>,
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
    /// Offer permessage-deflate as every browser does (`--no-compression` turns it off).
    pub compression: bool,
    /// The browser's cookies (a Netscape cookie file or a HAR): those it would attach are sent, and
    /// those it would not are named.
    pub cookie_file: Option<PathBuf>,
    /// Whose upgrade request to send (`--client`; Chrome's by default).
    pub client: crate::browser::ClientProfile,
    /// Addresses to use for names instead of DNS (`--resolve HOST:PORT:ADDR[,ADDR]`).
    pub resolve: Vec<crate::net::Pinned>,
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
            .field("protocol", &self.protocol)
            .field("socketio_path", &self.socketio_path)
            .field("ca_file", &self.ca_file)
            .field("insecure", &self.insecure)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("key_passphrase", &self.key_passphrase)
            .field("auth", &self.auth)
            .field("proxy", &url(&self.proxy))
            .field("use_env_proxy", &self.use_env_proxy)
            .field("direct", &url(&self.direct))
            .field("connect_timeout", &self.connect_timeout)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("reply_timeout", &self.reply_timeout)
            .field("close_timeout", &self.close_timeout)
            .field("idle", &self.idle)
            .field("probe_size", &self.probe_size)
            .field("compression", &self.compression)
            .field("resolve", &self.resolve)
            .field("client", &self.client)
            .field("cookie_file", &self.cookie_file)
            .field("message", &self.message)
            .field("server", &self.server)
            .field("sections", &self.sections)
            .finish()
    }
}

impl CheckOptions {
    /// The route to `target` as these options reach it: the proxy that applies (explicit, the
    /// environment's or the desktop's), the timeouts, the addresses given instead of DNS.
    pub(crate) fn route_to(
        &self,
        target: &crate::net::Target,
    ) -> Result<crate::net::Route, String> {
        let proxy = crate::net::proxy::choose_proxy(
            self.proxy.as_deref(),
            self.use_env_proxy,
            &target.host,
            target.secure,
        )?;
        let mut route =
            crate::net::Route::to(target, proxy, self.connect_timeout, self.handshake_timeout);
        route.pinned = self.resolve.clone();
        Ok(route)
    }

    /// The Origin a browser sends: `--origin`, else the origin of the page that opens the socket
    /// (`--page-url`), else none (a non-browser client).
    pub fn browser_origin(&self) -> Option<String> {
        self.origin.clone().or_else(|| {
            let page = url::Url::parse(self.page_url.as_deref()?).ok()?;
            Some(page.origin().ascii_serialization()).filter(|o| o != "null")
        })
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
            protocol: crate::framework::Protocol::Auto,
            socketio_path: None,
            ca_file: None,
            insecure: false,
            compression: true,
            resolve: Vec::new(),
            client: Default::default(),
            cookie_file: None,
            client_cert: None,
            client_key: None,
            key_passphrase: None,
            auth: None,
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
            key_passphrase: Some(crate::redact::Sensitive::new("key-pass".into())),
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
