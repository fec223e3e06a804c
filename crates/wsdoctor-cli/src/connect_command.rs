//! `wsdoctor connect`: a console for one WebSocket, like wscat with more detail.
//!
//! On a terminal it is a REPL: a line is sent as text; `/ping [text]`, `/close [CODE [REASON]]`,
//! `/hex …`, `/b64 …`, `/json …` and `/quit` do what they say. With stdin from a pipe or a file it is a
//! script: each line is sent, then once the server has been quiet for `--wait` seconds the connection is
//! closed. Every entry is printed, in order: when stdout is slower than the socket the session stops
//! reading it (TCP backpressure), so nothing is dropped and memory stays flat. The exit status says what
//! happened: 0 opened and ended with a clean close from either side (ours answered, or the server's
//! 1000/1001), 1 never opened, lost, or closed with another code, 2 bad input.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use wsdoctor_core::console::{
    ConsoleSession, Direction, Entry, EntryKind, Follow, Limits, Outgoing, SessionConfig,
    SessionState,
};

use wsdoctor_core::{Error, Result};

use crate::target_args::{TargetArgs, seconds};

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// The WebSocket URL (ws:// or wss://); optional with --profile.
    #[arg(required_unless_present = "profile")]
    url: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// In script mode, seconds to wait for replies after the last line.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    wait: f64,
    /// Send a ping every SECS seconds and report a missed pong.
    #[arg(long, value_name = "SECS")]
    heartbeat: Option<f64>,
    /// Reconnect with exponential backoff (0.5 s doubling to 30 s, 10 attempts) when the connection drops.
    #[arg(long)]
    reconnect: bool,
    /// Print entries as JSON lines instead of text.
    #[arg(long)]
    json: bool,
}

/// A line of input as the session's command.
enum Line {
    Send(Outgoing),
    Ping(String),
    Close(u16, String),
    Quit,
}

fn parse_line(line: &str) -> Result<Line> {
    let (command, rest) = match line.strip_prefix('/') {
        Some(body) => body
            .split_once(' ')
            .map(|(c, r)| (c, r.trim()))
            .unwrap_or((body, "")),
        None => return Ok(Line::Send(Outgoing::Text(line.to_string()))),
    };
    Ok(match command {
        "ping" => Line::Ping(rest.to_string()),
        "close" => {
            let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
            let code = if code.is_empty() {
                1000
            } else {
                code.parse()
                    .map_err(|_| Error::InvalidInput(format!("`{code}` is not a close code")))?
            };
            Line::Close(code, reason.to_string())
        }
        "hex" => Line::Send(Outgoing::Hex(rest.to_string())),
        "b64" => Line::Send(Outgoing::Base64(rest.to_string())),
        "json" => Line::Send(Outgoing::Json {
            text: rest.to_string(),
            compact: true,
        }),
        "quit" | "exit" => Line::Quit,
        // `//text` sends `/text`.
        _ if line.starts_with("//") => Line::Send(Outgoing::Text(
            line.strip_prefix('/').unwrap_or(line).to_string(),
        )),
        other => {
            return Err(Error::InvalidInput(format!(
                "unknown command /{other} (try /ping, /close, /hex, /b64, /json, /quit)"
            )));
        }
    })
}

fn apply(session: &ConsoleSession, line: Line) -> Result<bool> {
    match line {
        Line::Send(outgoing) => session.send(&outgoing)?,
        Line::Ping(text) => session.ping(text.as_bytes())?,
        Line::Close(code, reason) => session.close(code, &reason)?,
        Line::Quit => {
            session.close(1000, "")?;
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `at` (microseconds since the epoch) as `HH:MM:SS.mmm` (UTC).
fn clock(out: &mut impl Write, us: u64) -> std::io::Result<()> {
    let secs = us / 1_000_000;
    write!(
        out,
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        us / 1000 % 1000
    )
}

fn kind_word(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Text => "text",
        EntryKind::Binary => "binary",
        EntryKind::Ping => "ping",
        EntryKind::Pong => "pong",
        EntryKind::Close => "close",
        EntryKind::Open => "open",
        EntryKind::Connecting => "connecting",
        EntryKind::Error => "error",
        EntryKind::Reconnect => "reconnect",
        EntryKind::Info => "info",
    }
}

/// Prints one entry as a line (or a JSON line), straight into `out`: a flood prints a million of them.
fn print_entry(out: &mut impl Write, entry: &Entry, json: bool) -> std::io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, entry)?;
        return out.write_all(b"\n");
    }
    let arrow = match entry.direction {
        Direction::In => "←",
        Direction::Out => "→",
        Direction::Local => "·",
    };
    clock(out, entry.at_us)?;
    write!(out, " {arrow} {}", kind_word(entry.kind))?;
    if entry.direction != Direction::Local {
        write!(out, " {} B", entry.size)?;
    }
    if let Some(ms) = entry.rtt_ms {
        write!(out, " rtt {ms:.1} ms")?;
    }
    out.write_all(b"  ")?;
    match (&entry.text, &entry.data) {
        (Some(text), _) => out.write_all(text.as_bytes())?,
        (None, Some(data)) => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap_or_default();
            let shown: Vec<u8> = bytes.iter().take(64).copied().collect();
            out.write_all(hex::encode(shown).as_bytes())?;
            if bytes.len() > 64 {
                out.write_all("…".as_bytes())?;
            }
        }
        _ => {}
    }
    out.write_all(b"\n")
}

