//! MQTT control packets (3.1.1 and 5) as they travel over WebSocket: binary frames, where one frame may
//! hold several packets or part of one (MQTT 3.1.1 §6, MQTT 5 §6). The client's packets are built here,
//! the broker's read here; [`Reassembly`] gathers packets across frames within a bound.

/// The subprotocol MQTT over WebSocket is offered and agreed under (`mqttv3.1` was 3.1's).
pub(crate) const SUBPROTOCOL: &str = "mqtt";
/// The largest packet gathered from the broker.
pub(crate) const MAX_PACKET_BYTES: usize = 16 << 20;

/// MQTT 3.1.1 (protocol level 4) or 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V311,
    V5,
}

impl Version {
    fn level(self) -> u8 {
        match self {
            Version::V311 => 4,
            Version::V5 => 5,
        }
    }

    pub(crate) fn word(self) -> &'static str {
        match self {
            Version::V311 => "3.1.1",
            Version::V5 => "5",
        }
    }
}

/// What CONNECT says.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connect {
    pub client_id: String,
    pub keep_alive_secs: u16,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// A packet from the broker, read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Packet {
    /// The answer to CONNECT: 0 accepted, else the refusal's return (3.1.1) or reason (5) code.
    ConnAck {
        session_present: bool,
        code: u8,
    },
    Publish {
        topic: String,
        packet_id: Option<u16>,
        qos: u8,
        retain: bool,
        payload: Vec<u8>,
    },
    PubAck {
        packet_id: u16,
        code: u8,
    },
    SubAck {
        packet_id: u16,
        codes: Vec<u8>,
    },
    UnsubAck {
        packet_id: u16,
    },
    PingResp,
    /// MQTT 5's DISCONNECT from the broker, with its reason.
    Disconnect {
        code: u8,
    },
    /// A packet type a broker does not send to a client (or one not read here).
    Other {
        kind: u8,
    },
}

impl Packet {
    /// The packet's name, as the MQTT specification writes it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Packet::ConnAck { .. } => "CONNACK",
            Packet::Publish { .. } => "PUBLISH",
            Packet::PubAck { .. } => "PUBACK",
            Packet::SubAck { .. } => "SUBACK",
            Packet::UnsubAck { .. } => "UNSUBACK",
            Packet::PingResp => "PINGRESP",
            Packet::Disconnect { .. } => "DISCONNECT",
            Packet::Other { .. } => "packet",
        }
    }
}

fn push_str(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes[..usize::from(len)]);
}

fn push_remaining_length(out: &mut Vec<u8>, mut length: usize) {
    loop {
        let mut byte = (length % 128) as u8;
        length /= 128;
        if length > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if length == 0 {
            break;
        }
    }
}

/// A packet: the first byte, then the remaining length, then `body`.
fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    out.push(first);
    push_remaining_length(&mut out, body.len());
    out.extend_from_slice(body);
    out
}

pub(crate) fn connect(version: Version, connect: &Connect) -> Vec<u8> {
    let mut body = Vec::new();
    push_str(&mut body, "MQTT");
    body.push(version.level());
    let mut flags = 0x02; // clean session / clean start
    if connect.username.is_some() {
        flags |= 0x80;
    }
    if connect.password.is_some() {
        flags |= 0x40;
    }
    body.push(flags);
    body.extend_from_slice(&connect.keep_alive_secs.to_be_bytes());
    if version == Version::V5 {
        body.push(0); // no properties
    }
    push_str(&mut body, &connect.client_id);
    if let Some(username) = &connect.username {
        push_str(&mut body, username);
    }
    if let Some(password) = &connect.password {
        push_str(&mut body, password);
    }
    packet(0x10, &body)
}

pub(crate) fn subscribe(version: Version, packet_id: u16, topic: &str, qos: u8) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    if version == Version::V5 {
        body.push(0);
    }
    push_str(&mut body, topic);
    body.push(qos.min(2));
    packet(0x82, &body)
}

pub(crate) fn unsubscribe(version: Version, packet_id: u16, topic: &str) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    if version == Version::V5 {
        body.push(0);
    }
    push_str(&mut body, topic);
    packet(0xa2, &body)
}

