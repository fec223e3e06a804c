//! Frameworks WS Doctor recognises without speaking them whole: Phoenix Channels, Rails ActionCable and
//! ASP.NET Core SignalR. Recognised from the URL (`/socket/websocket?vsn=`, `/cable`, a hub path) or from
//! the server's first message (ActionCable's `welcome`), a target of theirs gets the framework's own
//! harmless first message instead of the plain test message (a Phoenix heartbeat, SignalR's handshake),
//! and the report says what that checked and what it did not: joining a channel, subscribing, invoking a
//! hub method need the app's own names and are left to the app.

use serde_json::Value;
use url::Url;

/// The SignalR record separator that ends every JSON hub message.
const SIGNALR_SEPARATOR: char = '\u{1e}';

/// A framework recognised at a plain WebSocket target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recognised {
    Phoenix,
    ActionCable,
    SignalR,
}

/// What the server's answer to the framework's first message says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// The framework answered as it should (the summary says how).
    Spoken(String),
    /// The framework answered with a refusal (quoted).
    Refused(String),
    /// Nothing of the framework's came back.
    Silent,
}

impl Recognised {
    /// The catalog code that says what was and was not checked.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Recognised::Phoenix => "phoenix.detected",
            Recognised::ActionCable => "actioncable.detected",
            Recognised::SignalR => "signalr.detected",
        }
    }

    /// The catalog code of a refusal in the framework's first exchange.
    pub(crate) fn refusal_code(self) -> &'static str {
        match self {
            Recognised::Phoenix => "phoenix.refused",
            Recognised::ActionCable => "actioncable.rejected",
            Recognised::SignalR => "signalr.handshake_rejected",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Recognised::Phoenix => "Phoenix Channels",
            Recognised::ActionCable => "Rails ActionCable",
            Recognised::SignalR => "ASP.NET Core SignalR",
        }
    }

    /// The framework a URL points at, and why.
    pub(crate) fn from_url(url: &Url) -> Option<(Recognised, String)> {
        let path = url.path().trim_end_matches('/').to_ascii_lowercase();
        let last = path.rsplit('/').next().unwrap_or("");
        let has = |key: &str| url.query_pairs().any(|(k, _)| k == key);
        if path.ends_with("/websocket")
            && (has("vsn")
                || path.ends_with("/socket/websocket")
                || path.ends_with("/live/websocket"))
        {
            return Some((
                Recognised::Phoenix,
                format!(
                    "the URL path {} is a Phoenix socket's transport",
                    url.path()
                ),
            ));
        }
        if last == "cable" {
            return Some((
                Recognised::ActionCable,
                "the URL path ends in /cable, ActionCable's mount point".to_string(),
            ));
        }
        // `MapHub<ChatHub>("/chatHub")` as the docs write it, a `hub`/`hubs` segment, or any `…hub` with
        // the connection token SignalR's negotiation adds (`?id=`); `/github` is no hub.
        let original_last = url
            .path()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        if original_last.ends_with("Hub")
            || last == "hub"
            || path.split('/').any(|segment| segment == "hubs")
            || (last.ends_with("hub") && has("id"))
        {
            return Some((
                Recognised::SignalR,
                format!("the URL path {} names a SignalR hub", url.path()),
            ));
        }
        None
    }

    /// The framework the server's first text message gives away, if any.
    pub(crate) fn from_first_text(text: &str) -> Option<(Recognised, String)> {
        let value: Value = serde_json::from_str(text.trim()).ok()?;
        let kind = value.get("type").and_then(Value::as_str)?;
        matches!(
            kind,
            "welcome" | "disconnect" | "ping" | "confirm_subscription"
        )
        .then(|| {
            (
                Recognised::ActionCable,
                format!("the server's first message is ActionCable's `{kind}`"),
            )
        })
    }

    /// The framework's own first message for `url`, sent instead of the plain test message: one every
    /// server of the framework answers, whatever the app.
    pub(crate) fn first_message(self, url: &Url) -> Option<String> {
        match self {
            // The `phoenix` topic's heartbeat, in the serializer the URL asks for (`vsn=2.0.0`: arrays).
            Recognised::Phoenix => Some(
                if url
                    .query_pairs()
                    .any(|(k, v)| k == "vsn" && v.starts_with('2'))
                {
                    r#"[null,"1","phoenix","heartbeat",{}]"#.to_string()
                } else {
                    r#"{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}"#.to_string()
                },
            ),
            Recognised::SignalR => Some(format!(
                r#"{{"protocol":"json","version":1}}{SIGNALR_SEPARATOR}"#
            )),
            // ActionCable speaks first (`welcome`); a subscription needs the app's channel name.
            Recognised::ActionCable => None,
        }
    }

    /// Reads the server's messages (the first few, in order) for the framework's answer.
    pub(crate) fn judge(self, texts: &[String]) -> Answer {
        texts
            .iter()
            .find_map(|text| self.judge_one(text))
            .unwrap_or(Answer::Silent)
    }

    fn judge_one(self, text: &str) -> Option<Answer> {
        match self {
            Recognised::Phoenix => {
                let value: Value = serde_json::from_str(text.trim()).ok()?;
                // v2: [join_ref, ref, topic, event, payload]; v1: an object with the same fields.
                let (topic, event, payload) = match &value {
                    Value::Array(fields) => (fields.get(2)?, fields.get(3)?, fields.get(4)?),
                    Value::Object(fields) => (
                        fields.get("topic")?,
                        fields.get("event")?,
                        fields.get("payload")?,
                    ),
                    _ => return None,
                };
                if topic.as_str() != Some("phoenix") {
                    return None;
                }
                let status = payload.get("status").and_then(Value::as_str);
                Some(match (event.as_str(), status) {
                    (Some("phx_reply"), Some("ok")) => Answer::Spoken(
                        "the socket answered the heartbeat (phx_reply, status ok)".into(),
                    ),
                    _ => Answer::Refused(crate::report::capped(text, 512)),
                })
            }
            Recognised::SignalR => {
                let message = text.split(SIGNALR_SEPARATOR).next()?;
                let value: Value = serde_json::from_str(message.trim()).ok()?;
                let fields = value.as_object()?;
                Some(match fields.get("error").and_then(Value::as_str) {
                    Some(error) => Answer::Refused(crate::report::capped(error, 512)),
                    // The close message (type 7) can carry the error too.
                    None if fields.get("type").and_then(Value::as_i64) == Some(7) => {
                        Answer::Refused(crate::report::capped(message, 512))
                    }
                    None if fields.is_empty() => {
                        Answer::Spoken("the hub answered the JSON protocol handshake (`{}`)".into())
                    }
                    None => return None,
                })
            }
            Recognised::ActionCable => {
                let value: Value = serde_json::from_str(text.trim()).ok()?;
                Some(match value.get("type").and_then(Value::as_str)? {
                    "welcome" => {
                        Answer::Spoken("the server welcomed the connection (`welcome`)".into())
                    }
                    "disconnect" => Answer::Refused(format!(
                        "the server disconnected the client: reason `{}`, reconnect {}",
                        value
                            .get("reason")
                            .and_then(Value::as_str)
                            .unwrap_or("none given"),
                        value
                            .get("reconnect")
                            .and_then(Value::as_bool)
                            .unwrap_or(true)
                    )),
                    _ => return None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(url: &str) -> Option<Recognised> {
        Recognised::from_url(&Url::parse(url).unwrap()).map(|(r, _)| r)
    }

    #[test]
    fn urls_name_their_framework_and_plain_ones_none() {
        assert_eq!(
            of("wss://h/socket/websocket?vsn=2.0.0"),
            Some(Recognised::Phoenix)
        );
        assert_eq!(of("wss://h/live/websocket"), Some(Recognised::Phoenix));
        assert_eq!(of("wss://h/cable"), Some(Recognised::ActionCable));
        assert_eq!(of("wss://h/chatHub"), Some(Recognised::SignalR));
        assert_eq!(of("wss://h/chathub?id=abc"), Some(Recognised::SignalR));
        assert_eq!(of("wss://h/hubs/notifications"), Some(Recognised::SignalR));
        // SockJS's raw endpoint ends in /websocket too, without Phoenix's marks.
        for plain in [
            "wss://h/echo/websocket",
            "wss://h/chat",
            "wss://h/github",
            "wss://h/cables",
        ] {
            assert_eq!(of(plain), None, "{plain}");
        }
    }

    #[test]
    fn answers_are_read_for_each_framework() {
        let v2 = Url::parse("ws://h/socket/websocket?vsn=2.0.0").unwrap();
        assert!(
            Recognised::Phoenix
                .first_message(&v2)
                .unwrap()
                .starts_with('[')
        );
        let ok = r#"[null,"1","phoenix","phx_reply",{"response":{},"status":"ok"}]"#.to_string();
        assert!(matches!(
            Recognised::Phoenix.judge(&[ok]),
            Answer::Spoken(_)
        ));
        let v1 = r#"{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok"},"ref":"1"}"#;
        assert!(matches!(
            Recognised::Phoenix.judge(&[v1.into()]),
            Answer::Spoken(_)
        ));
        assert_eq!(
            Recognised::Phoenix.judge(&["[1,2]".into(), "x".into()]),
            Answer::Silent
        );

        assert!(matches!(
            Recognised::SignalR.judge(&["{}\u{1e}".into()]),
            Answer::Spoken(_)
        ));
        assert_eq!(
            Recognised::SignalR.judge(&[
                r#"{"error":"Requested protocol 'json' is not available."}"#.to_string() + "\u{1e}"
            ]),
            Answer::Refused("Requested protocol 'json' is not available.".into())
        );

        let welcome = r#"{"type":"welcome"}"#.to_string();
        assert_eq!(
            Recognised::from_first_text(&welcome).map(|(r, _)| r),
            Some(Recognised::ActionCable)
        );
        assert!(matches!(
            Recognised::ActionCable.judge(&[welcome]),
            Answer::Spoken(_)
        ));
        let refused = r#"{"type":"disconnect","reason":"unauthorized","reconnect":false}"#;
        assert!(
            matches!(Recognised::ActionCable.judge(&[refused.into()]), Answer::Refused(r) if r.contains("unauthorized"))
        );
        assert_eq!(Recognised::from_first_text("0{\"sid\":\"x\"}"), None);
        assert_eq!(Recognised::from_first_text("wsdoctor check"), None);
    }
}
