//! A console session as a front end asks for it: the checklist's target options plus heartbeat,
//! reconnect and buffer settings.

use std::time::Duration;

use serde::Deserialize;
use ts_rs::TS;

use super::{Backoff, Heartbeat, Limits, SessionConfig};
use crate::check::CheckRequest;
use crate::{Error, Result};

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleRequest {
    pub target: CheckRequest,
    /// Ping every N seconds and report a missed pong (off when absent).
    #[serde(default)]
    pub heartbeat_secs: Option<f64>,
    /// Reconnect with exponential backoff when the connection drops.
    #[serde(default)]
    pub reconnect: bool,
    /// First reconnect delay, ms (default 500).
    #[serde(default)]
    pub backoff_initial_ms: Option<u32>,
    /// Longest reconnect delay, ms (default 30,000).
    #[serde(default)]
    pub backoff_max_ms: Option<u32>,
    /// Growth of the delay per attempt (default 2).
    #[serde(default)]
    pub backoff_factor: Option<f64>,
    /// Attempts before giving up (default 10).
    #[serde(default)]
    pub backoff_attempts: Option<u32>,
    #[serde(default)]
    pub max_entries: Option<u32>,
    #[serde(default)]
    pub max_megabytes: Option<u32>,
}

impl ConsoleRequest {
    fn backoff(&self) -> Result<Backoff> {
        let initial = self.backoff_initial_ms.unwrap_or(500).max(10);
        let max = self.backoff_max_ms.unwrap_or(30_000).max(initial);
        let factor = self.backoff_factor.unwrap_or(2.0);
        if !(1.0..=10.0).contains(&factor) {
            return Err(Error::InvalidInput(format!(
                "the backoff factor must be between 1 and 10, not {factor}"
            )));
        }
        Ok(Backoff {
            initial: Duration::from_millis(u64::from(initial)),
            max: Duration::from_millis(u64::from(max)),
            factor,
            max_attempts: self.backoff_attempts.unwrap_or(10).max(1),
        })
    }

    pub fn into_config(self) -> Result<SessionConfig> {
        if self.target.url.trim().is_empty() {
            return Err(Error::InvalidInput(
                "give the WebSocket URL to connect to".into(),
            ));
        }
        let heartbeat = match self.heartbeat_secs {
            None => None,
            Some(s) if (0.1..=3600.0).contains(&s) => {
                let interval = Duration::from_secs_f64(s);
                Some(Heartbeat {
                    interval,
                    deadline: interval.min(Duration::from_secs(10)),
                })
            }
            Some(s) => {
                return Err(Error::InvalidInput(format!(
                    "the heartbeat must be between 0.1 and 3600 seconds, not {s}"
                )));
            }
        };
        let defaults = Limits::default();
        let limits = Limits {
            max_entries: self
                .max_entries
                .map_or(defaults.max_entries, |n| (n as usize).max(100)),
            max_bytes: self
                .max_megabytes
                .map_or(defaults.max_bytes, |mb| (mb as usize).max(1) << 20),
        };
        let reconnect = if self.reconnect {
            Some(self.backoff()?)
        } else {
            None
        };
        Ok(SessionConfig {
            target: self.target.into_options()?,
            heartbeat,
            reconnect,
            limits,
        })
    }
}
