//! Hostile and broken servers cannot hang or crash a check: each case ends within its timeouts in a named
//! finding. Every server here is a raw TCP listener on 127.0.0.1 written for the case.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::report::{Report, Verdict};

/// Serves every connection with `behaviour` until the test ends.
async fn server<F, Fut>(behaviour: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let behaviour = Arc::new(behaviour);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            tokio::spawn(async move { behaviour(stream).await });
        }
    });
    addr
}

/// Reads a request head and returns the `Sec-WebSocket-Key` in it.
async fn read_key(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head)
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: ").map(str::to_string))
        .unwrap_or_default()
}

async fn switch(stream: &mut TcpStream) {
    let key = read_key(stream).await;
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    let _ = stream.write_all(response.as_bytes()).await;
}

async fn check(addr: SocketAddr) -> (Report, Duration) {
    let options = CheckOptions {
        url: format!("ws://{addr}/socket"),
        use_env_proxy: false,
        connect_timeout: Duration::from_secs(2),
        handshake_timeout: Duration::from_millis(800),
        reply_timeout: Duration::from_millis(500),
        close_timeout: Duration::from_millis(500),
        ..CheckOptions::default()
    };
    let started = Instant::now();
    let report = tokio::time::timeout(Duration::from_secs(20), run_check(&options, None))
        .await
        .expect("a hostile server cannot hang the check")
        .unwrap();
    (report, started.elapsed())
}

fn root(report: &Report) -> &str {
    report
        .diagnoses
        .first()
        .map(|d| d.code.as_str())
        .unwrap_or("(none)")
}

#[tokio::test]
async fn a_server_that_never_answers() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let (report, took) = check(addr).await;
    assert_eq!(root(&report), "handshake.timeout");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[tokio::test]
async fn endless_headers_are_cut_at_the_limit() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        let _ = s.write_all(b"HTTP/1.1 101 Switching Protocols\r\n").await;
        let line = format!("X-Padding: {}\r\n", "a".repeat(1000));
        for _ in 0..100_000 {
            if s.write_all(line.as_bytes()).await.is_err() {
                break;
            }
        }
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "handshake.invalid_response");
    assert!(
        report.diagnoses[0].evidence[0]
            .content
            .contains("larger than 16 KB"),
        "{:?}",
        report.diagnoses[0].evidence
    );
}

#[tokio::test]
async fn a_gigabyte_body_is_not_read() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n")
            .await;
        let chunk = vec![b'z'; 64 * 1024];
        for _ in 0..16_384 {
            if s.write_all(&chunk).await.is_err() {
                break;
            }
        }
    })
    .await;
    let (report, took) = check(addr).await;
    assert_eq!(root(&report), "handshake.not_websocket");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let response = &report.diagnoses[0].evidence[0].content;
    assert!(
        response.len() < 4096 && response.contains("body cut at 1 KB"),
        "{response}"
    );
}

#[tokio::test]
async fn garbage_instead_of_http() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        let _ = s
            .write_all(b"\x00\x01\x02SSH-2.0-OpenSSH_9.2\r\n\r\n")
            .await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "handshake.invalid_response");
}

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

#[tokio::test]
async fn an_extension_that_was_not_offered() {
    let addr = server(|mut s| async move {
        let key = read_key(&mut s).await;
        let response = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
            derive_accept_key(key.as_bytes())
        );
        let _ = s.write_all(response.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "handshake.invalid_extension");
}
