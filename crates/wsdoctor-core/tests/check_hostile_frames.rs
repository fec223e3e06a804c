//! Hostile and broken servers after the upgrade cannot hang or crash a check: bad frames, close codes
//! that may not be sent, unfinished and huge messages, compression nobody agreed to, floods and servers
//! that stop reading; each case ends within its timeouts in a named finding. Every server here is a raw
//! TCP listener on 127.0.0.1 written for the case.

mod support;

use std::time::{Duration, Instant};
use wsdoctor_core::assert_contains;

use support::{check_raw_server as check, frame, read_key, root, server, switch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::report::Verdict;

#[tokio::test]
async fn garbage_frames_after_the_upgrade() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // Reserved opcode 0x3 with RSV bits set: not a valid frame.
        let _ = s
            .write_all(&[0xF3, 0x05, b'h', b'e', b'l', b'l', b'o'])
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "frame.protocol_error");
    assert_eq!(report.verdict, Verdict::Broken);
}

#[tokio::test]
async fn invalid_utf8_in_a_text_frame() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        let _ = s.write_all(&[0x81, 0x02, 0xC3, 0x28]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "frame.invalid_utf8");
}

#[tokio::test]
async fn a_close_that_never_completes() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // Answer pings with pongs by hand, never anything else: the close goes unanswered.
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
            if buf[0] & 0x0F == 0x9 {
                let len = (buf[1] & 0x7F) as usize;
                let (mask, payload) = buf[2..].split_at(4);
                let mut pong = vec![0x8A, len as u8];
                pong.extend(
                    payload[..len]
                        .iter()
                        .enumerate()
                        .map(|(i, b)| b ^ mask[i % 4]),
                );
                let _ = s.write_all(&pong).await;
            }
        }
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "close.no_reply");
    assert_eq!(report.verdict, Verdict::Degraded);
}

/// Servers that upgrade, then close with a code: each code's cause.
#[tokio::test]
async fn close_codes_are_each_named() {
    for (code, expected) in [
        (1008u16, "close.policy"),
        (4001, "close.other"),
        (1013, "close.server_error"),
    ] {
        let addr = server(move |mut s| async move {
            switch(&mut s).await;
            let mut frame = vec![0x88, 6];
            frame.extend_from_slice(&code.to_be_bytes());
            frame.extend_from_slice(b"bye!");
            let _ = s.write_all(&frame).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        })
        .await;
        let (report, _) = check(addr).await;
        assert_eq!(
            root(&report),
            expected,
            "close {code}: {:#?}",
            report.diagnoses
        );
        assert!(report.diagnoses[0].evidence[0].content.contains("bye!"));
    }
}

#[tokio::test]
async fn a_ping_flood_from_a_server_that_never_reads_ends_in_time() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // Pings as fast as the socket takes them; never a byte read, so our pongs pile up.
        support::flood_pings(&mut s, b"flood", Duration::from_secs(15)).await;
    })
    .await;
    let (report, took) = check(addr).await;
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let ping = report.checks.iter().find(|c| c.id == "ping").unwrap();
    assert_contains!(ping.summary, "pings");
    // Our close frame is never read: either it went out and was never answered, or (once the pongs owed
    // to the flood have filled the socket) it could not even be written. Which one depends on how fast
    // the machine answered pings; both name a server that does not read.
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"close.no_reply") || codes.contains(&"message.not_read"),
        "{codes:?}"
    );
}

#[tokio::test]
async fn a_large_probe_to_a_server_that_stops_reading_ends_in_time() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let options = CheckOptions {
        url: format!("ws://{addr}/socket"),
        use_env_proxy: false,
        reply_timeout: Duration::from_millis(300),
        close_timeout: Duration::from_millis(300),
        probe_size: Some(50_000_000),
        ..CheckOptions::default()
    };
    let started = Instant::now();
    let report = tokio::time::timeout(Duration::from_secs(20), run_check(&options, None))
        .await
        .expect("a server that stops reading cannot hang the size probe")
        .unwrap();
    // The size probe's wait: max(reply, 2 s) + 50 MB at 10 MB/s = 7 s.
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"message.not_read"), "{codes:?}");
}

