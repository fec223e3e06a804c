//! A check as a front end sends it (the app's IPC, a config file): plain, serialisable fields, checked
//! and turned into [`CheckOptions`]. Its target part, [`TargetRequest`], is also the console's target
//! and what a saved profile stores; a value the engine cannot use is an error naming its field.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::CheckOptions;
use crate::inspect::ServerInputs;
use crate::report::Section;
use crate::{Error, Result};

/// One request header, which the user may mark secret. In a stored profile a secret header's `value` is
/// empty: its value is in the keyring.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeaderInput {
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub secret: bool,
}

/// The server-side inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct ServerRequest {
    pub process: Option<String>,
    pub port: Option<u16>,
    pub env: Vec<String>,
    pub logs: Vec<String>,
    /// A reverse proxy's configuration (nginx today): a file or a directory of them.
    #[serde(alias = "nginxConf")]
    pub proxy_config: Option<String>,
    pub project: Option<String>,
}

/// The target, field for field as the checklist's and the console's forms hold it, and as a saved profile
/// stores it (there with its secret values blank: see `profile::ProfileTarget`). A new option is added
/// here once, and in [`CheckOptions`] with its check; `docs/architecture.md` lists the other places.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct TargetRequest {
    /// The WebSocket URL; empty for server-side checks only.
    pub url: String,
    pub origin: Option<String>,
    pub page_url: Option<String>,
    pub headers: Vec<HeaderInput>,
    pub subprotocols: Vec<String>,
    /// `auto` (from the URL), `websocket`, or a framework's protocol (`socketio`).
    pub protocol: crate::framework::Protocol,
    /// Socket.IO's path when it is not `/socket.io/` (the client's `path` option); implies Socket.IO.
    pub socketio_path: Option<String>,
    pub ca_file: Option<String>,
    pub insecure: bool,
    /// Whose upgrade request to send: `chrome` (default), `firefox`, `safari`, `node`, `python`, `raw`.
    pub client: crate::browser::ClientProfile,
    /// The browser's cookies: a Netscape cookie file or a HAR.
    pub cookie_file: Option<String>,
    /// Addresses for names instead of DNS, each `HOST:PORT:ADDR[,ADDR]` (as curl's `--resolve`).
    pub resolve: Vec<String>,
    /// Do not offer permessage-deflate (browsers do; off to tell a failure that happens only with it).
    pub no_compression: bool,
    /// PEM client certificate for mutual TLS, and its key (default: the certificate's file).
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
    /// The client key's passphrase: accepted from the UI, never sent back to it nor written to a file.
    #[serde(skip_serializing)]
    #[ts(optional)]
    pub key_passphrase: Option<String>,
    /// The framework's auth payload, a JSON object (Socket.IO's `auth`): accepted, never sent back.
    #[serde(skip_serializing)]
    #[ts(optional)]
    pub auth: Option<String>,
    pub proxy: Option<String>,
    pub direct: Option<String>,
    /// Connect and handshake timeout, seconds (default 5).
    pub timeout_secs: Option<f64>,
    /// Reply and pong wait, seconds (default 1).
    pub reply_secs: Option<f64>,
    pub idle_secs: Option<u32>,
    pub probe_size: Option<u32>,
    pub message: Option<String>,
}

/// Everything a check can be asked: the target, the server-side inputs, and the sections to run, with
/// the engine's defaults for what is left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckRequest {
    #[serde(flatten)]
    pub target: TargetRequest,
    #[serde(default)]
    pub server: ServerRequest,
    /// Only these sections (a re-run of one section).
    #[serde(default)]
    pub sections: Option<Vec<Section>>,
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A duration field (`field` as the request names it; `what` as a sentence does).
fn seconds(
    value: Option<f64>,
    default: Duration,
    field: &'static str,
    what: &str,
) -> Result<Duration> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(Duration::from_secs_f64(v)),
        Some(v) => Err(Error::field_value(
            field,
            format!("{what} must be between 0 and 3600 seconds, not {v}"),
        )),
    }
}

/// Checks a header name and value as a server would accept them.
pub fn validate_header(name: &str, value: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
        return Err(Error::InvalidInput(format!(
            "`{name}` is not a valid header name"
        )));
    }
    if value.contains(['\r', '\n']) {
        return Err(Error::InvalidInput(format!(
            "the value of header `{name}` contains a line break"
        )));
    }
    Ok(())
}

impl ServerRequest {
    /// The inputs trimmed, blank entries dropped.
    fn into_inputs(self) -> ServerInputs {
        let path = |p: &Option<String>| text(p).map(PathBuf::from);
        ServerInputs {
            process: text(&self.process),
            port: self.port,
            env: self
                .env
                .iter()
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect(),
            logs: self
                .logs
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect(),
            proxy_config: path(&self.proxy_config),
            project: path(&self.project),
        }
    }
}

impl CheckRequest {
    pub fn into_options(self) -> Result<CheckOptions> {
        Ok(CheckOptions {
            server: self.server.into_inputs(),
            sections: self.sections,
            ..self.target.into_options()?
        })
    }
}

