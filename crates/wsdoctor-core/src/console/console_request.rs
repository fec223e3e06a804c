//! A console session as a front end asks for it: the target (the same fields as the checklist's) plus
//! heartbeat, reconnect and buffer settings.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Backoff, Dialect, Heartbeat, Limits, SessionConfig};
use crate::target::TargetRequest;
use crate::{Error, Result};

/// How a session keeps watch on its connection and comes back after a drop; a profile saves these too.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct ConsoleSettings {
    /// Ping every N seconds and report a missed pong (off when absent).
    pub heartbeat_secs: Option<f64>,
    /// Reconnect with exponential backoff when the connection drops.
    pub reconnect: bool,
    /// First reconnect delay, ms (default 500).
    pub backoff_initial_ms: Option<u32>,
    /// Longest reconnect delay, ms (default 30,000).
    pub backoff_max_ms: Option<u32>,
    /// Growth of the delay per attempt (default 2).
    pub backoff_factor: Option<f64>,
    /// Attempts before giving up (default 10; no limit for Socket.IO, as its client).
    pub backoff_attempts: Option<u32>,
    /// The Socket.IO namespace to join, when not the URL's path.
    pub namespace: Option<String>,
    /// How long an emit waits for its ack, or a STOMP frame for its receipt, in seconds (default 5).
    pub ack_timeout_secs: Option<f64>,
}

/// What an empty setting means for a target: the defaults of its dialect (socket.io-client's own backoff
/// for a Socket.IO session, the plain one otherwise) and the namespace its URL names. The front ends show
/// these as the fields' placeholders; the engine runs with the same values.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleDefaults {
    /// What the session will speak.
    pub dialect: Dialect,
    /// The Socket.IO namespace the URL names (a Socket.IO target only).
    pub namespace: Option<String>,
    pub backoff_initial_ms: u32,
    pub backoff_max_ms: u32,
    pub backoff_factor: f64,
    /// Attempts before giving up; `None` for no limit (socket.io-client's default).
    pub backoff_attempts: Option<u32>,
    /// How far each delay is spread either way, as a fraction.
    pub backoff_spread: f64,
    pub ack_timeout_secs: f64,
    /// The reconnect defaults in words: "0.5 s doubling to 30 s, ±25 %, 10 attempts".
    pub summary: String,
}

impl ConsoleDefaults {
    /// The defaults of `dialect`.
    pub fn of(dialect: Dialect) -> ConsoleDefaults {
        let socketio = dialect == Dialect::Socketio;
        let (initial, max, attempts, spread) = if socketio {
            (1_000, 5_000, None, 0.5)
        } else {
            (500, 30_000, Some(10), 0.25)
        };
        let summary = format!(
            "reconnects {} s doubling to {} s, ±{} %, {}{}; an ack or receipt waits {} s",
            f64::from(initial) / 1000.0,
            max / 1000,
            (spread * 100.0) as u32,
            attempts.map_or("no limit".to_string(), |n| format!("{n} attempts")),
            if socketio {
                " (socket.io-client's own)"
            } else {
                ""
            },
            DEFAULT_ACK_TIMEOUT.as_secs()
        );
        ConsoleDefaults {
            dialect,
            namespace: None,
            backoff_initial_ms: initial,
            backoff_max_ms: max,
            backoff_factor: 2.0,
            backoff_attempts: attempts,
            backoff_spread: spread,
            ack_timeout_secs: DEFAULT_ACK_TIMEOUT.as_secs_f64(),
            summary,
        }
    }