#[tokio::test]
async fn an_invalid_close_code_is_the_servers_not_our_1002() {
    for code in [999u16, 1005] {
        let addr = server(move |mut s| async move {
            switch(&mut s).await;
            let _ = s.write_all(&frame(0x88, &code.to_be_bytes())).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        })
        .await;
        let (report, _) = check(addr).await;
        assert_eq!(
            root(&report),
            "close.invalid_code",
            "{:#?}",
            report.diagnoses
        );
        let evidence = &report.diagnoses[0].evidence[0].content;
        assert!(evidence.contains(&format!("code {code}")), "{evidence}");
        assert!(
            evidence.contains("WS Doctor answered with 1002"),
            "{evidence}"
        );
    }
}

#[tokio::test]
async fn a_protocol_error_close_is_said_to_be_ours() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // RSV2 set without a negotiated extension.
        let _ = s.write_all(&frame(0xA1, b"extended?")).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "frame.protocol_error");
    let evidence = &report.diagnoses[0].evidence[0].content;
    assert!(
        evidence.contains("WS Doctor closed the connection with 1002"),
        "{evidence}"
    );
}

#[tokio::test]
async fn a_fragmented_message_never_finished_is_named() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        let _ = s.write_all(&frame(0x01, b"hel")).await; // text, no FIN
        let _ = s.write_all(&frame(0x00, b"lo")).await; // continuation, no FIN
        tokio::time::sleep(Duration::from_millis(1500)).await;
        // Then the connection ends without the final frame.
    })
    .await;
    let (report, _) = check(addr).await;
    let unfinished = report
        .diagnoses
        .iter()
        .find(|d| d.code == "frame.unfinished_message")
        .unwrap_or_else(|| panic!("{:#?}", report.diagnoses));
    assert!(
        unfinished.evidence[0]
            .content
            .contains("2 frame(s) (5 bytes)"),
        "{:?}",
        unfinished.evidence
    );
}

#[tokio::test]
async fn a_huge_first_frame_is_capped_in_the_report() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        let mut text = b"0{\"sid\":\"abc\",\"upgrades\":[]}".to_vec();
        text.resize(8 << 20, b'x');
        let _ = s.write_all(&frame(0x81, &text)).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    })
    .await;
    let options = CheckOptions {
        url: format!("ws://{addr}/socket"),
        use_env_proxy: false,
        reply_timeout: Duration::from_secs(3),
        close_timeout: Duration::from_millis(300),
        ..CheckOptions::default()
    };
    let report = run_check(&options, None).await.unwrap();
    let json = report.to_json();
    assert!(json.len() < 64 * 1024, "the report is {} bytes", json.len());
    assert!(json.contains("more bytes"), "the cut is said");
}

#[tokio::test]
async fn a_two_gigabyte_frame_header_is_refused_without_reading_it() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // A text frame announcing 2 GiB, then a trickle of payload.
        let mut header = vec![0x81, 127];
        header.extend_from_slice(&(2u64 << 30).to_be_bytes());
        let _ = s.write_all(&header).await;
        let _ = s.write_all(&[b'x'; 1024]).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let (report, took) = check(addr).await;
    assert_eq!(
        root(&report),
        "frame.protocol_error",
        "{:#?}",
        report.diagnoses
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert!(
        report.diagnoses[0].evidence[0].content.contains("64 MB"),
        "{:?}",
        report.diagnoses[0].evidence
    );
}

#[tokio::test]
async fn compression_nobody_agreed_to_is_named() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // RSV1 set without a negotiated extension: "hello" deflated, as a server that compresses
        // regardless sends it.
        let _ = s
            .write_all(&frame(0xC1, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]))
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "frame.unnegotiated_compression");
    let evidence = &report.diagnoses[0].evidence[0].content;
    assert!(evidence.contains("RSV1"), "{evidence}");
}

#[tokio::test]
async fn agreed_compression_that_does_not_inflate_is_named() {
    let addr = server(|mut s| async move {
        let key = read_key(&mut s).await;
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
            derive_accept_key(key.as_bytes())
        );
        let _ = s.write_all(response.as_bytes()).await;
        // RSV1 and a payload that is no DEFLATE stream (block type 3 is reserved).
        let _ = s.write_all(&frame(0xC1, &[0xff, 0xff, 0xff, 0xff])).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "frame.invalid_compression");
    let evidence = &report.diagnoses[0].evidence[0].content;
    assert!(evidence.contains("does not inflate"), "{evidence}");
}