pub(crate) fn publish(
    version: Version,
    topic: &str,
    packet_id: Option<u16>,
    retain: bool,
    payload: &[u8],
) -> Vec<u8> {
    let qos = if packet_id.is_some() { 1 } else { 0 };
    let mut body = Vec::with_capacity(topic.len() + payload.len() + 5);
    push_str(&mut body, topic);
    if let Some(id) = packet_id {
        body.extend_from_slice(&id.to_be_bytes());
    }
    if version == Version::V5 {
        body.push(0);
    }
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1) | u8::from(retain), &body)
}

pub(crate) fn puback(packet_id: u16) -> Vec<u8> {
    packet(0x40, &packet_id.to_be_bytes())
}

pub(crate) fn pingreq() -> Vec<u8> {
    vec![0xc0, 0x00]
}

pub(crate) fn disconnect() -> Vec<u8> {
    vec![0xe0, 0x00]
}

/// The length of the packet at the start of `bytes` (fixed header included), once its remaining length
/// has arrived; `Err` for a length no packet has (more than 4 bytes, or past the cap).
fn packet_length(bytes: &[u8]) -> Result<Option<usize>, String> {
    let mut length = 0usize;
    for (at, byte) in bytes.iter().skip(1).take(4).enumerate() {
        length += usize::from(byte & 0x7f) << (7 * at);
        if byte & 0x80 == 0 {
            let total = 1 + at + 1 + length;
            if total > MAX_PACKET_BYTES {
                return Err(format!(
                    "a packet of {total} bytes, over the {} MB cap",
                    MAX_PACKET_BYTES >> 20
                ));
            }
            return Ok(Some(total));
        }
    }
    if bytes.len() > 5 {
        return Err("a remaining length longer than 4 bytes".into());
    }
    Ok(None)
}

/// Packets gathered across WebSocket frames.
#[derive(Debug, Default)]
pub(crate) struct Reassembly {
    pending: Vec<u8>,
}

impl Reassembly {
    /// The whole packets `frame` completes (each as its bytes), or why the stream is no MQTT.
    pub(crate) fn feed(&mut self, frame: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        self.pending.extend_from_slice(frame);
        let mut packets = Vec::new();
        loop {
            if self.pending.is_empty() {
                return Ok(packets);
            }
            let Some(total) = packet_length(&self.pending).inspect_err(|_| self.pending.clear())?
            else {
                return Ok(packets);
            };
            if self.pending.len() < total {
                return Ok(packets);
            }
            let rest = self.pending.split_off(total);
            packets.push(std::mem::replace(&mut self.pending, rest));
        }
    }

    /// Bytes of a packet begun and not finished.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// Reads one whole packet.
pub(crate) fn read(version: Version, bytes: &[u8]) -> Option<Packet> {
    let first = *bytes.first()?;
    let header = 1 + bytes.iter().skip(1).take(4).position(|b| b & 0x80 == 0)? + 1;
    let body = bytes.get(header..)?;
    let id = |at: usize| Some(u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]));
    Some(match first >> 4 {
        2 => Packet::ConnAck {
            session_present: body.first()? & 1 == 1,
            code: *body.get(1)?,
        },
        3 => {
            let qos = (first >> 1) & 3;
            let topic_len = usize::from(id(0)?);
            let topic = String::from_utf8_lossy(body.get(2..2 + topic_len)?).into_owned();
            let mut at = 2 + topic_len;
            let packet_id = if qos > 0 {
                at += 2;
                Some(id(at - 2)?)
            } else {
                None
            };
            if version == Version::V5 {
                let (length, used) = varint(body.get(at..)?)?;
                at += used + length;
            }
            Packet::Publish {
                topic,
                packet_id,
                qos,
                retain: first & 1 == 1,
                payload: body.get(at..)?.to_vec(),
            }
        }
        4 => Packet::PubAck {
            packet_id: id(0)?,
            code: body.get(2).copied().unwrap_or(0),
        },
        9 => {
            let mut at = 2;
            if version == Version::V5 {
                let (length, used) = varint(body.get(at..)?)?;
                at += used + length;
            }
            Packet::SubAck {
                packet_id: id(0)?,
                codes: body.get(at..)?.to_vec(),
            }
        }
        11 => Packet::UnsubAck { packet_id: id(0)? },
        13 => Packet::PingResp,
        14 => Packet::Disconnect {
            code: body.first().copied().unwrap_or(0),
        },
        kind => Packet::Other { kind },
    })
}

