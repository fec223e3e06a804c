//! The SockJS item: `<prefix>/info` read over the connection the check opened, saying whether the
//! WebSocket transport is enabled (without it, SockJS clients fall back to HTTP streaming and polling),
//! which origins are allowed and whether a cookie is needed. The check then goes on at the raw WebSocket
//! endpoint, `<prefix>/websocket`, which speaks plain WebSocket, or (STOMP inside SockJS) at a session's
//! WebSocket transport, as a SockJS client opens one.

use crate::check::upgrade::handshake::{self, Exchange};
use crate::check::{CheckOptions, items};
use crate::framework::sockjs;
use crate::net::{Stream, Target};
use crate::report::{CheckStatus, Evidence, Recorder};

/// Records the SockJS item over `first`; the raw WebSocket endpoint to go on with, or `None` (the rest
/// is skipped).
pub(in crate::check) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    target: &Target,
    first: Stream,
    why: &str,
    session: bool,
) -> Option<Target> {
    let mut step = rec.begin(&items::SOCKJS_INFO);
    step.evidence
        .push(Evidence::new("Protocol", format!("SockJS ({why})")));
    let prefix = sockjs::prefix(target.url.path());
    let request = handshake::get_request(&format!("{prefix}/info"), &target.host_header());
    step.evidence
        .push(Evidence::new("Request", format!("GET {prefix}/info")));
    let info = match handshake::exchange_bytes(first, request.as_bytes(), options.handshake_timeout)
        .await
    {
        Exchange::Answered { response, .. } => {
            step.evidence.push(Evidence::new(
                "Response",
                format!(
                    "HTTP {} {}\n{}",
                    response.status,
                    response.reason,
                    crate::report::capped(&response.body_text(), 512)
                ),
            ));
            sockjs::read_info(&response.body_text())
        }
        _ => None,
    };
    let Some(info) = info else {
        rec.diagnose(
            "sockjs.no_server",
            vec![Evidence::new(
                "Info",
                format!("{prefix}/info did not answer as SockJS does"),
            )],
        );
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("No SockJS server at {prefix}: {prefix}/info is not SockJS's."),
        );
        crate::check::skip_after(rec, items::SOCKJS_INFO, "no SockJS server answered");
        return None;
    };
    let settings = format!(
        "websocket: {}, origins: {}, cookie_needed: {}",
        info.websocket,
        info.origins.join(", "),
        info.cookie_needed
    );
    if !info.websocket {
        rec.diagnose(
            "sockjs.websocket_disabled",
            vec![Evidence::new("/info", settings.clone())],
        );
        rec.finish(
            step,
            CheckStatus::Warn,
            format!("SockJS runs without its WebSocket transport ({settings})."),
        );
        crate::check::skip_after(
            rec,
            items::SOCKJS_INFO,
            "the WebSocket transport is disabled",
        );
        return None;
    }
    // A SockJS client opens a session (`<prefix>/<server>/<session>/websocket`, framed); the raw
    // endpoint speaks plain WebSocket.
    let path = if session {
        sockjs::session_path(&prefix)
    } else {
        format!("{prefix}/websocket")
    };
    rec.finish(
        step,
        CheckStatus::Pass,
        format!("SockJS with its WebSocket transport ({settings}); checking {path}."),
    );
    let mut endpoint = target.clone();
    endpoint.url.set_path(&path);
    Some(endpoint)
}