impl TargetRequest {
    /// The engine's options for this target (no server-side inputs), checked: a bad field is the user's
    /// to fix, said in a sentence that names it.
    pub fn into_options(self) -> Result<CheckOptions> {
        let defaults = CheckOptions::default();
        let mut headers = Vec::new();
        let mut secret_headers = Vec::new();
        for header in &self.headers {
            let name = header.name.trim();
            if name.is_empty() && header.value.trim().is_empty() {
                continue;
            }
            validate_header(name, &header.value).map_err(|e| e.on("headers"))?;
            if header.secret {
                secret_headers.push(name.to_string());
            }
            headers.push((name.to_string(), header.value.trim().to_string()));
        }
        let path = |p: &Option<String>| text(p).map(PathBuf::from);
        if self.probe_size == Some(0) {
            return Err(Error::field_value(
                "probeSize",
                "the probe size must be at least 1 byte",
            ));
        }
        if self.idle_secs == Some(0) {
            return Err(Error::field_value(
                "idleSecs",
                "the idle probe must last at least 1 second",
            ));
        }
        let url = self.url.trim().to_string();
        if !url.is_empty() {
            // A bad URL is the user's input to fix, not a finding to report.
            crate::net::parse_target(&url).map_err(|e| e.on("url"))?;
        }
        let auth = match self
            .auth
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None => None,
            Some(json) => match serde_json::from_str::<serde_json::Value>(json) {
                Ok(serde_json::Value::Object(_)) => {
                    Some(crate::redact::Sensitive::new(json.to_string()))
                }
                _ => {
                    return Err(Error::field_value(
                        "auth",
                        "the auth payload must be a JSON object, such as {\"token\": \"…\"}",
                    ));
                }
            },
        };
        let timeout = seconds(
            self.timeout_secs,
            defaults.connect_timeout,
            "timeoutSecs",
            "the timeout",
        )?;
        Ok(CheckOptions {
            url,
            origin: text(&self.origin),
            page_url: text(&self.page_url),
            headers,
            secret_headers,
            subprotocols: self
                .subprotocols
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            protocol: self.protocol,
            socketio_path: text(&self.socketio_path)
                .map(|p| {
                    crate::framework::socketio::engine_io::normal_path(&p)
                        .map_err(|e| Error::field_value("socketioPath", e))
                })
                .transpose()?,
            ca_file: path(&self.ca_file),
            insecure: self.insecure,
            compression: !self.no_compression,
            client: self.client,
            cookie_file: path(&self.cookie_file),
            resolve: self
                .resolve
                .iter()
                .filter(|r| !r.trim().is_empty())
                .map(|r| crate::net::Pinned::parse(r))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::field_value("resolve", e))?,
            client_cert: path(&self.client_cert),
            client_key: path(&self.client_key),
            key_passphrase: self
                .key_passphrase
                .filter(|p| !p.is_empty())
                .map(crate::redact::Sensitive::new),
            auth,
            proxy: text(&self.proxy),
            direct: text(&self.direct),
            connect_timeout: timeout,
            handshake_timeout: timeout,
            reply_timeout: seconds(
                self.reply_secs,
                defaults.reply_timeout,
                "replySecs",
                "the reply wait",
            )?,
            idle: self.idle_secs.map(|s| Duration::from_secs(u64::from(s))),
            probe_size: self.probe_size.map(|s| s as usize),
            message: text(&self.message).unwrap_or(defaults.message.clone()),
            ..defaults
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(target: TargetRequest) -> Option<&'static str> {
        target.into_options().err().and_then(|e| e.field())
    }

    #[test]
    fn a_bad_value_names_the_field_it_is_in() {
        let good = TargetRequest {
            url: "ws://127.0.0.1:9/".into(),
            ..TargetRequest::default()
        };
        assert!(good.clone().into_options().is_ok());
        let cases = [
            (
                TargetRequest {
                    url: "ftp://host/".into(),
                    ..good.clone()
                },
                "url",
            ),
            (
                TargetRequest {
                    timeout_secs: Some(-1.0),
                    ..good.clone()
                },
                "timeoutSecs",
            ),
            (
                TargetRequest {
                    reply_secs: Some(f64::NAN),
                    ..good.clone()
                },
                "replySecs",
            ),
            (
                TargetRequest {
                    idle_secs: Some(0),
                    ..good.clone()
                },
                "idleSecs",
            ),
            (
                TargetRequest {
                    probe_size: Some(0),
                    ..good.clone()
                },
                "probeSize",
            ),
            (
                TargetRequest {
                    auth: Some("[\"not an object\"]".into()),
                    ..good.clone()
                },
                "auth",
            ),
            (
                TargetRequest {
                    headers: vec![HeaderInput {
                        name: "Bad Name".into(),
                        value: "x".into(),
                        secret: false,
                    }],
                    ..good.clone()
                },
                "headers",
            ),
        ];
        for (target, field) in cases {
            assert_eq!(field_of(target), Some(field));
        }
    }

    #[test]
    fn old_requests_with_nginx_conf_still_read() {
        let request: CheckRequest = serde_json::from_value(serde_json::json!({
            "url": "ws://h/",
            "server": {"nginxConf": "/etc/nginx"}
        }))
        .unwrap();
        assert_eq!(request.target.url, "ws://h/");
        assert_eq!(request.server.proxy_config.as_deref(), Some("/etc/nginx"));
    }
}
