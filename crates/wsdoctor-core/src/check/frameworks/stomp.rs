//! The STOMP item: the STOMP client machine (`crate::framework::stomp`) sends its CONNECT (accept-version
//! 1.0–1.2, the virtual host, a heart-beat, and the login and passcode from the auth payload), which must
//! be answered CONNECTED; an ERROR frame is quoted (its `message` header and body) and named. The
//! heart-beats CONNECTED settles are shown, and compared with the idle cut-off when `--idle` holds the
//! session (the machine sends them). The frames travel as WebSocket messages, or inside SockJS
//! (`channel.rs`).

use std::time::Duration;

use super::channel::{Channel, Incoming};
use super::idle;
use crate::check::CheckOptions;
use crate::framework::machine::{Decoded, Frame, Machine, Output};
use crate::framework::stomp::StompClient;
use crate::framework::stomp::frame::{ASKED_BEAT_MS, HeartBeats};
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// What a held session says of the heart-beats CONNECTED settled.
trait HeartBeatsShortfall {
    fn fall_short(&self, held: &idle::Held) -> Option<String>;
}

impl HeartBeatsShortfall for HeartBeats {
    /// Why the heart-beats did not keep the held session alive, if that is what happened: a cut when
    /// neither side beats more often than the cut, or a broker silent well past its own period.
    fn fall_short(&self, held: &idle::Held) -> Option<String> {
        let beats_within =
            |every: Option<Duration>, limit: Duration| every.is_some_and(|e| e < limit);
        if let Some((after, _)) = &held.cut {
            if !beats_within(self.client_every, *after) && !beats_within(self.server_every, *after)
            {
                return Some(format!(
                    "the connection was cut after {:.1} s idle, and {}: heart-beats must come more often than that cut-off",
                    after.as_secs_f32(),
                    self.describe()
                ));
            }
            return None;
        }
        // The spec lets a side allow for lateness; twice the period is well past any.
        let server = self.server_every?;
        (held.longest_silence > server * 2 + Duration::from_secs(1)).then(|| {
            format!(
                "the broker agreed to send a heart-beat every {} s but stayed silent for {:.1} s",
                server.as_secs_f32(),
                held.longest_silence.as_secs_f32()
            )
        })
    }
}