/// Entries the printer may fall behind the socket before the session stops reading it.
const FOLLOW_BACKLOG: usize = 4096;
/// Entries printed per wake-up.
const FOLLOW_BATCH: usize = 1024;

/// What the printed entries showed of how the session went.
#[derive(Default)]
struct Outcome {
    opened: bool,
    close_sent: bool,
    /// The code of the server's close frame, if one came.
    close_received: Option<u16>,
}

impl Outcome {
    fn track(&mut self, entry: &Entry) {
        match (entry.kind, entry.direction) {
            (EntryKind::Open, _) => self.opened = true,
            (EntryKind::Close, Direction::Out) => self.close_sent = true,
            (EntryKind::Close, Direction::In) => self.close_received = entry.code,
            _ => {}
        }
    }

    /// A clean close from either side: ours answered, or the server's with 1000 or 1001.
    fn clean(&self) -> bool {
        match self.close_received {
            Some(code) => self.close_sent || matches!(code, 1000 | 1001),
            None => false,
        }
    }
}

pub async fn run(args: ConnectArgs) -> Result<ExitCode> {
    // 0 is a valid wait: send everything and close at once.
    let wait = if args.wait == 0.0 {
        Duration::ZERO
    } else {
        seconds(args.wait, "--wait")?
    };
    let run = args.target.profile()?;
    // A profile's heartbeat and backoff apply unless the flags say otherwise.
    let mut console = run
        .as_ref()
        .map(|r| r.profile.console.clone())
        .unwrap_or_default();
    if let Some(secs) = args.heartbeat {
        seconds(secs, "--heartbeat")?;
        console.heartbeat_secs = Some(secs);
    }
    console.reconnect |= args.reconnect;
    // Every entry reaches stdout through the follower, in order; the session keeps none itself, and at
    // most FOLLOW_BACKLOG wait in the channel, so memory stays flat whatever the flood.
    let (mut follow, follower) = Follow::every(FOLLOW_BACKLOG, FOLLOW_BATCH);
    let session = ConsoleSession::start(SessionConfig {
        target: args.target.options(args.url.clone(), run.as_ref())?,
        heartbeat: console.heartbeat()?,
        reconnect: console.reconnect_policy()?,
        // With a follower the session's log keeps no entry: the limits bound nothing here.
        limits: Limits::default(),
        follower: Some(follower),
        namespace: None,
        variables: Vec::new(),
    })?;

    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    // Handed to the stdin thread once the connection opens; its end closes `lines`.
    let mut lines_tx = Some(lines_tx);
    let interactive = std::io::stdin().is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut outcome = Outcome::default();
    let mut bad_input = false;
    let mut reading_input = false;
    // After the input ends: close once the server has been quiet for `--wait`.
    let mut quiet_until: Option<tokio::time::Instant> = None;
    let mut closing = false;
    loop {
        let quiet = async {
            match quiet_until {
                Some(at) if !closing => tokio::time::sleep_until(at).await,
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            batch = follow.next(&session) => {
                let Some(batch) = batch else {
                    break;
                };
                let mut written = Ok(());
                for entry in &batch.entries {
                    outcome.track(entry);
                    if written.is_ok() {
                        written = print_entry(&mut out, entry, args.json);
                    }
                }
                if written.is_err() || (!batch.more && out.flush().is_err()) {
                    // stdout is gone (a closed pipe): nothing more can be shown.
                    session.stop();
                    break;
                }
                if quiet_until.is_some() {
                    quiet_until = Some(tokio::time::Instant::now() + wait);
                }
                if outcome.opened && let Some(tx) = lines_tx.take() {
                    reading_input = true;
                    start_reading_stdin(tx, interactive);
                }
            }
            line = lines.recv(), if reading_input && quiet_until.is_none() && !closing => match line {
                Some(line) if line.is_empty() && interactive => {}
                // The server has closed already: nothing more can be sent, and that is no bad input.
                Some(_) if session.status().state == SessionState::Closed => {}
                Some(line) => match parse_line(&line).and_then(|l| apply(&session, l)) {
                    Ok(true) => {}
                    Ok(false) => closing = true,
                    Err(error) => {
                        let _ = out.flush();
                        eprintln!("not sent: {error}");
                        bad_input = true;
                    }
                },
                None => quiet_until = Some(tokio::time::Instant::now() + wait),
            },
            _ = quiet => {
                closing = true;
                if session.status().state == SessionState::Open {
                    let _ = session.close(1000, "");
                }
            }
        }
    }
    let _ = out.flush();
    Ok(if bad_input {
        ExitCode::from(2)
    } else if outcome.opened && outcome.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads stdin lines on a thread of their own (stdin blocks) into `lines`.
fn start_reading_stdin(lines: tokio::sync::mpsc::UnboundedSender<String>, interactive: bool) {
    if interactive {
        eprintln!(
            "connected; type a message, or /ping, /close CODE REASON, /hex, /b64, /json, /quit"
        );
    }
    std::thread::spawn(move || {
        for line in std::io::stdin()
            .lock()
            .lines()
            .map_while(std::result::Result::ok)
        {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
}
