//! The target options `check` and `connect` share: how to reach the server and what to send in the
//! upgrade request.

use std::path::PathBuf;
use std::time::Duration;

use wsdoctor_core::check::{CheckOptions, ClientProfile, TargetRequest};
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::profile::{Profile, ProfileStore, Sensitive, Vault, resolve};
use wsdoctor_core::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Start from this saved profile (name or id; see `wsdoctor profiles list`); its secrets come from
    /// the OS keyring. Options given here override the profile's.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The profile's environment whose variables fill its `{{placeholders}}` (default: its active one).
    #[arg(long = "env", value_name = "NAME", requires = "profile")]
    environment: Option<String>,
    /// Origin header to send, as a browser on that page would.
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,
    /// Extra request header, "Name: value" (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Subprotocol to offer (repeatable, in order of preference).
    #[arg(long = "subprotocol", value_name = "NAME")]
    subprotocols: Vec<String>,
    /// The protocol spoken once connected: auto (from the URL and the offered subprotocols),
    /// websocket, socketio (the URL as given to `io()`: `http://host/admin` joins namespace /admin),
    /// sockjs, stomp, graphql-ws or mqtt (detected from the `mqtt` subprotocol or a `/mqtt` path).
    /// `connect` speaks socketio, stomp, graphql-ws and mqtt at their level (see its help) and the
    /// others as plain WebSocket.
    #[arg(long, value_name = "NAME", value_parser = parse_protocol)]
    protocol: Option<Protocol>,
    /// Socket.IO's path when the server sets one (its and the client's `path` option; default
    /// /socket.io/). The URL's own path is then the namespace. Implies --protocol socketio.
    #[arg(long, value_name = "PATH")]
    socketio_path: Option<String>,
    /// The framework's auth payload, a JSON object (Socket.IO's `auth`: '{"token": "…"}'); kept out of
    /// every output. Also read from the WSDOCTOR_AUTH environment variable, which keeps it out of the
    /// shell history.
    #[arg(
        long,
        value_name = "JSON",
        env = "WSDOCTOR_AUTH",
        hide_env_values = true
    )]
    auth: Option<String>,
    /// PEM file of CA certificates to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Continue past an untrusted or invalid certificate (a check still reports it).
    #[arg(long, short = 'k')]
    insecure: bool,
    /// Whose upgrade request to send, header for header, so rejections by user agent (WAFs, bot
    /// filters) reproduce: chrome (default), firefox, safari, node, python, raw.
    #[arg(long, value_name = "CLIENT", value_parser = |s: &str| s.parse::<ClientProfile>())]
    client: Option<ClientProfile>,
    /// The browser's cookies: a Netscape cookie file (curl -c, browser extensions) or a HAR. Those a
    /// browser would attach to this handshake are sent; those it would not are named, with the rule.
    #[arg(long, value_name = "FILE")]
    cookies: Option<PathBuf>,
    /// Use these addresses for a name instead of DNS, as curl's --resolve (repeatable): test one server
    /// behind a name, or the name as another network resolves it. Every address is tried; those that do
    /// not answer are named.
    #[arg(long, value_name = "HOST:PORT:ADDR[,ADDR]")]
    resolve: Vec<String>,
    /// Do not offer permessage-deflate compression (every browser offers it): tells a failure that
    /// happens only with compression from one that does not.
    #[arg(long)]
    no_compression: bool,
    /// PEM client certificate to present to a server that requires mutual TLS.
    #[arg(long, value_name = "FILE")]
    client_cert: Option<PathBuf>,
    /// Its PEM private key (default: the certificate's file). An encrypted key's passphrase is read
    /// from the WSDOCTOR_KEY_PASSPHRASE environment variable, never from the command line.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// HTTP proxy to tunnel through (CONNECT); overrides HTTPS_PROXY / HTTP_PROXY.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// Ignore HTTPS_PROXY / HTTP_PROXY / ALL_PROXY from the environment.
    #[arg(long)]
    no_env_proxy: bool,
    /// Seconds allowed to connect, and again for the TLS and upgrade handshakes [default: 5].
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
}

/// The profile a command runs with, and the environment it resolved to.
pub struct SelectedProfile {
    pub store: ProfileStore,
    pub profile: Profile,
    pub environment: Option<String>,
}

/// A duration from a flag, between 0 and an hour.
pub fn seconds(value: f64, flag: &str) -> Result<Duration> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::InvalidInput(format!(
            "{flag} must be between 0 and 3600 seconds, not {value}"
        )))
    }
}

