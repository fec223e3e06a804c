//! `wsdoctor connect`: a console for one WebSocket, like wscat with more detail.
//!
//! On a terminal it is a REPL: a line is sent as text; `/ping [text]`, `/close [CODE [REASON]]`,
//! `/hex …`, `/b64 …`, `/json …` and `/quit` do what they say. With stdin from a pipe or a file it is a
//! script: each line is sent, replies are awaited for `--wait` seconds, the connection is closed, and the
//! exit status says what happened: 0 opened and closed cleanly, 1 never opened or lost, 2 bad input.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use wsdoctor_core::console::{
    ConsoleSession, Direction, Entry, EntryKind, Limits, Outgoing, SessionConfig, SessionState,
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
        _ if line.starts_with("//") => Line::Send(Outgoing::Text(line[1..].to_string())),
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

fn clock(us: u64) -> String {
    let secs = us / 1_000_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        us / 1000 % 1000
    )
}

fn render(entry: &Entry, json: bool) -> String {
    if json {
        return serde_json::to_string(entry).expect("entries serialise");
    }
    let arrow = match entry.direction {
        Direction::In => "←",
        Direction::Out => "→",
        Direction::Local => "·",
    };
    let kind = format!("{:?}", entry.kind).to_lowercase();
    let body = match (&entry.text, &entry.data, entry.kind) {
        (Some(text), _, _) => text.clone(),
        (None, Some(data), _) => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap_or_default();
            hex::encode(&bytes[..bytes.len().min(64)]) + if bytes.len() > 64 { "…" } else { "" }
        }
        _ => String::new(),
    };
    let rtt = entry
        .rtt_ms
        .map(|ms| format!(" rtt {ms:.1} ms"))
        .unwrap_or_default();
    let size = if entry.direction == Direction::Local {
        String::new()
    } else {
        format!(" {} B", entry.size)
    };
    format!("{} {arrow} {kind}{size}{rtt}  {body}", clock(entry.at_us))
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
    let session = ConsoleSession::start(SessionConfig {
        target: args.target.options(args.url.clone(), run.as_ref())?,
        heartbeat: console.heartbeat()?,
        reconnect: console.reconnect_policy()?,
        limits: Limits::default(),
    })?;

    let mut printed = 0u64;
    let print_new = |printed: &mut u64| {
        let entries = session.entries_after(*printed, 10_000);
        let mut out = std::io::stdout().lock();
        for entry in &entries {
            let _ = writeln!(out, "{}", render(entry, args.json));
            *printed = entry.seq;
        }
        let _ = out.flush();
        entries
    };

    // Wait for the connection to open or fail.
    let opened = loop {
        print_new(&mut printed);
        match session.status().state {
            SessionState::Open => break true,
            SessionState::Closed => break false,
            _ if !args.reconnect
                && session
                    .entries_after(0, usize::MAX)
                    .iter()
                    .any(|e| e.kind == EntryKind::Error) =>
            {
                break false;
            }
            _ => {}
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    };
    if !opened {
        print_new(&mut printed);
        return Ok(ExitCode::from(1));
    }

    let mut bad_input = false;
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    let interactive = std::io::stdin().is_terminal();
    std::thread::spawn(move || {
        for line in std::io::stdin()
            .lock()
            .lines()
            .map_while(std::result::Result::ok)
        {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    if interactive {
        eprintln!(
            "connected; type a message, or /ping, /close CODE REASON, /hex, /b64, /json, /quit"
        );
    }
    loop {
        tokio::select! {
            line = lines.recv() => match line {
                Some(line) if line.is_empty() && interactive => {}
                Some(_) if session.status().state == SessionState::Closed => break,
                Some(line) => match parse_line(&line).and_then(|l| apply(&session, l)) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        eprintln!("not sent: {error}");
                        bad_input = true;
                    }
                },
                None => {
                    // End of input: give the server `--wait` to answer, then close.
                    let until = tokio::time::Instant::now() + wait;
                    while tokio::time::Instant::now() < until && session.status().state == SessionState::Open {
                        let _ = tokio::time::timeout_at(until, session.changed()).await;
                        print_new(&mut printed);
                    }
                    if session.status().state == SessionState::Open {
                        let _ = session.close(1000, "");
                    }
                    break;
                }
            },
            _ = session.changed() => {
                print_new(&mut printed);
                if session.status().state == SessionState::Closed {
                    break;
                }
            }
        }
    }
    // Let the closing handshake finish.
    let until = tokio::time::Instant::now() + Duration::from_secs(4);
    while session.status().state != SessionState::Closed && tokio::time::Instant::now() < until {
        let _ = tokio::time::timeout_at(until, session.changed()).await;
    }
    let entries = print_new(&mut printed);
    drop(entries);
    let all = session.entries_after(0, usize::MAX);
    let closed_by_us = all
        .iter()
        .any(|e| e.kind == EntryKind::Close && e.direction == Direction::Out)
        && all
            .iter()
            .any(|e| e.kind == EntryKind::Close && e.direction == Direction::In);
    Ok(if bad_input {
        ExitCode::from(2)
    } else if closed_by_us {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
