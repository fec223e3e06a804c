//! Console sessions against real servers: the lab and Node `ws`. Every send mode round-trips, pings get
//! their round trip, closes are explained, drops reconnect with backoff, the ring buffer drops the oldest
//! and says so, a log spills to disk beyond its window, and exports parse.

mod support;

use support::wait_for;

use std::time::{Duration, Instant};

use base64::Engine;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::console::{
    Backoff, ConsoleSession, Direction, Entry, EntryKind, Heartbeat, Limits, Outgoing,
    SessionConfig, SessionState,
};
use wsdoctor_core::lab::{Lab, LabConfig};

fn config(url: String) -> SessionConfig {
    support::console_config(CheckOptions {
        url,
        use_env_proxy: false,
        ..CheckOptions::default()
    })
}

fn received(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| {
            e.direction == Direction::In && matches!(e.kind, EntryKind::Text | EntryKind::Binary)
        })
        .collect()
}

async fn open(url: String) -> ConsoleSession {
    let session = ConsoleSession::start(config(url)).unwrap();
    wait_for(&session, "open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;
    session
}

#[tokio::test]
async fn every_send_mode_round_trips() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.send(&Outgoing::Text("plain text".into())).unwrap();
    session
        .send(&Outgoing::Json {
            text: "{ \"type\" : \"hello\" }".into(),
            compact: true,
        })
        .unwrap();
    session
        .send(&Outgoing::Hex("de ad be ef 00 ff".into()))
        .unwrap();
    session.send(&Outgoing::Base64("aGVsbG8=".into())).unwrap();
    let entries = wait_for(&session, "four echoes", |e| received(e).len() == 4).await;
    let echoes = received(&entries);
    assert_eq!(echoes[0].text.as_deref(), Some("plain text"));
    assert_eq!(echoes[1].text.as_deref(), Some("{\"type\":\"hello\"}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(echoes[2].data.as_deref().unwrap())
        .unwrap();
    assert_eq!(
        bytes,
        [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff],
        "binary from hex equals the echoed bytes"
    );
    assert_eq!(echoes[3].data.as_deref(), Some("aGVsbG8="));
    let status = session.status();
    assert_eq!(
        (status.state, status.messages_out, status.messages_in),
        (SessionState::Open, 4, 4)
    );
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    assert!(session.send(&Outgoing::Hex("not hex".into())).is_err());
    assert!(
        session
            .send(&Outgoing::Json {
                text: "{".into(),
                compact: false
            })
            .is_err()
    );
    assert!(session.close(1006, "reserved").is_err());
    assert!(session.ping(&[0; 200]).is_err());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(session.status().messages_out, 0);
}

#[tokio::test]
async fn pings_get_their_round_trip_and_heartbeats_notice_silence() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.ping(b"are you there").unwrap();
    let entries = wait_for(&session, "a pong", |e| {
        e.iter().any(|e| e.kind == EntryKind::Pong)
    })
    .await;
    let pong = entries.iter().find(|e| e.kind == EntryKind::Pong).unwrap();
    assert!(
        pong.rtt_ms.is_some_and(|ms| (0.0..5000.0).contains(&ms)),
        "{pong:?}"
    );

    let mut silent = config(lab.url("/no-pong"));
    silent.heartbeat = Some(Heartbeat {
        interval: Duration::from_millis(200),
        deadline: Duration::from_millis(150),
    });
    let session = ConsoleSession::start(silent).unwrap();
    wait_for(&session, "a missed pong", |e| {
        e.iter().any(|e| {
            e.text
                .as_deref()
                .is_some_and(|t| t.starts_with("missed pong"))
        })
    })
    .await;
}

#[tokio::test]
async fn a_server_close_is_shown_with_its_code_and_meaning() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = ConsoleSession::start(config(lab.url("/close-1011"))).unwrap();
    let entries = wait_for(&session, "the close", |e| {
        e.iter().any(|e| e.kind == EntryKind::Close)
    })
    .await;
    let close = entries.iter().find(|e| e.kind == EntryKind::Close).unwrap();
    assert_eq!(close.code, Some(1011));
    assert!(close.text.as_deref().unwrap().contains("Internal error"));
    wait_for(&session, "the end", |e| {
        e.iter().any(|e| e.text.as_deref() == Some("session ended"))
    })
    .await;
}

#[tokio::test]
async fn the_user_closes_with_any_code_and_the_server_answers() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    session.close(4000, "done testing").unwrap();
    let entries = wait_for(&session, "both closes", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Close).count() == 2
    })
    .await;
    let mine = entries
        .iter()
        .find(|e| e.kind == EntryKind::Close && e.direction == Direction::Out)
        .unwrap();
    assert_eq!(mine.code, Some(4000));
    assert!(
        mine.text
            .as_deref()
            .unwrap()
            .contains("Application-defined")
    );
    wait_for(&session, "the end", |e| {
        e.iter().any(|e| e.text.as_deref() == Some("session ended"))
    })
    .await;
    assert_eq!(session.status().state, SessionState::Closed);
}

