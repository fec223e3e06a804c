//! The interactive console: a session that owns one WebSocket, sends what the user asks, records every
//! frame in a bounded log, answers heartbeats, and reconnects with backoff when asked to.
//!
//! A session is one task; callers talk to it through a command channel and read its log by sequence
//! number, or follow it as it runs ([`Follow`]). No lock is held across an await: the log's mutex guards
//! only pushes and copies.

mod connect;
mod console_request;
mod entry;
mod export;
mod follow;
mod log;
mod recording;
mod session_task;
mod spill;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

pub use crate::framework::{Action, Decoded, Dialect, Frame, MAX_SEND_BYTES};
pub use console_request::{ConsoleDefaults, ConsoleRequest, ConsoleSettings};
pub use entry::{Direction, Entry, EntryKind};
pub use follow::{Follow, FollowBatch};
pub use log::Limits;
pub use spill::{files as spill_files, sweep as sweep_spill};

use crate::redact::Sensitive;
use crate::target::CheckOptions;
use crate::{Error, Result};

/// Client pings on a timer, each expecting a pong within the deadline.
#[derive(Debug, Clone, Copy)]
pub struct Heartbeat {
    pub interval: Duration,
    pub deadline: Duration,
}

/// Reconnect after a drop: initial delay, growing by `factor` up to `max`, each delay spread by ±`spread`
/// (0.25 by default; 0.5 as socket.io-client's `randomizationFactor`).
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    pub factor: f64,
    /// `u32::MAX` for no limit (socket.io-client's default).
    pub max_attempts: u32,
    pub spread: f64,
}

impl Backoff {
    /// The delay before attempt `n` (1-based), jittered by `jitter` in [0, 1).
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(1000) as i32;
        let base = self.initial.as_secs_f64() * self.factor.powi(exponent);
        let capped = base.min(self.max.as_secs_f64());
        let spread = self.spread.clamp(0.0, 1.0);
        Duration::from_secs_f64((capped * (1.0 - spread + jitter * 2.0 * spread)).max(0.0))
    }
}

#[derive(Debug)]
pub struct SessionConfig {
    pub target: CheckOptions,
    pub heartbeat: Option<Heartbeat>,
    pub reconnect: Option<Backoff>,
    pub limits: Limits,
    /// A folder for the entries beyond the in-memory window (the app's cache dir); `None` keeps every
    /// entry in memory.
    pub spill_dir: Option<PathBuf>,
    /// A reader that gets every entry in order (the CLI printing them), instead of the log (which then
    /// keeps none). When it falls behind, the session stops reading the socket until it catches up: TCP
    /// backpressure, never a dropped entry.
    pub follower: Option<mpsc::Sender<Entry>>,
    /// The Socket.IO namespace to join, instead of the URL's.
    pub namespace: Option<String>,
    /// The profile environment's variables, filled into `{{name}}` in what is sent; `None` for one that
    /// has no value there (sending it is refused, not sent with the placeholder).
    pub variables: Vec<(String, Option<Sensitive<String>>)>,
}

/// What to send.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "mode", content = "payload", rename_all = "camelCase")]
pub enum Outgoing {
    /// Sent as typed.
    Text(String),
    /// Validated, and sent compact (`compact: true`) or as typed.
    Json {
        text: String,
        compact: bool,
    },
    /// Hex digits; spaces and newlines are ignored.
    Hex(String),
    Base64(String),
}

impl Outgoing {
    /// The frame to send, or why this input cannot be sent (nothing is sent then).
    pub fn to_frame(&self) -> Result<Frame> {
        let too_big = |n: usize| {
            Error::InvalidInput(format!(
                "the message is {n} bytes; the console sends at most {MAX_SEND_BYTES}"
            ))
        };
        match self {
            Outgoing::Text(text) => Ok(Frame::Text(text.clone())),
            Outgoing::Json { text, compact } => {
                let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                    Error::InvalidInput(format!(
                        "not valid JSON: {e} (line {}, column {})",
                        e.line(),
                        e.column()
                    ))
                })?;
                Ok(Frame::Text(if *compact {
                    value.to_string()
                } else {
                    text.clone()
                }))
            }
            Outgoing::Hex(hex) => {
                let digits: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
                let digits = digits.strip_prefix("0x").unwrap_or(&digits);
                let bytes = ::hex::decode(digits)
                    .map_err(|e| Error::InvalidInput(format!("not valid hex: {e}")))?;
                if bytes.len() > MAX_SEND_BYTES {
                    return Err(too_big(bytes.len()));
                }
                Ok(Frame::Binary(bytes))
            }
            Outgoing::Base64(text) => {
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| Error::InvalidInput(format!("not valid base64: {e}")))?;
                if bytes.len() > MAX_SEND_BYTES {
                    return Err(too_big(bytes.len()));
                }
                Ok(Frame::Binary(bytes))
            }
        }
    }
}

