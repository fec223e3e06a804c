//! The MQTT item: the MQTT client machine (`crate::framework::mqtt`) sends its CONNECT (3.1.1, or 5 when
//! the auth payload asks, with the user name and password from it) as a binary message, which must be
//! answered CONNACK 0; a refusal is quoted with its code's meaning and named, and so is a CONNECT never
//! answered (brokers ignore MQTT on a socket that did not agree on the `mqtt` subprotocol). Accepted, the
//! session is pinged (PINGREQ, PINGRESP), held with its keep-alive when `--idle` asks, and ended with
//! DISCONNECT, as MQTT.js and Paho do. No text test message goes in: a broker drops a connection that
//! sends one.

use std::time::Duration;

use tokio::time::Instant;

use super::channel::{Channel, Framing, Incoming};
use super::{idle, socket};
use crate::check::upgrade::Upgraded;
use crate::check::{CheckOptions, items};
use crate::framework::machine::{Decoded, Frame, Machine, Output};
use crate::framework::mqtt::MqttClient;
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// How the broker answered CONNECT.
enum Answer {
    ConnAck(Decoded),
    /// The machine's own verdict on a CONNECT never answered.
    Unanswered(Decoded),
    Closed(String),
}

pub(in crate::check) async fn speak(
    rec: &mut Recorder,
    options: &CheckOptions,
    why: &str,
    upgraded: Upgraded,
) {
    let mut step = rec.begin(&items::MQTT_CONNECT);
    let agreed = upgraded.subprotocol.clone();
    step.evidence.push(Evidence::new(
        "Protocol",
        format!(
            "MQTT over WebSocket ({why}); subprotocol agreed: {}",
            agreed.as_deref().unwrap_or("none")
        ),
    ));
    let mut channel = Channel::new(
        socket::open(upgraded.stream, upgraded.leftover).await,
        Framing::Binary,
    );
    let terms = super::terms(options, "/");
    let mut client = MqttClient::new(&terms, agreed.as_deref(), std::time::Instant::now());
    let opening = client.opening(std::time::Instant::now());
    for output in &opening {
        if let Output::Send(_, decoded) = output {
            step.evidence.push(Evidence::new(
                "Sent",
                format!("CONNECT: {}", decoded.note.clone().unwrap_or_default()),
            ));
        }
    }
    let deadline = Instant::now() + options.handshake_timeout;
    if let Err(why) = channel.send_outputs(opening, deadline).await {
        return rec.finish(
            step,
            CheckStatus::Fail,
            format!("CONNECT could not be sent: {why}."),
        );
    }
    match connack(
        &mut channel,
        &mut client,
        &mut step,
        options.handshake_timeout,
    )
    .await
    {
        Answer::ConnAck(decoded) if decoded.cause.is_none() => {
            let said = decoded.note.unwrap_or_default();
            let ping = ping(&mut channel, &mut client, options.reply_timeout).await;
            let status = if ping.is_some() {
                CheckStatus::Pass
            } else {
                CheckStatus::Warn
            };
            let ping = ping.map_or_else(
                || {
                    format!(
                        "no PINGRESP to a PINGREQ within {:.1} s",
                        options.reply_timeout.as_secs_f32()
                    )
                },
                |ms| format!("PINGREQ answered in {ms:.1} ms"),
            );
            rec.finish(step, status, format!("CONNACK: {said}; {ping}."));
            let mut machine = Machine::Mqtt(client);
            if let Some(idle) = options.idle {
                let held =
                    idle::hold(&mut channel, &mut machine, idle, options.reply_timeout).await;
                idle::record(rec, idle, &held, "PINGREQs");
            }
            if let Machine::Mqtt(client) = &machine
                && let Output::Send(frame, _) = client.disconnect()
            {
                let _ = channel.send_frame(&frame, options.close_timeout).await;
            }
            channel.close(options.close_timeout).await;
        }
        Answer::ConnAck(decoded) | Answer::Unanswered(decoded) => {
            let code = decoded.cause.clone().unwrap_or_default();
            let said = decoded
                .note
                .as_deref()
                .and_then(|n| n.lines().next())
                .unwrap_or_default()
                .to_string();
            rec.diagnose(&code, vec![Evidence::new("CONNECT", said.clone())]);
            rec.finish(step, CheckStatus::Fail, format!("No MQTT session: {said}."));
            channel.close(options.close_timeout).await;
        }
        Answer::Closed(why) => {
            let code = if agreed.is_some() {
                "mqtt.no_connack"
            } else {
                "mqtt.no_subprotocol"
            };
            let said = format!("{why} before any CONNACK");
            rec.diagnose(code, vec![Evidence::new("CONNECT", said.clone())]);
            rec.finish(step, CheckStatus::Fail, format!("No MQTT session: {said}."));
        }
    }
}

