//! Session exports: JSON Lines (one entry a line) and HAR, whose `_webSocketMessages` Chrome DevTools
//! imports. Handshake headers are already redacted; message payloads are the user's own traffic.

use serde_json::{Value, json};

use super::Shared;
use super::log::{Direction, EntryKind};

pub(crate) fn jsonl(shared: &mut Shared) -> String {
    let mut out = String::new();
    shared.log.each(|entry| {
        out.push_str(&serde_json::to_string(&entry).expect("entries serialise"));
        out.push('\n');
    });
    out
}

fn iso(us: u64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn headers(list: &[(String, String)]) -> Value {
    Value::Array(
        list.iter()
            .map(|(name, value)| json!({ "name": name, "value": value }))
            .collect(),
    )
}

pub(crate) fn har(shared: &mut Shared) -> String {
    let mut messages: Vec<Value> = Vec::new();
    shared.log.each(|e| {
        if !matches!(e.kind, EntryKind::Text | EntryKind::Binary) || e.direction == Direction::Local
        {
            return;
        }
        let (opcode, data) = match e.kind {
            EntryKind::Text => (1, e.text.unwrap_or_default()),
            _ => (2, e.data.unwrap_or_default()),
        };
        messages.push(json!({
            "type": if e.direction == Direction::Out { "send" } else { "receive" },
            "time": e.at_us as f64 / 1_000_000.0,
            "opcode": opcode,
            "data": data,
        }));
    });
    let har = json!({
        "log": {
            "version": "1.2",
            "creator": { "name": crate::TOOL_NAME, "version": crate::VERSION },
            "pages": [],
            "entries": [{
                "startedDateTime": iso(shared.started_us),
                "time": 0,
                "request": {
                    "method": "GET",
                    "url": shared.status.url.replacen("wss://", "https://", 1).replacen("ws://", "http://", 1),
                    "httpVersion": "HTTP/1.1",
                    "headers": headers(&shared.request_headers),
                    "queryString": [],
                    "cookies": [],
                    "headersSize": -1,
                    "bodySize": 0
                },
                "response": {
                    "status": shared.response_status,
                    "statusText": if shared.response_status == 101 { "Switching Protocols" } else { "" },
                    "httpVersion": "HTTP/1.1",
                    "headers": headers(&shared.response_headers),
                    "cookies": [],
                    "content": { "size": 0, "mimeType": "x-unknown" },
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": 0
                },
                "cache": {},
                "timings": { "send": 0, "wait": 0, "receive": 0 },
                "_resourceType": "websocket",
                "_webSocketMessages": messages
            }]
        }
    });
    serde_json::to_string_pretty(&har).expect("a HAR serialises")
}
