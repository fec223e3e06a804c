//! The check against the app servers people deploy WebSockets in, each started by the test as it is
//! commonly (mis)configured (tests/servers/): Express with `ws`, and (below) the Python ASGI stacks. The
//! Makefile installs them (`make deps`). A healthy setup raises nothing.

mod support;

use std::time::Duration;

use support::real_servers::{Asgi, asgi, node};
use support::{codes, options, run};
use wsdoctor_core::assert_contains;
use wsdoctor_core::report::{Report, Verdict};

async fn check(url: String) -> Report {
    run(&options(url), Duration::from_secs(30)).await
}

fn evidence<'a>(report: &'a Report, code: &str, label: &str) -> &'a str {
    let diagnosis = report
        .diagnoses
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("{code} is named: {:?}", codes(report)));
    diagnosis
        .evidence
        .iter()
        .find(|e| e.label == label)
        .map(|e| e.content.as_str())
        .unwrap_or_else(|| panic!("{code} has {label}: {:#?}", diagnosis.evidence))
}

/// Express on `app.listen()` with its WebSocketServer on a port of its own: the upgrade reaches the
/// app's routes ("Cannot GET /ws"). Named as such, not as a missing path; attached to the server that
/// listens, the same app is healthy.
#[tokio::test]
async fn express_answering_the_upgrade_as_a_get_is_named() {
    let broken = node("express-no-upgrade");
    let report = check(format!("ws://127.0.0.1:{}/ws", broken.port)).await;
    assert_eq!(
        codes(&report)[0],
        "server.upgrade_not_handled",
        "{:#?}",
        report.diagnoses
    );
    assert!(!codes(&report).contains(&"handshake.not_found"));
    assert_contains!(
        evidence(&report, "server.upgrade_not_handled", "Answered by"),
        "Express"
    );
    assert_contains!(report.diagnoses[0].fix, "app.listen(");

    let healthy = node("express");
    let report = check(format!("ws://127.0.0.1:{}/ws", healthy.port)).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
}

/// `ws`'s verifyClient refusing with a status and a reason of its own: the reason is quoted.
#[tokio::test]
async fn a_refusal_with_its_own_reason_quotes_it() {
    let server = node("verify-reason");
    let report = check(format!("ws://127.0.0.1:{}/", server.port)).await;
    assert_eq!(codes(&report)[0], "handshake.auth_required");
    assert_eq!(
        evidence(&report, "handshake.auth_required", "The server's reason"),
        "Token expired at 2026-12-07T09:00:00Z"
    );
}

/// uvicorn installed without a WebSocket library answers the upgrade as a plain request (FastAPI's 404
/// for a WebSocket route): the missing library is named, with `uvicorn[standard]` as the fix; with the
/// library the same app is healthy.
#[tokio::test]
async fn uvicorn_without_a_websocket_library_is_named() {
    let bare = asgi(Asgi::Bare, "fastapi");
    let report = check(format!("ws://127.0.0.1:{}/ws", bare.port)).await;
    assert_eq!(
        codes(&report),
        ["server.websocket_unsupported"],
        "{:#?}",
        report.diagnoses
    );
    assert_contains!(
        evidence(&report, "server.websocket_unsupported", "Answered by"),
        "uvicorn"
    );
    assert_contains!(report.diagnoses[0].fix, "uvicorn[standard]");

    let standard = asgi(Asgi::Standard, "fastapi");
    let report = check(format!("ws://127.0.0.1:{}/ws", standard.port)).await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
}

/// Starlette refuses a WebSocket route it has not (`/ws/` for `/ws`) with 403: named as the missing path
/// it is, with the near path that answers, not as a refusal.
#[tokio::test]
async fn a_starlette_route_asked_with_a_trailing_slash_is_a_path_not_a_refusal() {
    let server = asgi(Asgi::Standard, "fastapi");
    let report = check(format!("ws://127.0.0.1:{}/ws/", server.port)).await;
    assert_eq!(
        codes(&report)[0],
        "handshake.not_found",
        "{:#?}",
        report.diagnoses
    );
    assert!(!codes(&report).contains(&"handshake.forbidden"));
    assert_contains!(
        evidence(&report, "handshake.not_found", "Follow-up: the near path"),
        "`/ws` answers 101"
    );
}

/// Django Channels on daphne: a URLRouter miss is a bare 500 from daphne ("No route found for path" in
/// its log). Named as the missing path, with the near path when one answers; a matching route is healthy.
#[tokio::test]
async fn a_channels_route_that_misses_is_a_path_not_a_server_error() {
    let server = asgi(Asgi::Standard, "channels");
    let report = check(format!("ws://127.0.0.1:{}/ws/chat/", server.port)).await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);

    let report = check(format!("ws://127.0.0.1:{}/ws/chat", server.port)).await;
    assert_eq!(
        codes(&report),
        ["handshake.not_found"],
        "{:#?}",
        report.diagnoses
    );
    assert_contains!(
        evidence(&report, "handshake.not_found", "Follow-up: the near path"),
        "`/ws/chat/` answers 101"
    );
    assert_contains!(
        evidence(&report, "handshake.not_found", "Answered by"),
        "No route found for path"
    );

    let report = check(format!("ws://127.0.0.1:{}/nope", server.port)).await;
    assert_eq!(
        codes(&report),
        ["handshake.not_found"],
        "{:#?}",
        report.diagnoses
    );
    assert_contains!(
        evidence(&report, "handshake.not_found", "Answered by"),
        "Daphne"
    );
}

/// python-socketio on uvicorn without a WebSocket library: sessions stay on polling, and the missing
/// library is their cause, whether the client may poll or pins the WebSocket transport; with the library
/// the same server is healthy.
#[tokio::test]
async fn python_socketio_on_uvicorn_without_websockets_stays_on_polling_and_says_why() {
    let bare = asgi(Asgi::Bare, "socketio");
    for url in [
        format!("ws://127.0.0.1:{}/socket.io/", bare.port),
        format!(
            "ws://127.0.0.1:{}/socket.io/?EIO=4&transport=websocket",
            bare.port
        ),
    ] {
        let report = check(url.clone()).await;
        assert_eq!(
            codes(&report),
            ["server.websocket_unsupported", "socketio.transport_blocked"],
            "{url}: {:#?}",
            report.diagnoses
        );
        assert_eq!(
            report.diagnoses[1].explained_by.as_deref(),
            Some("server.websocket_unsupported")
        );
    }
    let standard = asgi(Asgi::Standard, "socketio");
    let report = check(format!("ws://127.0.0.1:{}/socket.io/", standard.port)).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}