/// Where the connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionState {
    Connecting,
    Open,
    Reconnecting,
    Closed,
}

/// A session's status line.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    pub state: SessionState,
    /// What the session speaks over the socket.
    pub dialect: Dialect,
    /// The session can be spoken to: open, and for a framework joined (namespace, CONNECTED, ack).
    pub joined: bool,
    pub url: String,
    pub protocol: Option<String>,
    pub extensions: Option<String>,
    #[ts(type = "number")]
    pub messages_in: u64,
    #[ts(type = "number")]
    pub messages_out: u64,
    #[ts(type = "number")]
    pub bytes_in: u64,
    #[ts(type = "number")]
    pub bytes_out: u64,
    pub last_rtt_ms: Option<f64>,
    #[ts(type = "number")]
    pub last_seq: u64,
    /// Entries the ring buffer let go of.
    #[ts(type = "number")]
    pub dropped: u64,
    /// Entries held now, and the bytes they take (in memory and on disk).
    pub held: u32,
    #[ts(type = "number")]
    pub held_bytes: u64,
    /// How many of the entries held are on disk, beyond the in-memory window.
    pub on_disk: u32,
}

pub(crate) struct Shared {
    pub log: log::EntryLog,
    pub status: SessionStatus,
    /// The handshake, for exports (secrets redacted).
    pub request_headers: Vec<(String, String)>,
    pub response_status: u16,
    pub response_headers: Vec<(String, String)>,
    pub started_us: u64,
}

pub(crate) enum Command {
    Send(Frame),
    Act(Action),
    Ping(Vec<u8>),
    Close { code: u16, reason: String },
}

/// `{{name}}` replaced by the value of variable `name`; names that are no variable of the profile are left
/// as typed, and one that has no value in this environment refuses the text (nothing is sent).
fn fill_variables(text: &str, variables: &[(String, Option<Sensitive<String>>)]) -> Result<String> {
    if variables.is_empty() || !text.contains("{{") {
        return Ok(text.to_string());
    }
    let mut out = text.to_string();
    for (name, value) in variables {
        let placeholder = format!("{{{{{name}}}}}");
        if !out.contains(&placeholder) {
            continue;
        }
        let Some(value) = value else {
            return Err(Error::InvalidInput(format!(
                "variable {placeholder} has no value in this environment: nothing was sent"
            )));
        };
        out = out.replace(&placeholder, value.expose());
    }
    Ok(out)
}

/// A running session. Dropping it stops the session.
pub struct ConsoleSession {
    commands: mpsc::UnboundedSender<Command>,
    dialect: Dialect,
    variables: Vec<(String, Option<Sensitive<String>>)>,
    shared: Arc<Mutex<Shared>>,
    changed: Arc<Notify>,
    stop: CancellationToken,
}