/// A variable byte integer (MQTT 5's property length): its value and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (at, byte) in bytes.iter().take(4).enumerate() {
        value += usize::from(byte & 0x7f) << (7 * at);
        if byte & 0x80 == 0 {
            return Some((value, at + 1));
        }
    }
    None
}

/// What a CONNACK's code means: MQTT 3.1.1's return codes, MQTT 5's reason codes.
pub(crate) fn connack_meaning(version: Version, code: u8) -> &'static str {
    match (version, code) {
        (_, 0) => "accepted",
        (Version::V311, 1) => "unacceptable protocol version",
        (Version::V311, 2) => "identifier rejected",
        (Version::V311, 3) => "server unavailable",
        (Version::V311, 4) => "bad user name or password",
        (Version::V311, 5) => "not authorized",
        (Version::V5, 0x80) => "unspecified error",
        (Version::V5, 0x81) => "malformed packet",
        (Version::V5, 0x82) => "protocol error",
        (Version::V5, 0x83) => "implementation specific error",
        (Version::V5, 0x84) => "unsupported protocol version",
        (Version::V5, 0x85) => "client identifier not valid",
        (Version::V5, 0x86) => "bad user name or password",
        (Version::V5, 0x87) => "not authorized",
        (Version::V5, 0x88) => "server unavailable",
        (Version::V5, 0x89) => "server busy",
        (Version::V5, 0x8a) => "banned",
        (Version::V5, 0x8c) => "bad authentication method",
        (Version::V5, 0x90) => "topic name invalid",
        (Version::V5, 0x95) => "packet too large",
        (Version::V5, 0x97) => "quota exceeded",
        (Version::V5, 0x9f) => "connection rate exceeded",
        _ => "a refusal code this client does not know",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_is_written_as_the_specification_says() {
        let bytes = connect(
            Version::V311,
            &Connect {
                client_id: "c".into(),
                keep_alive_secs: 60,
                username: Some("u".into()),
                password: Some("p".into()),
            },
        );
        assert_eq!(
            bytes,
            [
                0x10, 19, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xc2, 0, 60, 0, 1, b'c', 0, 1, b'u', 0,
                1, b'p'
            ]
        );
        let v5 = connect(Version::V5, &Connect::default());
        assert_eq!(v5[8], 5);
        assert_eq!(v5[12], 0, "no properties");
    }

    #[test]
    fn packets_split_and_joined_across_frames_are_read() {
        let mut whole = vec![0x20, 2, 0, 0];
        whole.extend(publish(Version::V311, "a/b", Some(7), true, b"hi"));
        whole.extend([0xd0, 0]);
        let mut reassembly = Reassembly::default();
        let mut packets = Vec::new();
        for byte in &whole {
            packets.extend(reassembly.feed(std::slice::from_ref(byte)).unwrap());
        }
        let read: Vec<Packet> = packets
            .iter()
            .map(|p| read(Version::V311, p).unwrap())
            .collect();
        assert_eq!(
            read,
            [
                Packet::ConnAck {
                    session_present: false,
                    code: 0
                },
                Packet::Publish {
                    topic: "a/b".into(),
                    packet_id: Some(7),
                    qos: 1,
                    retain: true,
                    payload: b"hi".to_vec()
                },
                Packet::PingResp
            ]
        );
        assert_eq!(reassembly.pending(), 0);
    }

    #[test]
    fn a_length_past_the_cap_or_too_long_is_no_mqtt() {
        let mut reassembly = Reassembly::default();
        assert!(reassembly.feed(&[0x30, 0xff, 0xff, 0xff, 0x7f]).is_err());
        assert!(
            reassembly
                .feed(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01])
                .is_err()
        );
        assert_eq!(reassembly.pending(), 0);
    }

    #[test]
    fn hostile_packets_are_read_without_panicking() {
        for bytes in [
            &[][..],
            &[0x20],
            &[0x20, 1],
            &[0x30, 5, 0, 9, b'a'],
            &[0x90, 3, 0, 1],
            &[0xff, 0x80],
        ] {
            let _ = read(Version::V5, bytes);
            let _ = read(Version::V311, bytes);
        }
        assert_eq!(connack_meaning(Version::V311, 5), "not authorized");
        assert_eq!(connack_meaning(Version::V5, 0x87), "not authorized");
    }
}
