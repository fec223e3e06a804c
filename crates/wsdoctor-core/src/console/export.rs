//! Session exports: JSON Lines (one entry a line) and HAR, whose `_webSocketMessages` Chrome DevTools
//! imports. Handshake headers are already redacted; message payloads are the user's own traffic.
//!
//! An export streams into a writer a chunk of entries at a time, taking the session's lock for each
//! chunk's read only: a capture of a million entries (most of them on disk) is written without holding
//! it in memory and without stalling the live session's recording while the file is written. The export
//! holds the entries up to the last one recorded when it began.

use std::io::{self, Write};

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::ConsoleSession;
use super::entry::{Direction, Entry, EntryKind};

/// How many entries an export reads (from disk, for a spilled log) under one hold of the lock.
const READ_CHUNK: usize = 4_096;

/// Hands `visit` every entry kept, oldest first, up to the last one recorded when the export began.
fn each_chunk(
    session: &ConsoleSession,
    mut visit: impl FnMut(Vec<Entry>) -> io::Result<()>,
) -> io::Result<()> {
    let end = session.shared().log.last_seq();
    let mut next = 0;
    while next < end {
        // The guard is dropped at the end of this statement: the lock is not held while `visit` writes.
        let chunk = session.shared().log.after(next, READ_CHUNK);
        let Some(last) = chunk.last() else {
            break;
        };
        next = last.seq;
        visit(chunk.into_iter().filter(|e| e.seq <= end).collect())?;
    }
    Ok(())
}

pub(crate) fn jsonl(session: &ConsoleSession, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    each_chunk(session, |chunk| {
        for entry in chunk {
            serde_json::to_writer(&mut out, &entry)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    out.flush()
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

/// A HAR file: its fixed fields as JSON, and the one entry whose messages are read as it is written.
#[derive(Serialize)]
struct Har<'a> {
    log: HarLog<'a>,
}

#[derive(Serialize)]
struct HarLog<'a> {
    #[serde(flatten)]
    fixed: Value,
    entries: [HarEntry<'a>; 1],
}

#[derive(Serialize)]
struct HarEntry<'a> {
    #[serde(flatten)]
    fixed: Value,
    #[serde(rename = "_webSocketMessages")]
    messages: Messages<'a>,
}

/// The session's text and binary messages in HAR's form, serialised a chunk at a time.
struct Messages<'a>(&'a ConsoleSession);

impl Serialize for Messages<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut failed = None;
        let read = each_chunk(self.0, |chunk| {
            for e in chunk {
                if !matches!(e.kind, EntryKind::Text | EntryKind::Binary)
                    || e.direction == Direction::Local
                {
                    continue;
                }
                let (opcode, data) = match e.kind {
                    EntryKind::Text => (1, e.text.unwrap_or_default()),
                    _ => (2, e.data.unwrap_or_default()),
                };
                let message = json!({
                    "type": if e.direction == Direction::Out { "send" } else { "receive" },
                    "time": e.at_us as f64 / 1_000_000.0,
                    "opcode": opcode,
                    "data": data,
                });
                if let Err(error) = seq.serialize_element(&message) {
                    failed = Some(error);
                    return Err(io::Error::other("the HAR writer failed"));
                }
            }
            Ok(())
        });
        match (failed, read) {
            (Some(error), _) => Err(error),
            (None, Err(error)) => Err(S::Error::custom(error)),
            (None, Ok(())) => seq.end(),
        }
    }
}

pub(crate) fn har(session: &ConsoleSession, out: &mut dyn Write) -> io::Result<()> {
    let (started_us, url, request, status, response) = {
        let shared = session.shared();
        (
            shared.started_us,
            shared.status.url.clone(),
            headers(&shared.request_headers),
            shared.response_status,
            headers(&shared.response_headers),
        )
    };
    let har = Har {
        log: HarLog {
            fixed: json!({
                "version": "1.2",
                "creator": { "name": crate::TOOL_NAME, "version": crate::VERSION },
                "pages": [],
            }),
            entries: [HarEntry {
                fixed: json!({
                    "startedDateTime": iso(started_us),
                    "time": 0,
                    "request": {
                        "method": "GET",
                        "url": url.replacen("wss://", "https://", 1).replacen("ws://", "http://", 1),
                        "httpVersion": "HTTP/1.1",
                        "headers": request,
                        "queryString": [],
                        "cookies": [],
                        "headersSize": -1,
                        "bodySize": 0
                    },
                    "response": {
                        "status": status,
                        "statusText": if status == 101 { "Switching Protocols" } else { "" },
                        "httpVersion": "HTTP/1.1",
                        "headers": response,
                        "cookies": [],
                        "content": { "size": 0, "mimeType": "x-unknown" },
                        "redirectURL": "",
                        "headersSize": -1,
                        "bodySize": 0
                    },
                    "cache": {},
                    "timings": { "send": 0, "wait": 0, "receive": 0 },
                    "_resourceType": "websocket",
                }),
                messages: Messages(session),
            }],
        },
    };
    let mut out = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &har).map_err(io::Error::from)?;
    out.flush()
}
