//! The idle item of a framework session (`--idle`): the session is held open, silent but for what the
//! framework's own client does to keep it alive, then judged. What that is comes from the protocol's
//! machine (`crate::framework`), the one the console drives too: Engine.IO 4 answers the server's pings,
//! Engine.IO 3 pings, STOMP sends its negotiated heart-beats, graphql-transport-ws answers pings. A server
//! or proxy that cuts it is found with the keep-alive a real client would send, so a cut is the path's
//! fault, not the check's silence.

use std::time::Duration;

use tokio::time::Instant;

use super::channel::{Channel, Incoming};
use crate::check::items;
use crate::framework::machine::{Frame, Machine, Output};
use crate::report::{CheckStatus, Evidence, Recorder};

/// How the held session went.
#[derive(Debug, Default)]
pub(in crate::check) struct Held {
    /// The session ended after this long, and how.
    pub cut: Option<(Duration, String)>,
    /// Keep-alives the client sent (answers to pings, heart-beats).
    pub sent: u32,
    /// Messages from the server, keep-alives included.
    pub received: u32,
    /// The longest the server stayed silent.
    pub longest_silence: Duration,
}

/// Holds the session for `idle`, sending what `machine` asks (its heartbeats and answers to pings).
/// Every send and read has the idle deadline (a send that the peer does not read ends within
/// `send_wait`).
pub(in crate::check) async fn hold(
    channel: &mut Channel,
    machine: &mut Machine,
    idle: Duration,
    send_wait: Duration,
) -> Held {
    let started = Instant::now();
    let deadline = started + idle;
    let mut held = Held::default();
    let mut last_heard = started;
    loop {
        // The machine's timers (a heartbeat due) wake the hold before the idle deadline does.
        let wake = machine
            .deadline()
            .map_or(deadline, |at| deadline.min(Instant::from_std(at)));
        let incoming = channel.next(wake).await;
        let now = Instant::now();
        held.longest_silence = held.longest_silence.max(now - last_heard);
        let outputs = match incoming {
            None if now >= deadline => break,
            None => machine.tick(now.into_std()),
            Some(Incoming::Closed(why, _)) => {
                held.cut = Some((started.elapsed(), why));
                break;
            }
            Some(Incoming::KeepAlive) => {
                held.received += 1;
                last_heard = now;
                Vec::new()
            }
            Some(Incoming::Text(text)) => {
                held.received += 1;
                last_heard = now;
                machine.heard(&Frame::Text(text), now.into_std()).1
            }
            Some(Incoming::Binary(bytes)) => {
                held.received += 1;
                last_heard = now;
                machine.heard(&Frame::Binary(bytes), now.into_std()).1
            }
        };
        for output in outputs {
            // Keep-alives, and answers the protocol owes (a PUBACK): what the client library sends.
            let Output::Send(frame, _) = output else {
                continue;
            };
            let wait = send_wait.min(deadline.saturating_duration_since(Instant::now()));
            match channel.send_frame(&frame, wait).await {
                Ok(()) => held.sent += 1,
                Err(_) if Instant::now() >= deadline => return ended(held, last_heard),
                Err(why) => {
                    held.cut = Some((
                        started.elapsed(),
                        format!("a keep-alive could not be sent: {why}"),
                    ));
                    return held;
                }
            }
        }
    }
    ended(held, last_heard)
}

/// The silence since the last message counts too when the session lived to the end.
fn ended(mut held: Held, last_heard: Instant) -> Held {
    if held.cut.is_none() {
        held.longest_silence = held.longest_silence.max(Instant::now() - last_heard);
    }
    held
}

/// Records the idle item from a held session: `kept` names the keep-alives the client sent ("heart-beats").
pub(in crate::check) fn record(rec: &mut Recorder, idle: Duration, held: &Held, kept: &str) {
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