    /// The defaults for a session to `target`: its dialect's, with the namespace its URL names. Only what
    /// decides the dialect is read (the URL, the protocol, the Socket.IO path, the subprotocols), so a
    /// target still being typed, or with `{{variables}}` in its URL, gets the defaults it will run with.
    pub fn for_target(target: &TargetRequest) -> ConsoleDefaults {
        let options = crate::target::CheckOptions {
            url: target.url.trim().to_string(),
            protocol: target.protocol,
            subprotocols: target
                .subprotocols
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            socketio_path: target
                .socketio_path
                .as_deref()
                .and_then(|p| crate::framework::socketio::engine_io::normal_path(p).ok()),
            ..crate::target::CheckOptions::default()
        };
        let dialect = crate::target::RunPlan::of(&options).dialect();
        let namespace = (dialect == Dialect::Socketio).then(|| {
            crate::framework::socketio::packet::namespace_of(
                &options.url,
                options.socketio_path.as_deref(),
                None,
            )
        });
        ConsoleDefaults {
            namespace,
            ..ConsoleDefaults::of(dialect)
        }
    }
}

/// How long an ack or a receipt waits when the settings do not say.
const DEFAULT_ACK_TIMEOUT: Duration = Duration::from_secs(5);

impl ConsoleSettings {
    /// The heartbeat asked for, checked: a pong is awaited for the interval, at most 10 s.
    pub fn heartbeat(&self) -> Result<Option<Heartbeat>> {
        match self.heartbeat_secs {
            None => Ok(None),
            Some(s) if (0.1..=3600.0).contains(&s) => {
                let interval = Duration::from_secs_f64(s);
                Ok(Some(Heartbeat {
                    interval,
                    deadline: interval.min(Duration::from_secs(10)),
                }))
            }
            Some(s) => Err(Error::InvalidInput(format!(
                "the heartbeat must be between 0.1 and 3600 seconds, not {s}"
            ))),
        }
    }

