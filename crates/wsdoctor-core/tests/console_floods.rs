//! Console sessions under load, against the lab and Node `ws`: the ring buffer drops the oldest and says
//! so, floods arrive whole and in order (or spill to disk beyond the window and read back whole), a server
//! that never reads cannot block a close, followers see every entry, and exports are written while the
//! session records on.

mod support;

use support::{open_session as open, received, session_config as config, wait_for};

use std::time::{Duration, Instant};

use base64::Engine;
use wsdoctor_core::console::{
    ConsoleSession, Direction, Entry, EntryKind, Limits, Outgoing, SessionConfig,
};
use wsdoctor_core::lab::{Lab, LabConfig};

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
