//! STOMP frames as text: read (command, headers, body) from what a broker sent, and written with the
//! header escaping STOMP 1.1 and 1.2 ask for. The check's CONNECT and the console's frames share it.
//! The heart-beats a CONNECTED frame settles are read here too.
//! What the broker sent is parsed, never trusted: no byte slicing, no unwrap.

use std::time::Duration;

/// A STOMP frame's command, headers (in order, repeated ones kept) and body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StompFrame {
    pub command: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl StompFrame {
    /// The frame a message holds, or `None` for a heart-beat (end-of-lines only) or nothing readable.
    pub(crate) fn parse(text: &str) -> Option<StompFrame> {
        let text = text
            .trim_start_matches(['\n', '\r'])
            .trim_end_matches(['\0', '\n', '\r']);
        let (head, body) = text
            .split_once("\n\n")
            .or_else(|| text.split_once("\r\n\r\n"))
            .unwrap_or((text, ""));
        let mut lines = head.lines();
        let command = lines.next()?.trim().to_string();
        if command.is_empty() {
            return None;
        }
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (unescape(k), unescape(v)))
            .collect();
        Some(StompFrame {
            command,
            headers,
            body: body.trim_end_matches('\0').trim().to_string(),
        })
    }

    /// The first value of header `name` (STOMP: a repeated header's first value wins).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The frame as it goes on the wire: headers escaped (not in CONNECT, as STOMP 1.2 says), a
    /// `content-length` for a body, and the NUL that ends it.
    pub(crate) fn render(&self) -> String {
        let escaped = self.command != "CONNECT" && self.command != "CONNECTED";
        let mut out = String::with_capacity(64 + self.body.len());
        out.push_str(&self.command);
        out.push('\n');
        for (name, value) in &self.headers {
            if escaped {
                out.push_str(&escape(name));
                out.push(':');
                out.push_str(&escape(value));
            } else {
                out.push_str(name);
                out.push(':');
                out.push_str(value);
            }
            out.push('\n');
        }
        if !self.body.is_empty() && self.header("content-length").is_none() {
            out.push_str(&format!("content-length:{}\n", self.body.len()));
        }
        out.push('\n');
        out.push_str(&self.body);
        out.push('\0');
        out
    }
}

/// The heart-beat a client of WS Doctor's asks for in CONNECT, in ms (what stomp.js and Spring's client default to).
pub(crate) const ASKED_BEAT_MS: u64 = 10_000;

/// The heart-beats a CONNECTED frame settles: each side's period, or `None` where that side sends none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HeartBeats {
    /// How often this client must send (the larger of its offer and what the broker wants to receive).
    pub client_every: Option<Duration>,
    /// How often the broker sends (the larger of its offer and what this client asked to receive).
    pub server_every: Option<Duration>,
}

impl HeartBeats {
    /// From the broker's `heart-beat: sx,sy` header, against this check's `ASKED_BEAT_MS` both ways (STOMP
    /// 1.2, "Heart-beating": a side sends only when both sides agreed to a non-zero value).
    pub(crate) fn negotiate(header: &str) -> HeartBeats {
        let (sx, sy) = header.split_once(',').unwrap_or((header, "0"));
        let number = |text: &str| text.trim().parse::<u64>().unwrap_or(0);
        let every =
            |theirs: u64| (theirs > 0).then(|| Duration::from_millis(theirs.max(ASKED_BEAT_MS)));
        HeartBeats {
            client_every: every(number(sy)),
            server_every: every(number(sx)),
        }
    }

    pub(crate) fn describe(&self) -> String {
        let side = |every: Option<Duration>| match every {
            Some(every) => format!("every {} s", every.as_secs_f32()),
            None => "never".to_string(),
        };
        format!(
            "the client sends {}, the broker sends {} (asked for {} s both ways)",
            side(self.client_every),
            side(self.server_every),
            ASKED_BEAT_MS / 1000
        )
    }
}

/// Whether a message is a heart-beat: end-of-lines only.
pub(crate) fn is_heart_beat(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c == '\n' || c == '\r')
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ':' => out.push_str("\\c"),
            other => out.push(other),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('c') => out.push(':'),
            Some('\\') => out.push('\\'),
            // An undefined escape is a broker's mistake; it is shown as sent.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_with_their_escapes_and_written_back() {
        let frame =
            StompFrame::parse("ERROR\nmessage:Bad CONNECT\ncontent-length:5\n\nNope!\n\0\n")
                .unwrap();
        assert_eq!(
            (
                frame.command.as_str(),
                frame.header("message"),
                frame.body.as_str()
            ),
            ("ERROR", Some("Bad CONNECT"), "Nope!")
        );
        assert!(StompFrame::parse("\n").is_none());
        assert!(is_heart_beat("\n") && is_heart_beat("\r\n") && !is_heart_beat(""));
        let message =
            StompFrame::parse("MESSAGE\ndestination:/queue/a\\cb\nx:1\\n2\n\nhi\0").unwrap();
        assert_eq!(message.header("destination"), Some("/queue/a:b"));
        assert_eq!(message.header("x"), Some("1\n2"));
        let send = StompFrame {
            command: "SEND".into(),
            headers: vec![("destination".into(), "/queue/a:b".into())],
            body: "héllo".into(),
        };
        assert_eq!(
            send.render(),
            "SEND\ndestination:/queue/a\\cb\ncontent-length:6\n\nhéllo\0"
        );
        assert_eq!(
            StompFrame::parse(&send.render()).unwrap(),
            StompFrame {
                headers: vec![
                    ("destination".into(), "/queue/a:b".into()),
                    ("content-length".into(), "6".into())
                ],
                ..send
            }
        );
    }
}
