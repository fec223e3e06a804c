//! Socket.IO's packets as a client reads and writes them on the WebSocket transport, beside Engine.IO's
//! (`engine_io.rs`): where `io(url)` connects and which namespace it joins, a packet's parts (type,
//! attachments, namespace, ack id, JSON), an event's name and arguments, and binary attachments in both
//! directions (`{"$base64": "…"}` in what a user writes and reads). Parsed, never trusted: no byte
//! slicing of peer data, no unwrap.

use base64::Engine;
use serde_json::Value;

use super::engine_io::{self, Version};
use crate::{Error, Result};

/// The Engine.IO WebSocket URL for what a user gives `io()`: `http://host/admin` → `ws://host/socket.io/
/// ?EIO=4&transport=websocket` (namespace `/admin`), keeping the user's own query parameters (the client's
/// `query` option).
pub(crate) fn engine_url(url: &str, custom_path: Option<&str>) -> Result<String> {
    let mut parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::field_value("url", format!("not a URL: {e}")))?;
    let scheme = match parsed.scheme() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        other => {
            return Err(Error::field_value(
                "url",
                format!("a Socket.IO URL is http(s):// or ws(s)://, not {other}://"),
            ));
        }
    };
    let version = Version::of_url(&parsed);
    let (path, _) = engine_io::endpoint(&parsed, custom_path);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "EIO" | "transport" | "sid"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // `set_scheme` refuses http → ws; the URL is rebuilt instead.
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    parsed = url::Url::parse(&format!("{scheme}://{host}{port}{path}"))
        .map_err(|e| Error::field_value("url", format!("not a URL: {e}")))?;
    {
        let mut query = parsed.query_pairs_mut();
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair("EIO", version.number());
        query.append_pair("transport", "websocket");
    }
    Ok(parsed.to_string())
}

/// The namespace a session joins: the one asked for, else the URL's path as `io()` reads it.
pub(crate) fn namespace_of(url: &str, custom_path: Option<&str>, asked: Option<&str>) -> String {
    if let Some(asked) = asked.map(str::trim).filter(|a| !a.is_empty()) {
        return if asked.starts_with('/') {
            asked.to_string()
        } else {
            format!("/{asked}")
        };
    }
    url::Url::parse(url.trim())
        .map(|u| engine_io::endpoint(&u, custom_path).1)
        .unwrap_or_else(|_| "/".to_string())
}

/// A Socket.IO packet's parts (after the Engine.IO `4`).
pub(crate) struct Packet<'a> {
    pub kind: char,
    pub attachments: usize,
    pub namespace: String,
    pub ack: Option<u64>,
    pub json: &'a str,
}

impl<'a> Packet<'a> {
    pub(crate) fn parse(packet: &'a str) -> Option<Packet<'a>> {
        let mut chars = packet.char_indices().peekable();
        let (_, kind) = chars.next()?;
        if !('0'..='6').contains(&kind) {
            return None;
        }
        let mut rest = packet.get(kind.len_utf8()..)?;
        let mut attachments = 0;
        if matches!(kind, '5' | '6') {
            let (count, after) = rest.split_once('-')?;
            attachments = count.parse().ok()?;
            rest = after;
        }
        let mut namespace = "/".to_string();
        if rest.starts_with('/') {
            let (name, after) = rest.split_once(',').unwrap_or((rest, ""));
            namespace = name.split('?').next().unwrap_or(name).to_string();
            rest = after;
        }
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let (ack, json) = (rest.get(..digits)?, rest.get(digits..)?);
        Some(Packet {
            kind,
            attachments,
            namespace,
            ack: ack.parse().ok(),
            json,
        })
    }
}

/// An event's name and its arguments as the server wrote them (the array after the name), read without
/// building a JSON tree; `None` when it is not an array that starts with a name.
pub(crate) fn raw_event(json: &str) -> Option<(String, String)> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(json).ok()?;
    let (first, rest) = items.split_first()?;
    let name = serde_json::from_str::<String>(first.get()).ok()?;
    let mut args = String::with_capacity(json.len());
    args.push('[');
    for (n, item) in rest.iter().enumerate() {
        if n > 0 {
            args.push(',');
        }
        args.push_str(item.get());
    }
    args.push(']');
    Some((name, args))
}

/// An event's name and its arguments (the array after the name).
pub(crate) fn split_event(data: Value) -> (Option<String>, Value) {
    match data {
        Value::Array(mut items) if !items.is_empty() => {
            let first = items.remove(0);
            let name = match first {
                Value::String(name) => name,
                other => other.to_string(),
            };
            (Some(name), Value::Array(items))
        }
        other => (None, other),
    }
}

/// Replaces `{"$base64": "…"}` with Socket.IO's placeholder and collects the bytes.
pub(crate) fn take_attachments(value: &mut Value, out: &mut Vec<Vec<u8>>) -> Result<()> {
    match value {
        Value::Object(fields) if fields.len() == 1 && fields.contains_key("$base64") => {
            let text = fields.get("$base64").and_then(Value::as_str).unwrap_or("");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| {
                    Error::InvalidInput(format!("a $base64 attachment is not base64: {e}"))
                })?;
            if bytes.len() > crate::framework::MAX_SEND_BYTES {
                return Err(Error::InvalidInput(format!(
                    "an attachment is {} bytes; the console sends at most {}",
                    bytes.len(),
                    crate::framework::MAX_SEND_BYTES
                )));
            }
            *value = serde_json::json!({"_placeholder": true, "num": out.len()});
            out.push(bytes);
        }
        Value::Object(fields) => {
            for field in fields.values_mut() {
                take_attachments(field, out)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                take_attachments(item, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Puts the attachments back where their placeholders are, as `{"$base64": "…"}`.
pub(crate) fn fill_placeholders(value: &mut Value, attachments: &[Vec<u8>]) {
    match value {
        Value::Object(fields) if fields.get("_placeholder") == Some(&Value::Bool(true)) => {
            let bytes = fields
                .get("num")
                .and_then(Value::as_u64)
                .and_then(|n| attachments.get(n as usize));
            if let Some(bytes) = bytes {
                *value = serde_json::json!({
                    "$base64": base64::engine::general_purpose::STANDARD.encode(bytes)
                });
            }
        }
        Value::Object(fields) => fields
            .values_mut()
            .for_each(|v| fill_placeholders(v, attachments)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| fill_placeholders(v, attachments)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_the_engine_io_endpoint_and_the_namespace_comes_from_the_path() {
        assert_eq!(
            engine_url("http://h:3000/admin?room=1", None).unwrap(),
            "ws://h:3000/socket.io/?room=1&EIO=4&transport=websocket"
        );
        assert_eq!(
            engine_url("wss://h/socket.io/?EIO=3&transport=polling", None).unwrap(),
            "wss://h/socket.io/?EIO=3&transport=websocket"
        );
        assert_eq!(
            engine_url("ws://h/", Some("/realtime/")).unwrap(),
            "ws://h/realtime/?EIO=4&transport=websocket"
        );
        assert_eq!(namespace_of("http://h/admin", None, None), "/admin");
        assert_eq!(namespace_of("http://h/socket.io/", None, None), "/");
        assert_eq!(namespace_of("http://h/", None, Some("chat")), "/chat");
        assert!(engine_url("ftp://h/", None).is_err());
    }
}