/// A flag's value checked as the app checks the same field (one rule, one message), the error naming the
/// flag.
fn checked_as_the_app_does(flag: &str, request: TargetRequest) -> Result<CheckOptions> {
    request
        .into_options()
        .map_err(|e| Error::InvalidInput(format!("{flag}: {e}")))
}

fn parse_protocol(name: &str) -> std::result::Result<Protocol, String> {
    Protocol::parse(name).map_err(|e| e.to_string())
}

/// `Name: value`, checked as a server would.
pub fn parse_header(line: &str) -> Result<(String, String)> {
    let (name, value) = line.split_once(':').ok_or_else(|| {
        Error::InvalidInput(format!("header `{line}` must look like `Name: value`"))
    })?;
    let (name, value) = (name.trim(), value.trim());
    wsdoctor_core::check::validate_header(name, value)?;
    Ok((name.to_string(), value.to_string()))
}

impl TargetArgs {
    /// Whether the run may fall back to the desktop's proxy settings (no --proxy, no --no-env-proxy).
    pub fn may_use_desktop_proxy(&self) -> bool {
        self.proxy.is_none() && !self.no_env_proxy
    }

    /// The saved profile named by `--profile`, if any.
    pub fn profile(&self) -> Result<Option<SelectedProfile>> {
        let Some(name) = &self.profile else {
            return Ok(None);
        };
        let store = ProfileStore::open_default()?;
        let profile = store.find(name)?;
        let environment = resolve::environment_name(&profile, self.environment.as_deref())?;
        Ok(Some(SelectedProfile {
            store,
            profile,
            environment,
        }))
    }

    /// Check options: the profile's (with its secrets from the keyring) when one is given, then `url`
    /// and these flags on top; everything else at its default.
    pub fn options(
        &self,
        url: Option<String>,
        run: Option<&SelectedProfile>,
    ) -> Result<CheckOptions> {
        let mut options = match run {
            Some(run) => {
                let vault = Vault::os();
                resolve::check_request(&run.profile, run.environment.as_deref(), &vault)?
                    .into_options()?
            }
            None => CheckOptions::default(),
        };
        if let Some(url) = url {
            if let Some(run) = run {
                resolve::guard_destination(&run.profile, &options.url, &url)?;
            }
            options.url = url;
        }
        if let Some(origin) = &self.origin {
            options.origin = Some(origin.clone());
        }
        for line in &self.headers {
            let (name, value) = parse_header(line)?;
            options
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            options.headers.push((name, value));
        }
        if let Some(protocol) = self.protocol {
            options.protocol = protocol;
        }
        if let Some(path) = &self.socketio_path {
            let request = TargetRequest {
                socketio_path: Some(path.clone()),
                ..Default::default()
            };
            options.socketio_path =
                checked_as_the_app_does("--socketio-path", request)?.socketio_path;
        }
        if let Some(auth) = &self.auth {
            let request = TargetRequest {
                auth: Some(auth.clone()),
                ..Default::default()
            };
            options.auth = checked_as_the_app_does("--auth", request)?.auth;
        }
        if !self.subprotocols.is_empty() {
            options.subprotocols = self.subprotocols.clone();
        }
        if let Some(ca_file) = &self.ca_file {
            options.ca_file = Some(ca_file.clone());
        }
        options.insecure |= self.insecure;
        if self.no_compression {
            options.compression = false;
        }
        if let Some(cookies) = &self.cookies {
            options.cookie_file = Some(cookies.clone());
        }
        if let Some(client) = self.client {
            options.client = client;
        }
        if !self.resolve.is_empty() {
            let request = TargetRequest {
                resolve: self.resolve.clone(),
                ..Default::default()
            };
            options.resolve = checked_as_the_app_does("--resolve", request)?.resolve;
        }
        if let Some(cert) = &self.client_cert {
            options.client_cert = Some(cert.clone());
            options.client_key = self.client_key.clone();
        }
        if let Some(passphrase) = std::env::var("WSDOCTOR_KEY_PASSPHRASE")
            .ok()
            .filter(|p| !p.is_empty())
        {
            options.key_passphrase = Some(Sensitive::new(passphrase));
        }
        if let Some(proxy) = &self.proxy {
            options.proxy = Some(proxy.clone());
        }
        options.use_env_proxy = !self.no_env_proxy;
        if let Some(timeout) = self.timeout {
            let timeout = seconds(timeout, "--timeout")?;
            options.connect_timeout = timeout;
            options.handshake_timeout = timeout;
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn headers_must_be_name_colon_value() {
        assert_eq!(
            parse_header("Authorization: Bearer x:y").unwrap(),
            ("Authorization".into(), "Bearer x:y".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": empty name").is_err());
        assert!(parse_header("Bad Name: v").is_err());
    }
}
