//! The MQTT client machine, as MQTT.js and Paho speak MQTT over WebSocket: CONNECT (3.1.1, or 5 when
//! the auth payload says `"protocolVersion": 5`) with the user name and password from the auth payload
//! (a profile's secret), a clean session and a keep-alive; then SUBSCRIBE, UNSUBSCRIBE and PUBLISH (QoS 0
//! or 1, retained or not). SUBACK, UNSUBACK and PUBACK are joined to what they answer; a QoS 1 message
//! from the broker is acknowledged; PINGREQ goes out on the keep-alive period. A refused CONNECT is named
//! with the catalog's cause, and so is a CONNECT never answered (on a socket that did not agree on the
//! `mqtt` subprotocol, brokers ignore MQTT).

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use super::packet::{self, Connect, Packet, Reassembly, SUBPROTOCOL, Version};
use crate::framework::action::Action;
use crate::framework::awaited_replies::AwaitedReplies;
use crate::framework::exchange::{Decoded, Frame, NoteLevel, Output, Terms, join_timed_out};
use crate::framework::keep_alive::earliest;
use crate::{Error, Result};

/// The keep-alive CONNECT asks for, and the PINGREQ period it implies.
pub(crate) const KEEP_ALIVE_SECS: u16 = 30;

pub(crate) struct MqttClient {
    version: Version,
    connect: Connect,
    /// The subprotocol the upgrade agreed on.
    agreed_mqtt: bool,
    connected: bool,
    join_by: Option<Instant>,
    join_timeout: Duration,
    next_ping: Option<Instant>,
    next_id: u16,
    /// SUBSCRIBE, UNSUBSCRIBE and QoS 1 PUBLISH awaiting their answer, by packet id.
    awaited: AwaitedReplies<u16>,
    reassembly: Reassembly,
}