/// Reads until CONNACK, the machine's timeout, or the end of the connection.
async fn connack(
    channel: &mut Channel,
    client: &mut MqttClient,
    step: &mut Step,
    wait: Duration,
) -> Answer {
    let give_up = Instant::now() + wait + Duration::from_millis(50);
    loop {
        let wake = client
            .deadline()
            .map_or(give_up, |at| give_up.min(Instant::from_std(at)));
        let now = std::time::Instant::now();
        match channel.next(wake).await {
            Some(Incoming::Binary(bytes)) => {
                let (decoded, outputs) = client.heard(&Frame::Binary(bytes), now);
                let _ = channel.send_outputs(outputs, give_up).await;
                if let Some(decoded) = decoded.filter(|d| d.kind == "CONNACK") {
                    return Answer::ConnAck(decoded);
                }
            }
            Some(Incoming::Text(text)) => step.evidence.push(Evidence::new(
                "Received (text, which is no MQTT)",
                crate::report::capped(&text, 512),
            )),
            Some(Incoming::KeepAlive) => {}
            Some(Incoming::Closed(why, _)) => return Answer::Closed(why),
            None => {
                let timed_out =
                    client
                        .tick(std::time::Instant::now())
                        .into_iter()
                        .find_map(|output| match output {
                            Output::Note(_, _, decoded) if decoded.cause.is_some() => Some(decoded),
                            _ => None,
                        });
                if let Some(decoded) = timed_out {
                    return Answer::Unanswered(decoded);
                }
                if Instant::now() >= give_up {
                    let mut decoded = Decoded::new("connect_timeout");
                    decoded.cause = Some("mqtt.no_connack".into());
                    decoded.note = Some("no CONNACK in time".into());
                    return Answer::Unanswered(decoded);
                }
            }
        }
    }
}

/// A PINGREQ, and how long its PINGRESP took (in ms), if it came within `wait`. What comes meanwhile is
/// read by the machine (a PINGRESP in the same frame as another packet, or split across frames, counts),
/// and what it owes (a PUBACK) is sent.
async fn ping(channel: &mut Channel, client: &mut MqttClient, wait: Duration) -> Option<f64> {
    let Output::Send(frame, _) = client.ping() else {
        return None;
    };
    let sent = Instant::now();
    let deadline = sent + wait;
    channel.send_frame(&frame, wait).await.ok()?;
    loop {
        match channel.next(deadline).await? {
            Incoming::Binary(bytes) => {
                let (decoded, outputs) =
                    client.heard(&Frame::Binary(bytes), std::time::Instant::now());
                let answered = decoded.is_some_and(|d| d.kind == "PINGRESP")
                    || outputs
                        .iter()
                        .any(|o| matches!(o, Output::Note(_, _, d) if d.kind == "PINGRESP"));
                let _ = channel.send_outputs(outputs, deadline).await;
                if answered {
                    return Some(sent.elapsed().as_secs_f64() * 1e3);
                }
            }
            Incoming::Closed(..) => return None,
            _ => {}
        }
    }
}