impl ConsoleSession {
    /// Starts a session (inside a tokio runtime). Only an unusable URL is an error; connection failures
    /// are entries of the session.
    pub fn start(mut config: SessionConfig) -> Result<ConsoleSession> {
        let plan = crate::target::RunPlan::of(&config.target);
        let dialect = plan.dialect();
        let asked_url = config.target.url.clone();
        let (session_target, target) = plan.session_target(&config.target)?;
        config.target = session_target;
        let redactor = crate::redact::Redactor::new(&config.target.secret_headers);
        let auth = config
            .target
            .auth
            .as_ref()
            .and_then(|a| serde_json::from_str::<serde_json::Value>(a.expose()).ok());
        crate::target::learn_secrets(&redactor, &config.target);
        for (name, value) in &config.variables {
            if let Some(value) = value {
                redactor.remember(value.expose(), format!("variable {name}"));
            }
        }
        let terms = crate::framework::machine::Terms {
            auth,
            url: config.target.url.clone(),
            namespace: crate::framework::socketio::packet::namespace_of(
                &asked_url,
                config.target.socketio_path.as_deref(),
                config.namespace.as_deref(),
            ),
            join_timeout: config.target.handshake_timeout,
            reply_timeout: config.target.reply_timeout,
        };
        // The jar's values are credentials wherever a server echoes them; a jar that does not load is
        // the first connection attempt's error, said in the session.
        if let Some(jar) = config
            .target
            .cookie_file
            .as_deref()
            .and_then(|path| crate::browser::cookie_jar::load(path).ok())
        {
            crate::browser::cookie_jar::remember(&redactor, &jar);
        }
        let shared = Arc::new(Mutex::new(Shared {
            log: log::EntryLog::new(config.limits, config.spill_dir.clone()),
            status: SessionStatus {
                state: SessionState::Connecting,
                dialect,
                joined: false,
                url: redactor.url(target.url.as_str()),
                protocol: None,
                extensions: None,
                messages_in: 0,
                messages_out: 0,
                bytes_in: 0,
                bytes_out: 0,
                last_rtt_ms: None,
                last_seq: 0,
                dropped: 0,
                held: 0,
                held_bytes: 0,
                on_disk: 0,
            },
            request_headers: Vec::new(),
            response_status: 0,
            response_headers: Vec::new(),
            started_us: entry::now_us(),
        }));
        let (commands, rx) = mpsc::unbounded_channel();
        let changed = Arc::new(Notify::new());
        let stop = CancellationToken::new();
        let variables = config.variables.clone();
        tokio::spawn(session_task::run(
            config,
            target.clone(),
            dialect,
            terms,
            redactor,
            shared.clone(),
            changed.clone(),
            rx,
            stop.clone(),
        ));
        Ok(ConsoleSession {
            commands,
            dialect,
            variables,
            shared,
            changed,
            stop,
        })
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn command(&self, command: Command) -> Result<()> {
        self.commands
            .send(command)
            .map_err(|_| Error::InvalidInput("the session has ended".into()))
    }

    /// Sends a message; invalid input is refused here and nothing is sent. The profile's `{{variables}}`
    /// are filled in a text message.
    pub fn send(&self, outgoing: &Outgoing) -> Result<()> {
        let frame = match outgoing.to_frame()? {
            Frame::Text(text) => Frame::Text(self.fill(&text)?),
            binary => binary,
        };
        self.command(Command::Send(frame))
    }

    /// What the session speaks.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Does what a framework session is asked (emit, subscribe, send, an operation...), `{{variables}}`
    /// filled; an action of another protocol, or one with invalid input, is refused here.
    pub fn act(&self, mut action: Action) -> Result<()> {
        if action.dialect() != self.dialect {
            return Err(Error::InvalidInput(format!(
                "this session speaks {}; `{}` is a {} action",
                self.dialect.word(),
                serde_json::to_value(&action)
                    .ok()
                    .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_string))
                    .unwrap_or_default(),
                action.dialect().word()
            )));
        }
        for text in action.texts_mut() {
            *text = self.fill(text)?;
        }
        action.validate()?;
        self.command(Command::Act(action))
    }

    fn fill(&self, text: &str) -> Result<String> {
        fill_variables(text, &self.variables)
    }

    pub fn send_frame(&self, frame: Frame) -> Result<()> {
        self.command(Command::Send(frame))
    }

    pub fn ping(&self, payload: &[u8]) -> Result<()> {
        if payload.len() > 125 {
            return Err(Error::InvalidInput(
                "a ping carries at most 125 bytes".into(),
            ));
        }
        self.command(Command::Ping(payload.to_vec()))
    }

    /// Starts the closing handshake with `code` (1000-4999, not the reserved 1004-1006, 1015).
    pub fn close(&self, code: u16, reason: &str) -> Result<()> {
        let allowed = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        if !allowed {
            return Err(Error::InvalidInput(format!(
                "{code} cannot be sent in a close frame (use 1000-1003, 1007-1014 or 3000-4999)"
            )));
        }
        if reason.len() > 123 {
            return Err(Error::InvalidInput(
                "a close reason holds at most 123 bytes".into(),
            ));
        }
        self.command(Command::Close {
            code,
            reason: reason.to_string(),
        })
    }

    /// Entries after `seq` (at most `max`), oldest first.
    pub fn entries_after(&self, seq: u64, max: usize) -> Vec<Entry> {
        self.shared().log.after(seq, max)
    }

    /// Entries before `seq` (at most `count`), oldest first: paging back through history.
    pub fn entries_before(&self, seq: u64, count: usize) -> Vec<Entry> {
        self.shared().log.before(seq, count)
    }

    pub fn status(&self) -> SessionStatus {
        let shared = self.shared();
        SessionStatus {
            last_seq: shared.log.last_seq(),
            dropped: shared.log.dropped,
            held: shared.log.len() as u32,
            held_bytes: shared.log.bytes() as u64,
            on_disk: shared.log.on_disk() as u32,
            ..shared.status.clone()
        }
    }

    /// Resolves when something new was recorded.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Whether the session's task has ended (closed and not reconnecting).
    pub fn is_finished(&self) -> bool {
        self.commands.is_closed()
    }

    /// Writes the session as JSON Lines (one entry per line) to `out`: every entry kept up to the last
    /// one recorded when the export began. The session records on while it is written.
    pub fn export_jsonl(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        export::jsonl(self, out)
    }

    /// Writes the session as a HAR file whose `_webSocketMessages` Chrome DevTools can import, as
    /// [`export_jsonl`](Self::export_jsonl) does.
    pub fn export_har(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        export::har(self, out)
    }

    /// Stops the session at once (no closing handshake).
    pub fn stop(&self) {
        self.stop.cancel();
    }
}

