//! The idle item of a framework session (`--idle`): the session is held open, silent but for what the
//! framework's own client does to keep it alive (Engine.IO 4 answers the server's pings, Engine.IO 3
//! pings, STOMP sends its negotiated heart-beats, graphql-transport-ws answers pings), then judged. A
//! server or proxy that cuts it is found with the keep-alive a real client would send, so a cut is the
//! path's fault, not the check's silence.

use std::time::Duration;

use tokio::time::Instant;

use super::framework_channel::{Channel, Incoming};
use super::items;
use crate::report::{CheckStatus, Evidence, Recorder};

/// What the framework's client does while the session is idle.
#[derive(Debug, Clone, Copy)]
pub(super) enum KeepAlive {
    /// Engine.IO 4: the server pings (`2`), the client answers `3`.
    EngineIo,
    /// Engine.IO 3: the client pings (`2`) every `pingInterval`, the server answers `3`.
    EngineIo3 { every: Duration },
    /// graphql-transport-ws: a `ping` message is answered `pong`.
    Graphql,
    /// STOMP: the client sends a heart-beat (a lone newline) every `send`, if negotiated.
    Stomp { send: Option<Duration> },
}

/// How the held session went.
#[derive(Debug, Default)]
pub(super) struct Held {
    /// The session ended after this long, and how.
    pub cut: Option<(Duration, String)>,
    /// Keep-alives the client sent (answers to pings, heart-beats).
    pub sent: u32,
    /// Messages from the server, keep-alives included.
    pub received: u32,
    /// The longest the server stayed silent.
    pub longest_silence: Duration,
}

/// Holds the session for `idle`, doing what `keep` says. Every send and read has the idle deadline (a
/// send that the peer does not read ends within `send_wait`).
pub(super) async fn hold(
    channel: &mut Channel,
    idle: Duration,
    keep: KeepAlive,
    send_wait: Duration,
) -> Held {
    let started = Instant::now();
    let deadline = started + idle;
    let mut held = Held::default();
    let mut last_heard = started;
    // What the client sends on its own, and how often.
    let (beat, beat_every) = match keep {
        KeepAlive::Stomp { send: Some(every) } => ("\n", Some(every)),
        KeepAlive::EngineIo3 { every } => ("2", Some(every)),
        _ => ("", None),
    };
    let beat_every = beat_every.map(|every| every.max(Duration::from_millis(100)));
    let mut next_beat = beat_every.map(|every| started + every);
    loop {
        let wake = next_beat.map_or(deadline, |beat| beat.min(deadline));
        let incoming = channel.next(wake).await;
        let now = Instant::now();
        held.longest_silence = held.longest_silence.max(now - last_heard);
        let reply = match incoming {
            None if now >= deadline || beat_every.is_none() => break,
            None => {
                // Time for a heart-beat.
                next_beat = beat_every.map(|every| now + every);
                Some(beat.to_string())
            }
            Some(Incoming::Closed(why)) => {
                held.cut = Some((started.elapsed(), why));
                break;
            }
            Some(Incoming::KeepAlive) => {
                held.received += 1;
                last_heard = now;
                None
            }
            Some(Incoming::Text(text)) => {
                held.received += 1;
                last_heard = now;
                answer(keep, &text)
            }
        };
        if let Some(reply) = reply {
            let wait = send_wait.min(deadline.saturating_duration_since(Instant::now()));
            match channel.send(&reply, wait).await {
                Ok(()) => held.sent += 1,
                Err(_) if Instant::now() >= deadline => break,
                Err(why) => {
                    held.cut = Some((
                        started.elapsed(),
                        format!("a keep-alive could not be sent: {why}"),
                    ));
                    break;
                }
            }
        }
    }
    if held.cut.is_none() {
        held.longest_silence = held.longest_silence.max(Instant::now() - last_heard);
    }
    held
}

/// The client's answer to a server message, if its protocol asks for one.
fn answer(keep: KeepAlive, text: &str) -> Option<String> {
    match keep {
        KeepAlive::EngineIo if text == "2" => Some("3".to_string()),
        KeepAlive::Graphql => {
            let value: serde_json::Value =
                serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
            (value.get("type").and_then(serde_json::Value::as_str) == Some("ping"))
                .then(|| r#"{"type":"pong"}"#.to_string())
        }
        _ => None,
    }
}

/// Records the idle item from a held session: `kept` names the keep-alives the client sent ("heart-beats").
pub(super) fn record(rec: &mut Recorder, idle: Duration, held: &Held, kept: &str) {
    let mut step = rec.begin(&items::IDLE);
    step.evidence.push(Evidence::new(
        "Held",
        format!(
            "{} s; {} {kept} sent; {} message(s) from the server, longest silence {:.1} s",
            idle.as_secs(),
            held.sent,
            held.received,
            held.longest_silence.as_secs_f32()
        ),
    ));
    match &held.cut {
        Some((after, why)) => {
            let summary = format!(
                "Cut after {:.1} s with only keep-alives on the wire: {why}.",
                after.as_secs_f32()
            );
            rec.diagnose(
                "idle.timeout",
                vec![Evidence::new("Idle probe", summary.clone())],
            );
            rec.finish(step, CheckStatus::Fail, summary);
        }
        None => rec.finish(
            step,
            CheckStatus::Pass,
            format!(
                "Still open after {} s idle ({} {kept} sent).",
                idle.as_secs(),
                held.sent
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_framework_answers_only_its_own_keep_alive() {
        assert_eq!(answer(KeepAlive::EngineIo, "2"), Some("3".to_string()));
        assert_eq!(answer(KeepAlive::EngineIo, "42[\"x\"]"), None);
        assert_eq!(
            answer(KeepAlive::Graphql, r#"{"type":"ping"}"#),
            Some(r#"{"type":"pong"}"#.to_string())
        );
        assert_eq!(answer(KeepAlive::Graphql, "2"), None);
        assert_eq!(answer(KeepAlive::Stomp { send: None }, "2"), None);
    }
}
