//! The STOMP item: after the upgrade, a CONNECT frame (accept-version 1.0–1.2, the virtual host, a
//! heart-beat, and the login and passcode from the auth payload) must be answered CONNECTED; an ERROR
//! frame is quoted (its `message` header and body) and named. The heart-beats CONNECTED settles are
//! shown, and compared with the idle cut-off when `--idle` holds the session. The frames travel as
//! WebSocket messages, or inside SockJS (`framework_channel.rs`).

use std::time::Duration;

use serde_json::Value;

use super::framework_channel::{Channel, Incoming};
use super::framework_idle::{self, KeepAlive};
use super::{CheckOptions, framework_socket};
use crate::framework::stomp_frame::{ASKED_BEAT_MS, Frame, HeartBeats};
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// What a held session says of the heart-beats CONNECTED settled.
trait HeartBeatsShortfall {
    fn fall_short(&self, held: &framework_idle::Held) -> Option<String>;
}

impl HeartBeatsShortfall for HeartBeats {
    /// Why the heart-beats did not keep the held session alive, if that is what happened: a cut when
    /// neither side beats more often than the cut, or a broker silent well past its own period.
    fn fall_short(&self, held: &framework_idle::Held) -> Option<String> {
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

/// The CONNECT frame, with the login from the auth payload (`{"login", "passcode", "host"}`).
fn connect_frame(auth: Option<&Value>) -> String {
    let field = |name: &str| auth.and_then(|a| a.get(name)).and_then(Value::as_str);
    let mut frame = format!(
        "CONNECT\naccept-version:1.0,1.1,1.2\nhost:{}\nheart-beat:{ASKED_BEAT_MS},{ASKED_BEAT_MS}\n",
        field("host").unwrap_or("/")
    );
    if let Some(login) = field("login") {
        frame.push_str(&format!("login:{login}\n"));
    }
    if let Some(passcode) = field("passcode") {
        frame.push_str(&format!("passcode:{passcode}\n"));
    }
    frame.push_str("\n\0");
    frame
}

/// Sends CONNECT and records the broker's answer.
pub(super) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    mut step: Step,
    mut channel: Channel,
) {
    let auth = framework_socket::auth(options);
    step.evidence.push(Evidence::new(
        "Sent",
        format!(
            "CONNECT (accept-version 1.0,1.1,1.2, heart-beat {ASKED_BEAT_MS},{ASKED_BEAT_MS}){}",
            if auth.is_some() {
                " with the login from the auth payload"
            } else {
                ", no login"
            }
        ),
    ));
    step.evidence.push(Evidence::new(
        "CONNECT frame",
        shown_frame(&connect_frame(auth.as_ref())),
    ));
    let deadline = tokio::time::Instant::now() + options.handshake_timeout;
    if let Err(why) = channel
        .send(&connect_frame(auth.as_ref()), options.handshake_timeout)
        .await
    {
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
            // A heart-beat is a lone newline.
            Some(Incoming::Text(text)) => match Frame::parse(&text) {
                None => {}
                Some(frame) => {
                    step.evidence.push(Evidence::new(
                        format!("{} frame", frame.command),
                        shown_frame(&crate::report::capped(&text, 1024)),
                    ));
                    break Some(frame);
                }
            },
            Some(Incoming::KeepAlive) => {}
            Some(Incoming::Closed(why)) => {
                ended = Some(why);
                break None;
            }
            None => break None,
        }
    };
    match answer {
        Some(frame) if frame.command == "CONNECTED" => {
            let beats = HeartBeats::negotiate(frame.header("heart-beat").unwrap_or("0,0"));
            let shown = format!(
                "version {}, heart-beat {}{}",
                frame.header("version").unwrap_or("1.0"),
                frame.header("heart-beat").unwrap_or("0,0 (no header)"),
                frame
                    .header("server")
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
                let keep = KeepAlive::Stomp {
                    send: beats.client_every,
                };
                let held =
                    framework_idle::hold(&mut channel, idle, keep, options.reply_timeout).await;
                if let Some(why) = beats.fall_short(&held) {
                    rec.diagnose(
                        "stomp.heartbeat_missing",
                        vec![Evidence::new("Heart-beats", why)],
                    );
                }
                framework_idle::record(rec, idle, &held, "heart-beats");
            }
            let _ = channel
                .send("DISCONNECT\n\n\0", options.close_timeout)
                .await;
            channel.close(options.close_timeout).await;
        }
        Some(frame) if frame.command == "ERROR" => {
            let said = format!(
                "{}{}",
                frame.header("message").unwrap_or("(no message header)"),
                if frame.body.is_empty() {
                    String::new()
                } else {
                    format!(": {}", frame.body)
                }
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
                    crate::report::capped(&frame.command, 100)
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

    #[test]
    fn heart_beats_are_negotiated_as_stomp_says_and_compared_with_a_cut() {
        let none = HeartBeats::negotiate("0,0");
        assert_eq!((none.client_every, none.server_every), (None, None));
        let beats = HeartBeats::negotiate("4000,20000");
        assert_eq!(beats.server_every, Some(Duration::from_secs(10)));
        assert_eq!(beats.client_every, Some(Duration::from_secs(20)));
        assert_eq!(HeartBeats::negotiate("garbage").server_every, None);
        let cut = |secs: u64| framework_idle::Held {
            cut: Some((Duration::from_secs(secs), "closed".into())),
            ..Default::default()
        };
        assert!(beats.fall_short(&cut(5)).is_some());
        assert!(beats.fall_short(&cut(15)).is_none());
        let silent = framework_idle::Held {
            longest_silence: Duration::from_secs(25),
            ..Default::default()
        };
        assert!(beats.fall_short(&silent).is_some());
        assert!(beats.fall_short(&framework_idle::Held::default()).is_none());
    }

    #[test]
    fn the_login_comes_from_the_auth_payload() {
        let auth = serde_json::json!({"login": "guest", "passcode": "pw", "host": "vh"});
        let connect = connect_frame(Some(&auth));
        assert!(
            connect.contains("host:vh\n")
                && connect.contains("login:guest\npasscode:pw\n")
                && connect.ends_with("\n\n\0")
        );
        let shown = shown_frame(&connect);
        assert!(!shown.contains("pw") && shown.contains("login:guest") && shown.ends_with("^@"));
    }
}