#[tokio::test]
async fn a_dropped_connection_reconnects_with_backoff_when_the_server_returns() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let port = lab.addr().port();
    let mut reconnecting = config(lab.url("/echo"));
    reconnecting.reconnect = Some(Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(400),
        factor: 2.0,
        max_attempts: 30,
        spread: 0.25,
    });
    let session = ConsoleSession::start(reconnecting).unwrap();
    wait_for(&session, "open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;

    lab.shutdown().await;
    drop(lab);
    wait_for(&session, "failed attempts", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Reconnect).count() >= 2
    })
    .await;
    let restarted = Lab::start(LabConfig {
        port,
        ..LabConfig::default()
    })
    .await
    .unwrap();
    wait_for(&session, "a second open", |e| {
        e.iter().filter(|e| e.kind == EntryKind::Open).count() == 2
    })
    .await;
    session.send(&Outgoing::Text("back".into())).unwrap();
    let entries = wait_for(&session, "an echo after reconnecting", |e| {
        received(e)
            .iter()
            .any(|e| e.text.as_deref() == Some("back"))
    })
    .await;
    assert!(
        entries.iter().any(|e| e.kind == EntryKind::Error
            && e.text.as_deref().unwrap().contains("connection failed"))
    );
    drop(restarted);
}

#[tokio::test]
async fn the_ring_buffer_drops_the_oldest_and_says_so() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let mut small = config(lab.url("/echo"));
    small.limits = Limits {
        max_entries: 50,
        max_bytes: usize::MAX,
        ..Limits::default()
    };
    let session = ConsoleSession::start(small).unwrap();
    wait_for(&session, "open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;
    for i in 0..100 {
        session.send(&Outgoing::Text(format!("m{i}"))).unwrap();
    }
    wait_for(&session, "the last echo", |e| {
        received(e).iter().any(|e| e.text.as_deref() == Some("m99"))
    })
    .await;
    let status = session.status();
    assert_eq!(status.held, 50);
    assert!(status.dropped >= 150, "{status:?}");
    let oldest = session.entries_after(0, 1);
    assert_eq!(oldest[0].seq, status.last_seq - 49);
    assert_eq!(
        session.entries_before(oldest[0].seq + 10, 5).len(),
        5,
        "paging back by sequence number"
    );
}

#[tokio::test]
async fn ten_thousand_messages_arrive_in_order_and_export() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = open(lab.url("/echo")).await;
    for i in 0..10_000 {
        session.send(&Outgoing::Text(i.to_string())).unwrap();
    }
    let entries = wait_for(&session, "10,000 echoes", |e| received(e).len() == 10_000).await;
    let numbers: Vec<usize> = received(&entries)
        .iter()
        .map(|e| e.text.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(numbers.iter().enumerate().all(|(i, n)| i == *n), "in order");

    let har: serde_json::Value = serde_json::from_str(&support::har(&session)).unwrap();
    let messages = har["log"]["entries"][0]["_webSocketMessages"]
        .as_array()
        .unwrap();
    assert_eq!(messages.len(), 20_000);
    assert_eq!(
        messages.iter().filter(|m| m["type"] == "send").count(),
        10_000
    );
    assert_eq!(
        messages.iter().filter(|m| m["type"] == "receive").count(),
        10_000
    );
    assert_eq!(
        messages[0]["type"], "send",
        "the first message is the first one sent"
    );
    assert_eq!(har["log"]["entries"][0]["response"]["status"], 101);
    let jsonl = support::jsonl(&session);
    assert_eq!(jsonl.lines().count(), entries.len());
    assert!(
        jsonl
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
    );
}

