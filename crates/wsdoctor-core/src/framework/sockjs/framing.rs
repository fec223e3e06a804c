//! SockJS's WebSocket transport framing: `o` open, `h` heart-beat, `a[…]` messages, `c[code, reason]`
//! close. A session carried inside SockJS (STOMP under Spring's `withSockJS()`) reads and writes its
//! messages through this.

use serde_json::Value;

/// One message as SockJS carries it from the client: a JSON array of one string.
pub(crate) fn wrap(text: &str) -> String {
    Value::from(vec![text]).to_string()
}

/// One frame of SockJS's WebSocket transport.
#[derive(Debug, PartialEq)]
pub(crate) enum SockJsFrame {
    Open,
    HeartBeat,
    Messages(Vec<String>),
    Close(String),
    /// Not SockJS framing at all (shown as it came).
    Other,
}

pub(crate) fn read(text: &str) -> SockJsFrame {
    match text {
        "o" => return SockJsFrame::Open,
        "h" => return SockJsFrame::HeartBeat,
        _ => {}
    }
    if let Some(json) = text.strip_prefix('a')
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json)
    {
        return SockJsFrame::Messages(
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_string)
                })
                .collect(),
        );
    }
    if let Some(json) = text.strip_prefix('c')
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json)
    {
        let code = items.first().and_then(Value::as_i64).unwrap_or(0);
        let reason = items.get(1).and_then(Value::as_str).unwrap_or("");
        return SockJsFrame::Close(format!(
            "SockJS closed the session: {code} {}",
            crate::report::capped(reason, 200)
        ));
    }
    SockJsFrame::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockjs_frames_are_read_and_anything_else_is_shown_as_it_came() {
        assert_eq!(read("o"), SockJsFrame::Open);
        assert_eq!(read("h"), SockJsFrame::HeartBeat);
        assert_eq!(
            read(r#"a["CONNECTED\nversion:1.2\n\n\u0000","x"]"#),
            SockJsFrame::Messages(vec!["CONNECTED\nversion:1.2\n\n\0".into(), "x".into()])
        );
        assert_eq!(
            read(r#"c[3000,"Go away!"]"#),
            SockJsFrame::Close("SockJS closed the session: 3000 Go away!".into())
        );
        assert_eq!(read("a[not json"), SockJsFrame::Other);
        assert_eq!(read("hello"), SockJsFrame::Other);
    }
}
