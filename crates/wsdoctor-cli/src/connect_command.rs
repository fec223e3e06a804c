//! `wsdoctor connect`: a console for one WebSocket, like wscat with more detail, that also speaks the
//! frameworks apps use over it (`--protocol socketio|stomp|graphql-ws`).
//!
//! On a terminal it is a REPL: a line is sent as text; `/ping [text]`, `/close [CODE [REASON]]`,
//! `/hex …`, `/b64 …`, `/json …` and `/quit` do what they say. In a framework session a line is one of
//! the protocol's commands instead (`emit EVENT [JSON ...]`, `subscribe DEST`, `subscribe QUERY`, ...:
//! [`Dialect::commands`]), read by the core. With stdin from a pipe or a file it is a script: each line is
//! sent (once a framework session has joined), and `--wait` seconds after the last one the connection is
//! closed, whatever the server still sends (a ticker or a flood cannot keep a script running). Every entry is printed, in order, decoded in a framework session: when stdout
//! is slower than the socket the session stops reading it (TCP backpressure), so nothing is dropped and
//! memory stays flat. The exit status says what happened: 0 opened and ended with a clean close from
//! either side (ours answered, or the server's 1000/1001), 1 never opened, lost, closed with another code,
//! or refused at the protocol's level (CONNECT_ERROR, a STOMP ERROR, a GraphQL rejection: its catalog
//! code on stderr), 2 bad input.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use wsdoctor_core::console::{
    Action, ConsoleSession, Decoded, Dialect, Direction, Entry, EntryKind, Follow, Limits,
    Outgoing, SessionConfig, SessionState,
};

use wsdoctor_core::{Error, Result};

use crate::target_args::{TargetArgs, seconds};

/// The script language, shown under `wsdoctor connect --help`.
pub const SCRIPT_HELP: &str = "\
Script and REPL lines, one command a line:
  websocket (raw)  TEXT                      sent as a text message
                   /json JSON | /hex HEX | /b64 BASE64
  socketio         emit EVENT [JSON ...]     arguments are JSON values one after another;
                                             {\"$base64\": \"...\"} is a binary attachment
                   emit-ack EVENT [JSON ...] prints the ack, or a timeout after --ack-timeout
  stomp            subscribe DEST [auto|client|client-individual]
                   unsubscribe DEST
                   send DEST [-H name:value ...] BODY
                   ack ID | nack ID          the ack header of a MESSAGE
  graphql-ws       subscribe QUERY [VARIABLES-JSON]   the query runs to the end of the line; a trailing
                                             JSON object that parses is the variables
                   stop ID
  every protocol   /ping [TEXT], /close [CODE [REASON]], /quit

Received entries print decoded: `← event NAME [args]`, `← ack NAME ID [args]`, a STOMP frame's command,
headers and body, `← next ID JSON`, `← complete ID`. --json prints every entry, decoded and raw.
Exit status: 0 a clean close, 1 never opened, lost, another close code, or refused by the protocol
(CONNECT_ERROR, a STOMP ERROR, a GraphQL rejection: its catalog code on stderr), 2 bad input.";

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// The WebSocket URL (ws:// or wss://); optional with --profile.
    #[arg(required_unless_present = "profile")]
    url: Option<String>,
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    /// In script mode, seconds to wait for replies after the last line, then close (whatever the server
    /// still sends). A server that closes first ends the run sooner.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    wait: f64,
    /// Send a ping every SECS seconds and report a missed pong.
    #[arg(long, value_name = "SECS")]
    heartbeat: Option<f64>,
    /// Reconnect with exponential backoff (0.5 s doubling to 30 s, 10 attempts) when the connection drops.
    #[arg(long)]
    reconnect: bool,
    /// Print entries as JSON lines instead of text (decoded and raw, in a framework session).
    #[arg(long)]
    json: bool,
    /// The Socket.IO namespace to join (default: the URL's path, as `io(url)` reads it).
    #[arg(long, value_name = "NAMESPACE")]
    namespace: Option<String>,
    /// Seconds an emit waits for its ack, or a STOMP frame for its receipt [default: 5].
    #[arg(long, value_name = "SECS")]
    ack_timeout: Option<f64>,
    /// Print the protocol's heartbeats too (Engine.IO pings, STOMP heart-beats, GraphQL pings).
    #[arg(long)]
    show_heartbeats: bool,
}

