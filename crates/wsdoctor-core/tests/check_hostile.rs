//! Hostile and broken servers cannot hang or crash a check: each case ends within its timeouts in a named
//! finding. Every server here is a raw TCP listener on 127.0.0.1 written for the case.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use support::{check_raw_server as check, codes, read_head, read_key, root, server, switch};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use wsdoctor_core::check::{CheckOptions, run_check};

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

/// A 101 that agrees to what the client never offered (an extension, a subprotocol): each is named.
#[tokio::test]
async fn an_upgrade_to_what_was_not_offered() {
    for (header, expected) in [
        // Offered: permessage-deflate with client_max_window_bits, as browsers do. Each of these
        // answers makes a browser fail the connection.
        (
            "Sec-WebSocket-Extensions: x-webkit-deflate-frame",
            "handshake.invalid_extension",
        ),
        (
            "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=7",
            "handshake.invalid_extension",
        ),
        (
            "Sec-WebSocket-Extensions: permessage-deflate; no_context_takeover",
            "handshake.invalid_extension",
        ),
        (
            "Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Extensions: permessage-deflate",
            "handshake.invalid_extension",
        ),
        (
            "Sec-WebSocket-Protocol: graphql-ws",
            "subprotocol.not_offered",
        ),
    ] {
        let addr = server(move |mut s| async move {
            let key = read_key(&mut s).await;
            let response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n{header}\r\n\r\n",
                derive_accept_key(key.as_bytes())
            );
            let _ = s.write_all(response.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        })
        .await;
        let (report, _) = check(addr).await;
        assert_eq!(root(&report), expected, "{header}");
    }
}

/// Servers that answer the upgrade with a fixed HTTP response, and the cause each one names.
#[tokio::test]
async fn http_refusals_are_each_named() {
    let cases: &[(&str, &str)] = &[
        (
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nbad request",
            "handshake.bad_request",
        ),
        (
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden",
            "handshake.forbidden",
        ),
        (
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 13\r\n\r\ninvalid token",
            "handshake.auth_required",
        ),
        (
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            "handshake.not_found",
        ),
        (
            "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n",
            "handshake.upgrade_required",
        ),
        (
            "HTTP/1.1 426 Upgrade Required\r\nServer: Caddy\r\nContent-Length: 0\r\n\r\n",
            "proxy.upgrade_stripped",
        ),
        (
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom",
            "handshake.server_error",
        ),
        (
            "HTTP/1.1 504 Gateway Timeout\r\nServer: awselb/2.0\r\nContent-Length: 0\r\n\r\n",
            "proxy.bad_gateway",
        ),
        (
            "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n\r\n",
            "handshake.invalid_upgrade",
        ),
    ];
    for (response, code) in cases {
        let addr = server(move |mut s| async move {
            let _ = read_key(&mut s).await;
            let _ = s.write_all(response.as_bytes()).await;
        })
        .await;
        let (report, _) = check(addr).await;
        assert_eq!(
            root(&report),
            *code,
            "for {response:?}: {:#?}",
            report.diagnoses
        );
    }
}

#[tokio::test]
async fn a_drop_right_after_the_upgrade() {
    let addr = server(|mut s| async move {
        switch(&mut s).await;
        // Dropping `s` ends TCP with no close frame.
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "close.abnormal");
}

#[tokio::test]
async fn a_server_that_closes_without_answering() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "handshake.no_response");
}

#[tokio::test]
async fn a_reset_after_accept() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let (report, _) = check(addr).await;
    assert_eq!(root(&report), "tcp.reset", "{:#?}", report.diagnoses);
}

#[tokio::test]
async fn a_connect_that_gets_no_answer() {
    // A listener whose accept queue is full drops further SYNs: the connect times out, as behind a
    // firewall that drops packets, without any traffic leaving loopback.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let _filler = std::net::TcpStream::connect(addr).unwrap();
    let options = CheckOptions {
        url: format!("ws://{addr}/"),
        use_env_proxy: false,
        connect_timeout: Duration::from_millis(500),
        ..CheckOptions::default()
    };
    let report = run_check(&options, None).await.unwrap();
    assert_eq!(root(&report), "tcp.timeout");
    drop(socket);
}

#[tokio::test]
async fn a_multibyte_character_at_the_cut_of_a_socketio_body_does_not_panic() {
    let addr = server(|mut s| async move {
        let head = read_head(&mut s).await;
        if head.starts_with("GET /socket.io/") {
            // 199 ASCII bytes, then a two-byte character across byte 200.
            let mut body = String::from("0{\"sid\":\"");
            while body.len() < 199 {
                body.push('a');
            }
            body.push_str("é\"}");
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(response.as_bytes()).await;
        }
        // Upgrades elsewhere get no answer, as Socket.IO servers do.
    })
    .await;
    let (report, _) = check(addr).await;
    assert!(
        codes(&report).contains(&"socketio.detected"),
        "{:#?}",
        report.diagnoses
    );
}

#[test]
fn the_time_budget_is_a_formula_of_the_options() {
    let options = CheckOptions::default();
    // Reaching: (1 + 4)·5 + 3·5 = 40; follow-ups 2·((2 + 4)·5 + 2·5) = 80; a fresh connection
    // (1 + 4)·5 + 2·5 = 35 for the proxy in front, and with 1 (reply) + 2 (close) for the second run
    // the other way; the first run's reply and close, and 1 s: 40 + 80 + 35 + 38 + 3 + 1 = 197 s.
    assert_eq!(
        wsdoctor_core::check::time_budget(&options),
        Duration::from_secs(197)
    );
    let with_idle = CheckOptions {
        idle: Some(Duration::from_secs(30)),
        ..CheckOptions::default()
    };
    assert_eq!(
        wsdoctor_core::check::time_budget(&with_idle),
        Duration::from_secs(227)
    );
    // The page: up to six fresh connections (five redirects).
    let with_page = CheckOptions {
        page_url: Some("https://app.test/".into()),
        ..CheckOptions::default()
    };
    assert_eq!(
        wsdoctor_core::check::time_budget(&with_page),
        Duration::from_secs(197 + 6 * 35)
    );
}

#[tokio::test]
async fn a_slowloris_answer_times_out_at_the_handshake_deadline() {
    let addr = server(|mut s| async move {
        let _ = read_key(&mut s).await;
        // A byte every 100 ms: the head would take minutes.
        for byte in b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            .iter()
            .cycle()
        {
            if s.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let (report, took) = check(addr).await;
    assert_eq!(root(&report), "handshake.timeout");
    assert!(took < Duration::from_secs(3), "{took:?}");
}