impl Drop for ConsoleSession {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_is_refused_with_a_reason() {
        assert!(
            Outgoing::Hex("zz".into())
                .to_frame()
                .unwrap_err()
                .to_string()
                .contains("not valid hex")
        );
        assert!(
            Outgoing::Base64("***".into())
                .to_frame()
                .unwrap_err()
                .to_string()
                .contains("not valid base64")
        );
        let json = Outgoing::Json {
            text: "{\"a\": }".into(),
            compact: true,
        }
        .to_frame()
        .unwrap_err();
        assert!(json.to_string().contains("line 1"), "{json}");
        assert_eq!(
            Outgoing::Hex("de ad\nBE EF".into()).to_frame().unwrap(),
            Frame::Binary(vec![0xde, 0xad, 0xbe, 0xef])
        );
        assert_eq!(
            Outgoing::Json {
                text: "{ \"a\" : 1 }".into(),
                compact: true
            }
            .to_frame()
            .unwrap(),
            Frame::Text("{\"a\":1}".into())
        );
    }

    #[test]
    fn variables_are_filled_and_a_missing_value_sends_nothing() {
        let variables = vec![
            (
                "room".to_string(),
                Some(Sensitive::new("lobby".to_string())),
            ),
            ("token".to_string(), None),
        ];
        assert_eq!(
            fill_variables(r#"{"room": "{{room}}", "x": "{{other}}"}"#, &variables).unwrap(),
            r#"{"room": "lobby", "x": "{{other}}"}"#
        );
        let refused = fill_variables("Bearer {{token}}", &variables).unwrap_err();
        assert!(refused.to_string().contains("{{token}} has no value"));
        assert_eq!(fill_variables("{{room}}", &[]).unwrap(), "{{room}}");
    }

    #[test]
    fn backoff_grows_to_its_cap_with_jitter() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            factor: 2.0,
            max_attempts: 5,
            spread: 0.25,
        };
        assert_eq!(b.delay(1, 0.5), Duration::from_millis(100));
        assert_eq!(b.delay(3, 0.5), Duration::from_millis(400));
        assert_eq!(b.delay(10, 0.5), Duration::from_secs(1));
        assert_eq!(b.delay(1, 0.0), Duration::from_millis(75));
        // socket.io-client's: 1 s doubling to 5 s, each ±50 %.
        let io = Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5),
            factor: 2.0,
            max_attempts: u32::MAX,
            spread: 0.5,
        };
        assert_eq!(io.delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(
            io.delay(u32::MAX, 0.999_999),
            Duration::from_secs_f64(5.0 * 1.499_999)
        );
    }
}