#[tokio::test]
async fn invalid_utf8_from_a_server_is_explained() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let key = String::from_utf8_lossy(&head)
            .lines()
            .find_map(|l| {
                l.strip_prefix("sec-websocket-key: ")
                    .or_else(|| l.strip_prefix("Sec-WebSocket-Key: "))
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let _ = s.write_all(format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").as_bytes()).await;
        let _ = s.write_all(&[0x81, 0x02, 0xC3, 0x28]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let session = ConsoleSession::start(config(format!("ws://{addr}/"))).unwrap();
    let entries = wait_for(&session, "the error", |e| {
        e.iter().any(|e| e.kind == EntryKind::Error)
    })
    .await;
    let error = entries.iter().find(|e| e.kind == EntryKind::Error).unwrap();
    assert!(
        error.text.as_deref().unwrap().contains("not valid UTF-8")
            && error.text.as_deref().unwrap().contains("1007"),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_labs_flood_arrives_whole_and_closes_cleanly() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let session = ConsoleSession::start(config(lab.url("/flood?n=5000"))).unwrap();
    let entries = wait_for(&session, "the flood and its close", |e| {
        e.iter().any(|e| e.kind == EntryKind::Close)
    })
    .await;
    assert_eq!(received(&entries).len(), 5000);
    assert!(received(&entries).iter().all(|e| e.size == 100));
    let close = entries.iter().find(|e| e.kind == EntryKind::Close).unwrap();
    assert_eq!(close.code, Some(1000));
}

/// With a folder for it, the log keeps a small window in memory and the rest on disk: a flood is read
/// back whole by sequence number and exported, and closing the session deletes the files.
#[tokio::test]
async fn a_flood_spills_to_disk_reads_back_whole_and_its_files_go_when_the_session_closes() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spill_dir = dir.path().join("console");
    let session = ConsoleSession::start(SessionConfig {
        spill_dir: Some(spill_dir.clone()),
        limits: Limits {
            window_entries: 200,
            ..Limits::default()
        },
        ..config(lab.url("/flood?n=20000"))
    })
    .unwrap();
    let entries = wait_for(&session, "the flood and its close", |e| {
        e.iter().any(|e| e.kind == EntryKind::Close)
    })
    .await;
    let status = session.status();
    assert_eq!(status.held as usize, entries.len());
    assert!(status.on_disk as usize >= entries.len() - 200, "{status:?}");
    assert!(!wsdoctor_core::console::spill_files(&spill_dir).is_empty());
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=status.last_seq).collect::<Vec<_>>());
    assert_eq!(received(&entries).len(), 20_000);
    assert!(
        received(&entries)
            .iter()
            .all(|e| e.text.as_deref() == Some(&"x".repeat(100)[..]))
    );
    // A page from the middle, as the UI asks when it scrolls back.
    let page = session.entries_before(10_001, 50);
    assert_eq!(page.first().map(|e| e.seq), Some(9_951));
    assert_eq!(page, entries[9_950..10_000]);
    assert_eq!(support::jsonl(&session).lines().count(), entries.len());

    drop(session);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !wsdoctor_core::console::spill_files(&spill_dir).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the spill files outlived the session"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_labs_flood_keeps_to_the_rate_it_is_asked_for() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let started = std::time::Instant::now();
    let session = ConsoleSession::start(config(lab.url("/flood?n=2000&rate=10000"))).unwrap();
    let entries = wait_for(&session, "the paced flood and its close", |e| {
        e.iter().any(|e| e.kind == EntryKind::Close)
    })
    .await;
    assert_eq!(received(&entries).len(), 2000);
    // 2,000 messages at 10,000/s are 20 slices of 10 ms: paced, they cannot all arrive at once.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

/// A server that accepts and then never reads: a large send fills the socket, yet a close and a stop
/// still end the session promptly (a send waits at most its write timeout, and gives way to a stop).
#[tokio::test]
async fn a_send_to_a_server_that_never_reads_does_not_block_close_or_stop() {
    let addr = support::server(|mut s| async move {
        support::switch(&mut s).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let session = open(format!("ws://{addr}/")).await;
    // 16 MB: far more than the socket buffers hold.
    session
        .send(&Outgoing::Base64(
            base64::engine::general_purpose::STANDARD.encode(vec![0u8; 16 << 20]),
        ))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    session.stop();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while !session.is_finished() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stop was not heard while a send was blocked"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(asked.elapsed() < Duration::from_secs(3));
}

/// A server that floods pings: they are answered and counted, not logged one entry each.
#[tokio::test]
async fn a_ping_flood_is_counted_not_logged_ping_by_ping() {
    let addr = support::server(|mut s| async move {
        support::switch(&mut s).await;
        support::flood_pings(&mut s, b"p", Duration::from_millis(1500)).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let session = open(format!("ws://{addr}/")).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let entries = session.entries_after(0, usize::MAX);
    let pings: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Ping && e.direction == Direction::In)
        .collect();
    assert!(
        (1..=4).contains(&pings.len()),
        "{} ping entries",
        pings.len()
    );
    assert!(
        pings.iter().any(|p| p
            .text
            .as_deref()
            .unwrap_or("")
            .contains("more since the last one shown")),
        "{pings:#?}"
    );
    session.close(1000, "").unwrap();
    session.stop();
}

/// Both followers see a whole session end: the window one skips what does not fit and says how much,
/// the every-entry one hands over each entry once, in order, and both end when the session does.
#[tokio::test]
async fn followers_see_every_entry_or_the_newest_window_and_end_with_the_session() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let limit = Duration::from_secs(10);

    let session = ConsoleSession::start(config(lab.url("/echo"))).unwrap();
    wait_for(&session, "the open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;
    for i in 0..20 {
        session.send(&Outgoing::Text(format!("m{i}"))).unwrap();
    }
    wait_for(&session, "the echoes", |e| received(e).len() == 20).await;
    session.close(1000, "done").unwrap();
    let mut window = wsdoctor_core::console::Follow::window(5);
    let mut seen = Vec::new();
    let mut skipped = 0;
    tokio::time::timeout(limit, async {
        while let Some(batch) = window.next(&session).await {
            assert!(batch.entries.len() <= 5);
            skipped += batch.skipped;
            seen.extend(batch.entries.iter().map(|e| e.seq));
        }
    })
    .await
    .expect("the window follower ends with the session");
    let last = session.status().last_seq;
    assert_eq!(seen.last(), Some(&last), "the newest entry is shown");
    assert!(
        skipped > 0 && seen.len() as u64 + skipped == last,
        "{seen:?} {skipped}"
    );

    let (mut every, follower) = wsdoctor_core::console::Follow::every(4, 3);
    let session = ConsoleSession::start(SessionConfig {
        follower: Some(follower),
        namespace: None,
        variables: Vec::new(),
        ..config(lab.url("/echo"))
    })
    .unwrap();
    let mut kinds = Vec::new();
    tokio::time::timeout(limit, async {
        while let Some(batch) = every.next(&session).await {
            assert!(batch.entries.len() <= 3 && batch.skipped == 0);
            for entry in batch.entries {
                if entry.kind == EntryKind::Open {
                    for i in 0..10 {
                        session.send(&Outgoing::Text(format!("n{i}"))).unwrap();
                    }
                    session.close(1000, "done").unwrap();
                }
                kinds.push((entry.seq, entry.kind));
            }
        }
    })
    .await
    .expect("the every-entry follower ends with the session");
    let seqs: Vec<u64> = kinds.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "in order, none lost"
    );
    let texts = kinds.iter().filter(|(_, k)| *k == EntryKind::Text).count();
    assert_eq!(texts, 20, "ten sent and ten echoed");
}

/// An export of a long capture reads the log a chunk at a time and does not hold the session while it
/// writes: a message sent and echoed while the file is being written is recorded at once (a lock held for
/// the whole export would deadlock the writer here), and the export ends with the entry that was last
/// when it began.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_records_on_while_an_export_is_written() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let session = std::sync::Arc::new(
        ConsoleSession::start(SessionConfig {
            spill_dir: Some(dir.path().join("console")),
            limits: Limits {
                window_entries: 200,
                ..Limits::default()
            },
            ..config(lab.url("/echo"))
        })
        .unwrap(),
    );
    support::wait_open(&session).await;
    for i in 0..5_000 {
        session.send(&Outgoing::Text(i.to_string())).unwrap();
    }
    wait_for(&session, "5,000 echoes", |e| received(e).len() == 5_000).await;
    let before = session.status().last_seq;
    assert!(session.status().on_disk > 9_000, "{:?}", session.status());

    /// A file that, at its first write, sends a message and waits (10 s at most) for its echo.
    struct Meddling {
        session: std::sync::Arc<ConsoleSession>,
        recorded_meanwhile: bool,
        bytes: Vec<u8>,
    }
    impl std::io::Write for Meddling {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.bytes.is_empty() {
                let last = self.session.status().last_seq;
                self.session
                    .send(&Outgoing::Text("during the export".into()))
                    .unwrap();
                let deadline = Instant::now() + Duration::from_secs(10);
                while self.session.status().last_seq < last + 2 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(10));
                }
                self.recorded_meanwhile = self.session.status().last_seq >= last + 2;
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let exporting = session.clone();
    let export = tokio::task::spawn_blocking(move || {
        let mut file = Meddling {
            session: exporting,
            recorded_meanwhile: false,
            bytes: Vec::new(),
        };
        let session = file.session.clone();
        session.export_jsonl(&mut file).expect("the export writes");
        file
    });
    let file = tokio::time::timeout(Duration::from_secs(30), export)
        .await
        .expect("the export ends")
        .unwrap();
    assert!(
        file.recorded_meanwhile,
        "the session recorded nothing during the export"
    );
    let lines: Vec<Entry> = String::from_utf8(file.bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, before);
    assert_eq!(lines.last().map(|e| e.seq), Some(before));
    assert!(
        lines.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1),
        "every entry once, in order"
    );
    assert!(session.status().last_seq >= before + 2);
}
