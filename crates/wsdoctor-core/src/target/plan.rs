//! The run, planned once from the raw options before anything connects (as ripgrep resolves its raw
//! arguments into one high-level value): the URL parsed, the protocol spoken and why it was chosen,
//! whether STOMP goes inside SockJS, the route's proxy. The check, the console and the reproduce commands
//! start from this plan; none of them parses the URL or decides the protocol again.

use std::sync::OnceLock;

use crate::framework::{self, Dialect, Protocol};
use crate::net::{Target, parse_target};
use crate::target::CheckOptions;
use crate::{Error, Result};

/// What a run of a set of options will do, decided once.
#[derive(Debug)]
pub struct RunPlan {
    /// The URL, parsed; the reason it does not parse (the `url` item says it); `None` with no URL.
    pub target: Option<std::result::Result<Target, Error>>,
    /// The protocol spoken once the server is reached.
    pub protocol: Protocol,
    /// Why that protocol (asked for, or what in the URL or the subprotocols pointed at it), for the report.
    pub why: String,
    /// STOMP inside SockJS: the URL is given as `new SockJS(url)` takes it (`http://`, `https://`), where
    /// a STOMP client over plain WebSocket takes `ws://`.
    pub inside_sockjs: bool,
    /// Whether the run goes through an HTTP proxy: decided at its first use (it may ask the desktop).
    proxied: OnceLock<bool>,
}

impl RunPlan {
    pub fn of(options: &CheckOptions) -> RunPlan {
        let target = (!options.url.trim().is_empty()).then(|| parse_target(&options.url));
        let (protocol, why) = match &target {
            _ if options.protocol == Protocol::Auto && options.socketio_path.is_some() => {
                (Protocol::Socketio, "a Socket.IO path was given".to_string())
            }
            Some(Ok(target)) => {
                framework::choose(options.protocol, &target.url, &options.subprotocols)
            }
            _ => (options.protocol, String::new()),
        };
        let inside_sockjs = protocol == Protocol::Stomp && {
            let url = options.url.trim().to_ascii_lowercase();
            url.starts_with("http://") || url.starts_with("https://")
        };
        RunPlan {
            target,
            protocol,
            why,
            inside_sockjs,
            proxied: OnceLock::new(),
        }
    }

    /// The URL parsed, when it parses.
    pub fn parsed(&self) -> Option<&Target> {
        self.target.as_ref().and_then(|t| t.as_ref().ok())
    }

    /// What the session speaks once the connection is open (SockJS is spoken raw: its framing is shown
    /// as sent).
    pub fn dialect(&self) -> Dialect {
        match self.protocol {
            Protocol::Socketio => Dialect::Socketio,
            Protocol::Stomp => Dialect::Stomp,
            Protocol::GraphqlWs => Dialect::GraphqlWs,
            Protocol::Mqtt => Dialect::Mqtt,
            Protocol::Auto | Protocol::Websocket | Protocol::Sockjs => Dialect::Websocket,
        }
    }

    /// Whether the run goes through an HTTP proxy (the `proxy` item is planned then).
    pub(crate) fn proxied(&self, options: &CheckOptions) -> bool {
        *self.proxied.get_or_init(|| {
            self.parsed()
                .and_then(|t| {
                    crate::net::proxy::choose_proxy(
                        options.proxy.as_deref(),
                        options.use_env_proxy,
                        &t.host,
                        t.secure,
                    )
                    .ok()
                })
                .flatten()
                .is_some()
        })
    }

    /// The target as a session connects to it in its dialect: Socket.IO's Engine.IO endpoint for the URL
    /// (as `io(url)` would), and the subprotocols STOMP and GraphQL clients offer when none were given;
    /// with that endpoint parsed, once for every connection the session makes.
    pub(crate) fn session_target(&self, options: &CheckOptions) -> Result<(CheckOptions, Target)> {
        let mut options = options.clone();
        let offered = |list: &[&str]| list.iter().map(|p| p.to_string()).collect();
        match self.dialect() {
            Dialect::Socketio => {
                options.url = framework::socketio::packet::engine_url(
                    &options.url,
                    options.socketio_path.as_deref(),
                )?
            }
            Dialect::Stomp if options.subprotocols.is_empty() => {
                options.subprotocols = offered(&framework::STOMP_SUBPROTOCOLS);
            }
            Dialect::GraphqlWs if options.subprotocols.is_empty() => {
                options.subprotocols = offered(&framework::GRAPHQL_SUBPROTOCOLS);
            }
            _ => {}
        }
        let parsed = parse_target(&options.url)?;
        Ok((options, parsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(url: &str) -> RunPlan {
        RunPlan::of(&CheckOptions {
            url: url.into(),
            ..CheckOptions::default()
        })
    }

    #[test]
    fn the_protocol_is_decided_once_with_its_reason() {
        let socketio = plan("ws://h/socket.io/?EIO=4&transport=websocket");
        assert_eq!(socketio.protocol, Protocol::Socketio);
        assert_eq!(socketio.dialect(), Dialect::Socketio);
        assert!(socketio.why.contains("Socket.IO"));
        assert_eq!(plan("ws://h/chat").dialect(), Dialect::Websocket);
        assert!(plan("not a url").parsed().is_none());
        assert!(plan("").target.is_none());
        let stomp = RunPlan::of(&CheckOptions {
            url: "http://h/stomp".into(),
            protocol: Protocol::Stomp,
            ..CheckOptions::default()
        });
        assert!(stomp.inside_sockjs);
        let with_path = RunPlan::of(&CheckOptions {
            url: "ws://h/chat".into(),
            socketio_path: Some("/io".into()),
            ..CheckOptions::default()
        });
        assert_eq!(
            (with_path.protocol, with_path.why.as_str()),
            (Protocol::Socketio, "a Socket.IO path was given")
        );
    }

    #[test]
    fn a_session_connects_where_its_dialect_says() {
        let stomp = RunPlan::of(&CheckOptions {
            url: "ws://h/ws".into(),
            protocol: Protocol::Stomp,
            ..CheckOptions::default()
        });
        let (target, parsed) = stomp
            .session_target(&CheckOptions {
                url: "ws://h/ws".into(),
                protocol: Protocol::Stomp,
                ..CheckOptions::default()
            })
            .unwrap();
        assert_eq!(target.subprotocols, ["v12.stomp", "v11.stomp", "v10.stomp"]);
        assert_eq!(parsed.url.as_str(), "ws://h/ws");
    }
}