/// A frame as evidence: the passcode's value left out (it is a secret), the NUL that ends it shown.
fn shown_frame(frame: &str) -> String {
    frame
        .lines()
        .map(|line| match line.split_once(':') {
            Some(("passcode", _)) => "passcode:(from the auth payload)".to_string(),
            _ => line.replace('\0', "^@"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends the machine's CONNECT and records the broker's answer.
pub(in crate::check) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    mut step: Step,
    mut channel: Channel,
) {
    let terms = super::terms(options, "/");
    let now = std::time::Instant::now();
    let mut client = StompClient::new(&terms, now);
    let Some(connect) = client
        .opening(now)
        .into_iter()
        .find_map(|output| match output {
            Output::Send(Frame::Text(text), _) => Some(text),
            _ => None,
        })
    else {
        return rec.finish(step, CheckStatus::Fail, "No CONNECT frame to send.");
    };
    step.evidence.push(Evidence::new(
        "Sent",
        format!(
            "CONNECT (accept-version 1.0,1.1,1.2, heart-beat {ASKED_BEAT_MS},{ASKED_BEAT_MS}){}",
            if terms.auth.is_some() {
                " with the login from the auth payload"
            } else {
                ", no login"
            }
        ),
    ));
    step.evidence
        .push(Evidence::new("CONNECT frame", shown_frame(&connect)));
    let deadline = tokio::time::Instant::now() + options.handshake_timeout;
    if let Err(why) = channel.send(&connect, options.handshake_timeout).await {
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("CONNECT could not be sent: {why}."),
        );
        return;
    }
    let mut ended = None;
    let answer = loop {
        match channel.next(deadline).await {
            Some(Incoming::Text(text)) => {
                let (decoded, _) =
                    client.heard(&Frame::Text(text.clone()), std::time::Instant::now());
                // A heart-beat (a lone newline), or nothing STOMP can read, is not the answer.
                match decoded {
                    Some(decoded) if !decoded.heartbeat && decoded.kind != "unknown" => {
                        step.evidence.push(Evidence::new(
                            format!("{} frame", decoded.kind),
                            shown_frame(&crate::report::capped(&text, 1024)),
                        ));
                        break Some(decoded);
                    }
                    _ => {}
                }
            }
            Some(Incoming::KeepAlive | Incoming::Binary(_)) => {}
            Some(Incoming::Closed(why, _)) => {
                ended = Some(why);
                break None;
            }
            None => break None,
        }
    };
    let header = |decoded: &Decoded, name: &str| {
        decoded
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match answer {
        Some(frame) if frame.kind == "CONNECTED" => {
            let heart_beat = header(&frame, "heart-beat");
            let beats = HeartBeats::negotiate(heart_beat.as_deref().unwrap_or("0,0"));
            let shown = format!(
                "version {}, heart-beat {}{}",
                header(&frame, "version").as_deref().unwrap_or("1.0"),
                heart_beat.as_deref().unwrap_or("0,0 (no header)"),
                header(&frame, "server")
                    .map(|s| format!(", server {s}"))
                    .unwrap_or_default()
            );
            step.evidence
                .push(Evidence::new("CONNECTED", shown.clone()));
            step.evidence
                .push(Evidence::new("Heart-beats", beats.describe()));
            rec.finish(
                step,
                CheckStatus::Pass,
                format!("CONNECT was answered CONNECTED ({shown})."),
            );
            if beats.server_every.is_none() && beats.client_every.is_none() {
                rec.diagnose(
                    "stomp.heartbeat_missing",
                    vec![Evidence::new(
                        "Heart-beats",
                        format!(
                            "{}: nothing keeps an idle connection busy",
                            beats.describe()
                        ),
                    )],
                );
            }
            if let Some(idle) = options.idle {
                let mut machine = Machine::Stomp(client);
                let held =
                    idle::hold(&mut channel, &mut machine, idle, options.reply_timeout).await;
                if let Some(why) = beats.fall_short(&held) {
                    rec.diagnose(
                        "stomp.heartbeat_missing",
                        vec![Evidence::new("Heart-beats", why)],
                    );
                }
                idle::record(rec, idle, &held, "heart-beats");
            }
            let _ = channel
                .send("DISCONNECT\n\n\0", options.close_timeout)
                .await;
            channel.close(options.close_timeout).await;
        }
        Some(frame) if frame.kind == "ERROR" => {
            let said = format!(
                "{}{}",
                header(&frame, "message")
                    .as_deref()
                    .unwrap_or("(no message header)"),
                frame
                    .body
                    .as_deref()
                    .map(|body| format!(": {body}"))
                    .unwrap_or_default()
            );
            let evidence = vec![Evidence::new("ERROR", crate::report::capped(&said, 1024))];
            rec.diagnose("stomp.connect_rejected", evidence.clone());
            step.evidence.extend(evidence);
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("The broker refused CONNECT: {said}."),
            );
        }
        other => {
            let why = match (other, ended) {
                (Some(frame), _) => format!(
                    "CONNECT was answered {} instead of CONNECTED",
                    crate::report::capped(&frame.kind, 100)
                ),
                (None, Some(why)) => format!("no answer to CONNECT: {why}"),
                (None, None) => format!(
                    "no answer to CONNECT within {} s",
                    options.handshake_timeout.as_secs_f32()
                ),
            };
            rec.diagnose(
                "stomp.no_connected",
                vec![Evidence::new("CONNECT", why.clone())],
            );
            rec.finish(step, CheckStatus::Fail, format!("{why}."));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::machine::Terms;

    #[test]
    fn heart_beats_are_negotiated_as_stomp_says_and_compared_with_a_cut() {
        let none = HeartBeats::negotiate("0,0");
        assert_eq!((none.client_every, none.server_every), (None, None));
        let beats = HeartBeats::negotiate("4000,20000");
        assert_eq!(beats.server_every, Some(Duration::from_secs(10)));
        assert_eq!(beats.client_every, Some(Duration::from_secs(20)));
        assert_eq!(HeartBeats::negotiate("garbage").server_every, None);
        let cut = |secs: u64| idle::Held {
            cut: Some((Duration::from_secs(secs), "closed".into())),
            ..Default::default()
        };
        assert!(beats.fall_short(&cut(5)).is_some());
        assert!(beats.fall_short(&cut(15)).is_none());
        let silent = idle::Held {
            longest_silence: Duration::from_secs(25),
            ..Default::default()
        };
        assert!(beats.fall_short(&silent).is_some());
        assert!(beats.fall_short(&idle::Held::default()).is_none());
    }

    #[test]
    fn the_login_comes_from_the_auth_payload() {
        let auth = serde_json::json!({"login": "guest", "passcode": "pw", "host": "vh"});
        let terms = Terms {
            auth: Some(auth),
            url: "ws://broker.test/ws".into(),
            namespace: "/".into(),
            join_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(1),
        };
        let now = std::time::Instant::now();
        let Some(Output::Send(Frame::Text(connect), _)) = StompClient::new(&terms, now)
            .opening(now)
            .into_iter()
            .next()
        else {
            panic!("CONNECT is the first output")
        };
        assert!(
            connect.contains("host:vh\n")
                && connect.contains("login:guest\npasscode:pw\n")
                && connect.ends_with("\n\n\0")
        );
        let shown = shown_frame(&connect);
        assert!(!shown.contains("pw") && shown.contains("login:guest") && shown.ends_with("^@"));
    }
}