impl MqttClient {
    pub(crate) fn new(terms: &Terms, subprotocol: Option<&str>, now: Instant) -> MqttClient {
        let field = |name: &str| {
            terms
                .auth
                .as_ref()
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let version = match terms.auth.as_ref().and_then(|a| a.get("protocolVersion")) {
            Some(v) if v.as_u64() == Some(5) || v.as_str() == Some("5") => Version::V5,
            _ => Version::V311,
        };
        let client_id = field("clientId")
            .unwrap_or_else(|| format!("wsdoctor-{}", crate::framework::random_alphanumerics(10)));
        MqttClient {
            version,
            connect: Connect {
                client_id,
                keep_alive_secs: KEEP_ALIVE_SECS,
                username: field("username"),
                password: field("password"),
            },
            agreed_mqtt: subprotocol.is_some_and(|p| p.eq_ignore_ascii_case(SUBPROTOCOL)),
            connected: false,
            join_by: Some(now + terms.join_timeout),
            join_timeout: terms.join_timeout,
            next_ping: None,
            next_id: 0,
            awaited: AwaitedReplies::new(terms.reply_timeout),
            reassembly: Reassembly::default(),
        }
    }

    /// CONNECT.
    pub(crate) fn opening(&mut self, _now: Instant) -> Vec<Output> {
        let bytes = packet::connect(self.version, &self.connect);
        let mut decoded = Decoded::new("CONNECT");
        decoded.name = Some(self.connect.client_id.clone());
        decoded.note = Some(format!(
            "MQTT {}, client id {}, keep-alive {} s, {}",
            self.version.word(),
            self.connect.client_id,
            self.connect.keep_alive_secs,
            match &self.connect.username {
                Some(user) => format!(
                    "user {user}{}",
                    if self.connect.password.is_some() {
                        " and password from the auth payload"
                    } else {
                        ""
                    }
                ),
                None => "no user name (the auth payload has none)".to_string(),
            }
        ));
        vec![Output::Send(Frame::Binary(bytes), decoded)]
    }

    pub(crate) fn heard(&mut self, frame: &Frame, now: Instant) -> (Option<Decoded>, Vec<Output>) {
        let Frame::Binary(bytes) = frame else {
            let mut decoded = Decoded::new("unknown");
            decoded.note =
                Some("MQTT over WebSocket is binary; a text frame is no MQTT packet".into());
            return (Some(decoded), Vec::new());
        };
        let packets = match self.reassembly.feed(bytes) {
            Ok(packets) => packets,
            Err(why) => {
                let mut decoded = Decoded::new("unknown");
                decoded.note = Some(format!("not MQTT: {why}"));
                return (Some(decoded), Vec::new());
            }
        };
        let mut outputs = Vec::new();
        let mut first = None;
        for bytes in packets {
            let decoded = match packet::read(self.version, &bytes) {
                Some(packet) => self.on_packet(packet, now, &mut outputs),
                None => {
                    let mut decoded = Decoded::new("unknown");
                    decoded.note = Some("a packet too short for its type".into());
                    decoded
                }
            };
            // One frame may carry several packets: the first is the frame's reading, the others notes.
            match first {
                None => first = Some(decoded),
                Some(_) => outputs.push(Output::Note(
                    NoteLevel::Info,
                    format!("also in this frame: {}", decoded.kind),
                    decoded,
                )),
            }
        }
        let decoded = first.unwrap_or_else(|| {
            let mut decoded = Decoded::new("partial");
            decoded.note = Some(format!(
                "part of a packet ({} bytes so far)",
                self.reassembly.pending()
            ));
            decoded
        });
        (Some(decoded), outputs)
    }

    fn on_packet(&mut self, packet: Packet, now: Instant, outputs: &mut Vec<Output>) -> Decoded {
        let mut decoded = Decoded::new(packet.name());
        match packet {
            Packet::ConnAck {
                session_present,
                code,
            } => {
                self.join_by = None;
                let meaning = packet::connack_meaning(self.version, code);
                if code == 0 {
                    self.connected = true;
                    self.next_ping = Some(now + self.keep_alive());
                    decoded.note = Some(format!(
                        "accepted: MQTT {}, session present: {}",
                        self.version.word(),
                        if session_present { "yes" } else { "no" }
                    ));
                } else {
                    decoded = decoded.caused_by(
                        "mqtt.connect_rejected",
                        &format!("the broker refused CONNECT: {meaning} (code {code:#04x})"),
                    );
                    decoded.refusal = true;
                    outputs.push(Output::Finish(format!(
                        "closing: CONNECT refused, {meaning}"
                    )));
                }
            }
            Packet::Publish {
                topic,
                packet_id,
                qos,
                retain,
                payload,
            } => {
                decoded.name = Some(topic.clone());
                decoded.id = packet_id.map(|id| id.to_string());
                decoded.body = Some(match String::from_utf8(payload) {
                    Ok(text) => text,
                    Err(bytes) => format!(
                        "base64:{}",
                        base64::engine::general_purpose::STANDARD.encode(bytes.as_bytes())
                    ),
                });
                decoded.note = Some(format!(
                    "QoS {qos}{}",
                    if retain { ", retained" } else { "" }
                ));
                if let (1, Some(id)) = (qos, packet_id) {
                    let mut ack = Decoded::new("PUBACK");
                    ack.id = Some(id.to_string());
                    ack.note = Some(format!("acknowledges the broker's PUBLISH on {topic}"));
                    outputs.push(Output::Send(Frame::Binary(packet::puback(id)), ack));
                }
            }
            Packet::PubAck { packet_id, code } => {
                decoded.id = Some(packet_id.to_string());
                decoded.note = Some(self.answered(packet_id, now, code));
            }
            Packet::SubAck { packet_id, codes } => {
                decoded.id = Some(packet_id.to_string());
                let granted = codes.first().copied().unwrap_or(0x80);
                let answered = self.answered(packet_id, now, 0);
                decoded.note = Some(if granted >= 0x80 {
                    format!("{answered}: the broker refused the subscription (code {granted:#04x})")
                } else {
                    format!("{answered}: granted QoS {granted}")
                });
            }
            Packet::UnsubAck { packet_id } => {
                decoded.id = Some(packet_id.to_string());
                decoded.note = Some(self.answered(packet_id, now, 0));
            }
            Packet::PingResp => decoded.heartbeat = true,
            Packet::Disconnect { code } => {
                decoded.note = Some(format!("the broker disconnects (reason code {code:#04x})"));
            }
            Packet::Other { kind } => {
                decoded.kind = "unknown".into();
                decoded.note = Some(format!("packet type {kind}, which brokers do not send"));
            }
        }
        decoded
    }

    /// What an answer answers, and after how long.
    fn answered(&mut self, packet_id: u16, now: Instant, code: u8) -> String {
        let refused = if code >= 0x80 {
            format!(" (refused: reason code {code:#04x})")
        } else {
            String::new()
        };
        match self.awaited.answered(&packet_id, now) {
            Some((what, took)) => format!(
                "answers {what} after {:.1} ms{refused}",
                took.as_secs_f64() * 1000.0
            ),
            None => format!("packet {packet_id} answers nothing awaiting it{refused}"),
        }
    }

    fn keep_alive(&self) -> Duration {
        Duration::from_secs(u64::from(self.connect.keep_alive_secs))
    }

    fn packet_id(&mut self) -> u16 {
        self.next_id = self.next_id.checked_add(1).unwrap_or(1);
        self.next_id
    }

    pub(crate) fn act(&mut self, action: Action, now: Instant) -> Result<Vec<Output>> {
        if !self.connected {
            return Err(Error::InvalidInput(
                "not sent: the broker has not accepted CONNECT yet".into(),
            ));
        }
        let (bytes, mut decoded, id, what) = match action {
            Action::SubscribeTopic { topic, qos } => {
                check_topic(&topic, true)?;
                let id = self.packet_id();
                let mut decoded = Decoded::new("SUBSCRIBE");
                decoded.note = Some(format!("QoS {}", qos.min(2)));
                (
                    packet::subscribe(self.version, id, &topic, qos),
                    decoded,
                    Some(id),
                    format!("SUBSCRIBE {topic}"),
                )
            }
            Action::UnsubscribeTopic { topic } => {
                check_topic(&topic, true)?;
                let id = self.packet_id();
                (
                    packet::unsubscribe(self.version, id, &topic),
                    Decoded::new("UNSUBSCRIBE"),
                    Some(id),
                    format!("UNSUBSCRIBE {topic}"),
                )
            }
            Action::Publish {
                topic,
                payload,
                qos,
                retain,
            } => {
                check_topic(&topic, false)?;
                if qos > 1 {
                    return Err(Error::InvalidInput(
                        "QoS 2 is not sent from here: use QoS 0 or 1".into(),
                    ));
                }
                let id = (qos == 1).then(|| self.packet_id());
                let mut decoded = Decoded::new("PUBLISH");
                decoded.body = Some(payload.clone());
                decoded.note = Some(format!(
                    "QoS {qos}{}",
                    if retain { ", retained" } else { "" }
                ));
                (
                    packet::publish(self.version, &topic, id, retain, payload.as_bytes()),
                    decoded,
                    id,
                    format!("PUBLISH {topic}"),
                )
            }
            _ => return Err(Error::InvalidInput("not an MQTT action".into())),
        };
        if bytes.len() > crate::framework::MAX_SEND_BYTES {
            return Err(Error::InvalidInput(format!(
                "the packet is {} bytes; the console sends at most {}",
                bytes.len(),
                crate::framework::MAX_SEND_BYTES
            )));
        }
        decoded.name = what.split_once(' ').map(|(_, topic)| topic.to_string());
        if let Some(id) = id {
            decoded.id = Some(id.to_string());
            self.awaited.expect(id, what, now);
        }
        Ok(vec![Output::Send(Frame::Binary(bytes), decoded)])
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        earliest([self.join_by, self.awaited.next_due(), self.next_ping])
    }

    pub(crate) fn tick(&mut self, now: Instant) -> Vec<Output> {
        let mut steps = Vec::new();
        if self.join_by.is_some_and(|at| at <= now) {
            self.join_by = None;
            let said = format!("no CONNACK within {:.1} s", self.join_timeout.as_secs_f32());
            let cause = if self.agreed_mqtt {
                "mqtt.no_connack"
            } else {
                "mqtt.no_subprotocol"
            };
            steps.extend(join_timed_out(Decoded::new("connect_timeout"), cause, said));
        }
        for (id, what) in self.awaited.overdue(now) {
            let said = format!(
                "no answer to {what} (packet {id}) within {:.1} s",
                self.awaited.timeout().as_secs_f32()
            );
            let mut decoded = Decoded::new("reply_timeout");
            decoded.id = Some(id.to_string());
            decoded.note = Some(said.clone());
            steps.push(Output::Note(NoteLevel::Info, said, decoded));
        }
        if self.next_ping.is_some_and(|at| at <= now) {
            self.next_ping = Some(now + self.keep_alive());
            steps.push(Output::Send(
                Frame::Binary(packet::pingreq()),
                Decoded::heartbeat("PINGREQ"),
            ));
        }
        steps
    }

    /// A PINGREQ now (the check's ping of the session), outside the keep-alive period.
    pub(crate) fn ping(&self) -> Output {
        Output::Send(
            Frame::Binary(packet::pingreq()),
            Decoded::heartbeat("PINGREQ"),
        )
    }

    /// DISCONNECT, as a client ends its session cleanly.
    pub(crate) fn disconnect(&self) -> Output {
        Output::Send(
            Frame::Binary(packet::disconnect()),
            Decoded::new("DISCONNECT"),
        )
    }
}

/// A topic is refused before anything is sent when MQTT forbids it: empty, a NUL, wildcards in a
/// PUBLISH, a `#` not last.
fn check_topic(topic: &str, filter: bool) -> Result<()> {
    let wrong = |why: &str| Err(Error::InvalidInput(format!("`{topic}` {why}")));
    if topic.is_empty() {
        return Err(Error::InvalidInput("a topic is needed".into()));
    }
    if topic.contains('\0') || topic.len() > usize::from(u16::MAX) {
        return wrong("is no MQTT topic (a NUL, or over 65,535 bytes)");
    }
    if !filter && (topic.contains('+') || topic.contains('#')) {
        return wrong("has a wildcard: PUBLISH takes a topic name, not a filter");
    }
    if let Some(at) = topic.find('#')
        && (at + 1 != topic.len() || (at > 0 && !topic.get(..at).is_some_and(|l| l.ends_with('/'))))
    {
        return wrong("has a `#` that is not the last level");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(auth: Option<Value>) -> Terms {
        Terms {
            auth,
            url: "ws://h/mqtt".into(),
            namespace: "/".into(),
            join_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(1),
        }
    }

    fn sent(outputs: &[Output]) -> Vec<Vec<u8>> {
        outputs
            .iter()
            .filter_map(|o| match o {
                Output::Send(Frame::Binary(b), _) => Some(b.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_session_connects_subscribes_publishes_and_acknowledges() {
        let now = Instant::now();
        let auth = serde_json::json!({"username": "qa", "password": "pw", "clientId": "c1"});
        let mut client = MqttClient::new(&terms(Some(auth)), Some("mqtt"), now);
        let connect = sent(&client.opening(now)).remove(0);
        assert_eq!(connect[0], 0x10);
        assert!(
            client
                .act(Action::UnsubscribeTopic { topic: "a".into() }, now)
                .is_err()
        );
        let (decoded, _) = client.heard(&Frame::Binary(vec![0x20, 2, 0, 0]), now);
        assert_eq!(decoded.unwrap().kind, "CONNACK");
        let subscribe = client
            .act(
                Action::SubscribeTopic {
                    topic: "a/#".into(),
                    qos: 1,
                },
                now,
            )
            .unwrap();
        assert_eq!(sent(&subscribe)[0][0], 0x82);
        let (suback, _) = client.heard(&Frame::Binary(vec![0x90, 3, 0, 1, 1]), now);
        assert!(
            suback
                .unwrap()
                .note
                .unwrap()
                .contains("answers SUBSCRIBE a/# after")
        );
        // A QoS 1 message from the broker is acknowledged with its packet id.
        let publish = packet::publish(Version::V311, "a/b", Some(9), false, b"hi");
        let (message, outputs) = client.heard(&Frame::Binary(publish), now);
        let message = message.unwrap();
        assert_eq!(
            (message.name.as_deref(), message.body.as_deref()),
            (Some("a/b"), Some("hi"))
        );
        assert_eq!(sent(&outputs), [vec![0x40, 2, 0, 9]]);
        assert!(
            client
                .act(
                    Action::Publish {
                        topic: "a/+".into(),
                        payload: "x".into(),
                        qos: 0,
                        retain: false
                    },
                    now
                )
                .is_err()
        );
        // The keep-alive sends PINGREQ on its period.
        let later = now + Duration::from_secs(u64::from(KEEP_ALIVE_SECS));
        assert_eq!(sent(&client.tick(later)), [vec![0xc0, 0]]);
    }

    #[test]
    fn a_refused_or_unanswered_connect_is_named() {
        let now = Instant::now();
        let mut client = MqttClient::new(&terms(None), Some("mqtt"), now);
        let (decoded, outputs) = client.heard(&Frame::Binary(vec![0x20, 2, 0, 5]), now);
        let decoded = decoded.unwrap();
        assert_eq!(decoded.cause.as_deref(), Some("mqtt.connect_rejected"));
        assert!(decoded.note.unwrap().contains("not authorized"));
        assert!(matches!(outputs[..], [Output::Finish(_)]));

        for (subprotocol, cause) in [
            (None, "mqtt.no_subprotocol"),
            (Some("mqtt"), "mqtt.no_connack"),
        ] {
            let mut client = MqttClient::new(&terms(None), subprotocol, now);
            let outputs = client.tick(now + Duration::from_secs(6));
            assert!(
                outputs.iter().any(
                    |o| matches!(o, Output::Note(_, _, d) if d.cause.as_deref() == Some(cause))
                ),
                "{cause}"
            );
        }
    }
}