    /// How long an ack or a receipt may take, checked.
    pub fn ack_timeout(&self) -> Result<Duration> {
        match self.ack_timeout_secs {
            None => Ok(DEFAULT_ACK_TIMEOUT),
            Some(s) if (0.1..=3600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
            Some(s) => Err(Error::InvalidInput(format!(
                "the ack timeout must be between 0.1 and 3600 seconds, not {s}"
            ))),
        }
    }

    /// The reconnect policy: none unless `reconnect`, else the backoff with the dialect's defaults
    /// ([`ConsoleDefaults`]) filled in.
    pub fn reconnect_policy(&self, dialect: Dialect) -> Result<Option<Backoff>> {
        if !self.reconnect {
            return Ok(None);
        }
        let defaults = ConsoleDefaults::of(dialect);
        let initial = self
            .backoff_initial_ms
            .unwrap_or(defaults.backoff_initial_ms)
            .max(10);
        let max = self
            .backoff_max_ms
            .unwrap_or(defaults.backoff_max_ms)
            .max(initial);
        let factor = self.backoff_factor.unwrap_or(defaults.backoff_factor);
        if !(1.0..=10.0).contains(&factor) {
            return Err(Error::InvalidInput(format!(
                "the backoff factor must be between 1 and 10, not {factor}"
            )));
        }
        Ok(Some(Backoff {
            initial: Duration::from_millis(u64::from(initial)),
            max: Duration::from_millis(u64::from(max)),
            factor,
            max_attempts: self
                .backoff_attempts
                .or(defaults.backoff_attempts)
                .unwrap_or(u32::MAX)
                .max(1),
            spread: defaults.backoff_spread,
        }))
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleRequest {
    pub target: TargetRequest,
    #[serde(flatten)]
    pub settings: ConsoleSettings,
    #[serde(default)]
    pub max_entries: Option<u32>,
    #[serde(default)]
    pub max_megabytes: Option<u32>,
}

impl ConsoleRequest {
    pub fn into_config(self) -> Result<SessionConfig> {
        if self.target.url.trim().is_empty() {
            return Err(Error::InvalidInput(
                "give the WebSocket URL to connect to".into(),
            ));
        }
        let defaults = Limits::default();
        let limits = Limits {
            max_entries: self
                .max_entries
                .map_or(defaults.max_entries, |n| (n as usize).max(100)),
            max_bytes: self
                .max_megabytes
                .map_or(defaults.max_bytes, |mb| (mb as usize).max(1) << 20),
            ..defaults
        };
        let mut target = self.target.into_options()?;
        target.reply_timeout = self.settings.ack_timeout()?;
        Ok(SessionConfig {
            heartbeat: self.settings.heartbeat()?,
            reconnect: self
                .settings
                .reconnect_policy(crate::target::RunPlan::of(&target).dialect())?,
            target,
            limits,
            spill_dir: None,
            follower: None,
            namespace: self.settings.namespace.filter(|n| !n.trim().is_empty()),
            variables: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_arrive_beside_the_target_and_are_checked() {
        let request: ConsoleRequest = serde_json::from_value(serde_json::json!({
            "target": {"url": "ws://127.0.0.1:9/"},
            "heartbeatSecs": 20.0,
            "reconnect": true,
            "backoffFactor": 3.0,
            "maxEntries": 500
        }))
        .unwrap();
        let config = request.clone().into_config().unwrap();
        let heartbeat = config.heartbeat.unwrap();
        assert_eq!(heartbeat.interval, Duration::from_secs(20));
        assert_eq!(heartbeat.deadline, Duration::from_secs(10));
        let backoff = config.reconnect.unwrap();
        assert_eq!(
            (backoff.initial, backoff.factor, backoff.max_attempts),
            (Duration::from_millis(500), 3.0, 10)
        );
        assert_eq!(config.limits.max_entries, 500);
        let socketio: ConsoleRequest = serde_json::from_value(serde_json::json!({
            "target": {"url": "http://127.0.0.1:9/socket.io/"},
            "reconnect": true,
            "namespace": "/admin"
        }))
        .unwrap();
        let config = socketio.into_config().unwrap();
        let backoff = config.reconnect.unwrap();
        assert_eq!(
            (
                backoff.initial,
                backoff.max,
                backoff.max_attempts,
                backoff.spread
            ),
            (
                Duration::from_secs(1),
                Duration::from_secs(5),
                u32::MAX,
                0.5
            )
        );
        assert_eq!(config.namespace.as_deref(), Some("/admin"));

        let defaults = ConsoleDefaults::for_target(&TargetRequest {
            url: "http://127.0.0.1:9/socket.io/?EIO=4".into(),
            ..TargetRequest::default()
        });
        assert_eq!(
            (
                defaults.dialect,
                defaults.namespace.as_deref(),
                defaults.backoff_attempts
            ),
            (Dialect::Socketio, Some("/"), None)
        );
        assert!(
            defaults
                .summary
                .contains("1 s doubling to 5 s, ±50 %, no limit")
        );
        let plain = ConsoleDefaults::for_target(&TargetRequest {
            url: "ws://127.0.0.1:9/chat".into(),
            ..TargetRequest::default()
        });
        assert_eq!(
            (
                plain.dialect,
                plain.backoff_initial_ms,
                plain.backoff_attempts
            ),
            (Dialect::Websocket, 500, Some(10))
        );
        assert_eq!(
            ConsoleDefaults::for_target(&TargetRequest::default()).dialect,
            Dialect::Websocket
        );
        // A profile's URL with a variable in its host is a Socket.IO target all the same.
        let templated = ConsoleDefaults::for_target(&TargetRequest {
            url: "wss://{{host}}/socket.io/".into(),
            protocol: crate::framework::Protocol::Socketio,
            ..TargetRequest::default()
        });
        assert_eq!(
            (templated.dialect, templated.backoff_attempts),
            (Dialect::Socketio, None)
        );

        let mut bad = request;
        bad.settings.backoff_factor = Some(20.0);
        assert!(
            bad.clone()
                .into_config()
                .unwrap_err()
                .to_string()
                .contains("backoff factor")
        );
        bad.settings.backoff_factor = None;
        bad.settings.heartbeat_secs = Some(0.01);
        assert!(
            bad.into_config()
                .unwrap_err()
                .to_string()
                .contains("heartbeat")
        );
    }
}