/// A line of input as the session's command.
enum Line {
    Send(Outgoing),
    Act(Action),
    Ping(String),
    Close(u16, String),
    Quit,
}

fn parse_line(line: &str, dialect: Dialect) -> Result<Line> {
    if dialect != Dialect::Websocket && !line.starts_with('/') {
        return match Action::parse(dialect, line) {
            Some(action) => action.map(Line::Act),
            None => Err(Error::InvalidInput(format!(
                "`{}` is not a {} command (use {}; /ping, /close, /quit)",
                line.split_whitespace().next().unwrap_or_default(),
                dialect.word(),
                dialect.commands()
            ))),
        };
    }
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
        Line::Act(action) => session.act(action)?,
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
fn print_entry(
    out: &mut impl Write,
    entry: &Entry,
    json: bool,
    dialect: Dialect,
) -> std::io::Result<()> {
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
    if let Some(decoded) = &entry.decoded {
        return print_decoded(out, arrow, decoded, dialect);
    }
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

/// A framework's entry as its protocol reads: `← event NAME [args]`, `← ack NAME ID [args]`, a STOMP frame's
/// command, headers and body, `← next ID JSON`, `← complete ID`; then what the session adds (first line).
fn print_decoded(
    out: &mut impl Write,
    arrow: &str,
    decoded: &Decoded,
    dialect: Dialect,
) -> std::io::Result<()> {
    write!(out, " {arrow} {}", decoded.kind)?;
    let stomp = dialect == Dialect::Stomp;
    match dialect {
        Dialect::Stomp => {
            for (name, value) in &decoded.headers {
                write!(out, " {name}:{value}")?;
            }
        }
        // Results by operation: `next ID JSON`.
        Dialect::GraphqlWs => {
            if let Some(id) = &decoded.id {
                write!(out, " {id}")?;
            }
        }
        _ => {
            for word in [decoded.name.as_deref(), decoded.id.as_deref()]
                .into_iter()
                .flatten()
            {
                write!(out, " {word}")?;
            }
        }
    }
    if let Some(body) = &decoded.body {
        if stomp && body.contains('\n') {
            write!(out, "\n{body}")?;
        } else {
            write!(out, " {body}")?;
        }
    }
    if let Some(note) = decoded.note.as_deref().and_then(|n| n.lines().next()) {
        write!(out, "  ({note})")?;
    }
    out.write_all(b"\n")
}

/// Entries the printer may fall behind the socket before the session stops reading it.
const FOLLOW_BACKLOG: usize = 4096;
/// Entries printed per wake-up.
const FOLLOW_BATCH: usize = 1024;

/// What the printed entries showed of how the session went.
#[derive(Default)]
struct SessionSeen {
    opened: bool,
    /// The session can be spoken to (a framework's join answered).
    joined: bool,
    /// The catalog's code of a refusal at the protocol's level, and its title.
    refused: Option<(String, String)>,
    close_sent: bool,
    /// The code of the server's close frame, if one came.
    close_received: Option<u16>,
}

impl SessionSeen {
    fn track(&mut self, entry: &Entry, dialect: Dialect) {
        if entry.joins(dialect) {
            self.joined = true;
        }
        if let Some(decoded) = entry.decoded.as_ref().filter(|d| d.refusal)
            && self.refused.is_none()
        {
            let code = decoded.cause.clone().unwrap_or_default();
            let title = wsdoctor_core::catalog::lookup(&code)
                .map(|e| e.title.to_string())
                .unwrap_or_default();
            self.refused = Some((code, title));
        }
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
    if args.ack_timeout.is_some() {
        console.ack_timeout_secs = args.ack_timeout;
    }
    // Every entry reaches stdout through the follower, in order; the session keeps none itself, and at
    // most FOLLOW_BACKLOG wait in the channel, so memory stays flat whatever the flood.
    let (mut follow, follower) = Follow::every(FOLLOW_BACKLOG, FOLLOW_BATCH);
    let mut target = args.target.options(args.url.clone(), run.as_ref())?;
    target.reply_timeout = console.ack_timeout()?;
    let dialect = wsdoctor_core::target::RunPlan::of(&target).dialect();
    let session = ConsoleSession::start(SessionConfig {
        target,
        heartbeat: console.heartbeat()?,
        reconnect: console.reconnect_policy(dialect)?,
        // With a follower the session's log keeps no entry: the limits bound nothing here.
        limits: Limits::default(),
        spill_dir: None,
        follower: Some(follower),
        namespace: args.namespace.clone().or(console.namespace.clone()),
        variables: Vec::new(),
    })?;

    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    // Handed to the stdin thread once the connection opens; its end closes `lines`.
    let mut lines_tx = Some(lines_tx);
    let interactive = std::io::stdin().is_terminal();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut outcome = SessionSeen::default();
    let mut bad_input = false;
    let mut reading_input = false;
    // After the input ends: close `--wait` later, whatever arrives meanwhile.
    let mut close_at: Option<tokio::time::Instant> = None;
    let mut closing = false;
    loop {
        let waited = async {
            match close_at {
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
                    outcome.track(entry, dialect);
                    let hidden = !args.show_heartbeats
                        && !args.json
                        && entry.decoded.as_ref().is_some_and(|d| d.heartbeat);
                    if written.is_ok() && !hidden {
                        written = print_entry(&mut out, entry, args.json, dialect);
                    }
                }
                if written.is_err() || (!batch.more && out.flush().is_err()) {
                    // stdout is gone (a closed pipe): nothing more can be shown.
                    session.stop();
                    break;
                }
                if outcome.joined && let Some(tx) = lines_tx.take() {
                    reading_input = true;
                    start_reading_stdin(tx, interactive, dialect);
                }
            }
            line = lines.recv(), if reading_input && close_at.is_none() && !closing => match line {
                Some(line) if line.is_empty() && interactive => {}
                // The server has closed already: nothing more can be sent, and that is no bad input.
                Some(_) if session.status().state == SessionState::Closed => {}
                Some(line) => match parse_line(&line, dialect).and_then(|l| apply(&session, l)) {
                    Ok(true) => {}
                    Ok(false) => closing = true,
                    Err(error) => {
                        let _ = out.flush();
                        eprintln!("not sent: {error}");
                        bad_input = true;
                    }
                },
                None => close_at = Some(tokio::time::Instant::now() + wait),
            },
            _ = waited => {
                closing = true;
                if session.status().state == SessionState::Open {
                    let _ = session.close(1000, "");
                }
            }
        }
    }
    let _ = out.flush();
    if let Some((code, title)) = &outcome.refused {
        eprintln!("{code}: {title}");
    }
    Ok(if bad_input {
        ExitCode::from(2)
    } else if outcome.refused.is_some() {
        ExitCode::from(1)
    } else if outcome.opened && outcome.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads stdin lines on a thread of their own (stdin blocks) into `lines`.
fn start_reading_stdin(
    lines: tokio::sync::mpsc::UnboundedSender<String>,
    interactive: bool,
    dialect: Dialect,
) {
    if interactive {
        match dialect {
            Dialect::Websocket => eprintln!(
                "connected; type a message, or /ping, /close CODE REASON, /hex, /b64, /json, /quit"
            ),
            other => eprintln!(
                "connected ({}); {}; /ping, /close CODE REASON, /quit",
                other.word(),
                other.commands()
            ),
        }
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
