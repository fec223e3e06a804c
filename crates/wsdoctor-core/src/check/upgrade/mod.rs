//! The upgrade handshake and what it settles: the request as sent, the response as received, whether a
//! 101 is a valid one, the Origin and the subprotocol items; a refusal or a silence is classified, helped
//! by follow-up requests (Origin retries, Socket.IO polling, the backend directly).
//!
//! Its parts: `handshake.rs` (the request written by hand, the answer read with `httparse`), `fingerprint.rs`
//! (which server, proxy or CDN answered), `follow_up.rs` (the follow-up requests), `permessage_deflate.rs`
//! (the compression offer, the answer's reading, inflating), and `server_frames.rs` (the one stream
//! adapter under tungstenite: compressed messages inflated, the server's frames watched).

pub(in crate::check) mod chunked_body;
pub(in crate::check) mod fingerprint;
pub(in crate::check) mod follow_up;
pub(in crate::check) mod handshake;
pub(in crate::check) mod permessage_deflate;
pub(in crate::check) mod refusal;
pub(in crate::check) mod server_frames;

use std::time::Duration;

use self::fingerprint::Fingerprint;
use self::handshake::{Exchange, UpgradeRequest};
use self::server_frames::Compression;
use super::{CheckOptions, items, skip_after};
use crate::framework::Protocol;
use crate::net::Stream;
use crate::net::{Route, Target};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence};

/// Records the upgrade, Origin and subprotocol items; the open stream (inflating compressed messages
/// when permessage-deflate was agreed) and the bytes read past the response, or `None` when the upgrade
/// failed (the session items are skipped).
pub(in crate::check) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    protocol: Protocol,
    target: &Target,
    route: &Route,
    stream: Stream,
) -> Option<Upgraded> {
    let host_header = target.host_header();
    let path = target.path_and_query();
    let mut request = UpgradeRequest::new(&path, &host_header);
    request.client = options.client;
    request.origin = if options.client.is_browser() {
        options.browser_origin()
    } else {
        // Only a browser sends the page's origin; other clients send one when told to.
        options.origin.clone()
    };
    request.subprotocols = options.subprotocols.clone();
    request.extensions = options
        .compression
        .then(|| options.client.extension_offer().map(str::to_string))
        .flatten();
    request.headers = options.headers.clone();
    let mut step = rec.begin(&items::HANDSHAKE);
    step.evidence
        .push(Evidence::new("Request", request.evidence(&rec.redactor)));
    let exchange = handshake::exchange(stream, &request, options.handshake_timeout).await;
    let (response, leftover, stream) = match exchange {
        Exchange::Answered {
            response,
            leftover,
            stream,
        } => (response, leftover, stream),
        failed => {
            let (code, summary, bytes) =
                unanswered(&failed, route, options.handshake_timeout).await;
            if !bytes.is_empty() {
                step.evidence.push(Evidence::new(
                    "Received instead of an HTTP response",
                    bytes.clone(),
                ));
            }
            let mut evidence = vec![Evidence::new("What happened", summary.clone())];
            if !bytes.is_empty() {
                evidence.push(Evidence::new("Bytes received", bytes));
            }
            rec.diagnose(code, evidence);
            // Socket.IO servers drop upgrades outside /socket.io/ without an answer.
            if matches!(code, "handshake.no_response" | "handshake.timeout")
                && let Some(line) = follow_up::socketio(route, &host_header).await
            {
                rec.diagnose(
                    "socketio.detected",
                    vec![Evidence::new("Follow-up: Socket.IO", line)],
                );
            }
            rec.finish(step, CheckStatus::Fail, summary);
            skip_after(rec, items::HANDSHAKE, "the upgrade handshake failed");
            return None;
        }
    };
    let fingerprint = Fingerprint::of(&response);
    step.evidence
        .push(Evidence::new("Response", response.evidence(&rec.redactor)));
    step.evidence
        .push(Evidence::new("Answered by", fingerprint.describe()));

    if response.status != 101 {
        let summary = format!(
            "HTTP {} {} instead of 101 Switching Protocols ({}).",
            response.status,
            response.reason,
            fingerprint.describe()
        );
        let response_evidence = Evidence::new("Response", response.evidence(&rec.redactor));
        refusal::refused(
            rec,
            options,
            protocol,
            route,
            &request,
            &response,
            &fingerprint,
            &host_header,
            response_evidence,
        )
        .await;
        rec.finish(step, CheckStatus::Fail, summary);
        skip_after(rec, items::HANDSHAKE, "the upgrade handshake failed");
        return None;
    }

    // A 101: is it a valid one?
    let response_evidence = Evidence::new("Response", response.evidence(&rec.redactor));
    let expected = request.expected_accept();
    let accept = response.header("Sec-WebSocket-Accept").unwrap_or("");
    let invalid = if !response.tokens("Upgrade").iter().any(|t| t == "websocket")
        || !response.tokens("Connection").iter().any(|t| t == "upgrade")
    {
        Some((
            "handshake.invalid_upgrade",
            "the 101 response lacks `Upgrade: websocket` or `Connection: Upgrade`".to_string(),
        ))
    } else if accept != expected {
        Some((
            "handshake.invalid_accept",
            format!("Sec-WebSocket-Accept is `{accept}`, expected `{expected}` for the key sent"),
        ))
    } else {
        None
    };
    // The extensions answered, read as a browser reads them (every browser offers permessage-deflate).
    let extensions = response
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Sec-WebSocket-Extensions"))
        .map(|(_, value)| value.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let agreed = permessage_deflate::answer(Some(&extensions), request.extensions.as_deref());
    let invalid = invalid.or_else(|| match &agreed {
        Err(why) => Some(("handshake.invalid_extension", why.clone())),
        Ok(_) => None,
    });
    let agreed = agreed.ok().flatten();
    let chosen = response
        .header("Sec-WebSocket-Protocol")
        .map(str::to_string);
    let invalid = invalid.or_else(|| match &chosen {
        Some(chosen) if !options.subprotocols.iter().any(|p| p == chosen) => Some((
            "subprotocol.not_offered",
            format!("the server chose subprotocol `{chosen}`, which was not offered"),
        )),
        _ => None,
    });
    if let Some((code, why)) = invalid {
        let mut evidence = vec![Evidence::new("Problem", why.clone()), response_evidence];
        if code == "handshake.invalid_extension" {
            evidence.push(Evidence::new(
                "Offered",
                request
                    .extensions
                    .clone()
                    .unwrap_or_else(|| "no extension (--no-compression)".into()),
            ));
        }
        rec.diagnose(code, evidence);
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("101 Switching Protocols, but {why}: clients must refuse it."),
        );
        skip_after(rec, items::HANDSHAKE, "the upgrade handshake failed");
        return None;
    }
    let compression = Compression {
        offered: request.extensions.is_some(),
        agreed,
        watch: Default::default(),
    };
    step.evidence
        .push(Evidence::new("Compression", compression.describe()));
    rec.finish(
        step,
        CheckStatus::Pass,
        format!(
            "101 Switching Protocols in {} ms ({}).",
            response.elapsed_ms,
            fingerprint.describe()
        ),
    );

    let step = rec.begin(&items::ORIGIN);
    match (&request.origin, &options.origin) {
        (Some(origin), Some(_)) => rec.finish(
            step,
            CheckStatus::Pass,
            format!("The server accepts Origin {origin}."),
        ),
        (Some(origin), None) => rec.finish(
            step,
            CheckStatus::Pass,
            format!("The server accepts Origin {origin}, the page's (--page-url), as a browser on it sends."),
        ),
        (None, _) => rec.finish(
            step,
            CheckStatus::Info,
            "No Origin was sent; browsers always send the page's origin (test it with --origin or --page-url).",
        ),
    }
    let step = rec.begin(&items::SUBPROTOCOL);
    match (&chosen, options.subprotocols.is_empty()) {
        (Some(chosen), _) => rec.finish(step, CheckStatus::Pass, format!("Negotiated `{chosen}`.")),
        (None, true) => rec.finish(step, CheckStatus::Info, "None offered, none chosen."),
        (None, false) => {
            rec.diagnose(
                "subprotocol.not_negotiated",
                vec![
                    Evidence::new("Offered", options.subprotocols.join(", ")),
                    response_evidence,
                ],
            );
            rec.finish(
                step,
                CheckStatus::Warn,
                format!(
                    "Offered {} but the server chose none: browsers fail this connection.",
                    options.subprotocols.join(", ")
                ),
            );
        }
    }
    let (stream, watch) = server_frames::wrap(stream, leftover, compression.agreed.as_ref());
    Some(Upgraded {
        stream,
        leftover: Vec::new(),
        compression: Compression {
            watch,
            ..compression
        },
        subprotocol: chosen,
    })
}

/// An upgraded connection, as the upgrade left it.
pub(in crate::check) struct Upgraded {
    /// The stream, through the adapter that inflates and watches the server's frames.
    pub stream: Stream,
    /// Bytes read past the 101 (the adapter takes them first, so none are left today).
    pub leftover: Vec<u8>,
    pub compression: Compression,
    /// The subprotocol the server chose.
    pub subprotocol: Option<String>,
}

/// Names the cause when no HTTP response came back.
async fn unanswered(
    exchange: &Exchange,
    route: &Route,
    timeout: Duration,
) -> (&'static str, String, String) {
    let secs = timeout.as_secs_f32();
    match exchange {
        Exchange::Timeout { partial } if partial.is_empty() => (
            "handshake.timeout",
            format!("No answer to the upgrade request within {secs} s."),
            String::new(),
        ),
        Exchange::Timeout { partial } => (
            "handshake.timeout",
            format!("The response did not complete within {secs} s."),
            handshake::show_bytes(partial),
        ),
        Exchange::Closed { partial } | Exchange::Invalid { partial, .. }
            if handshake::looks_like_tls(partial) =>
        {
            (
                "url.needs_wss",
                "The port answered the plain-text request with TLS: it expects wss://.".to_string(),
                handshake::show_bytes(partial),
            )
        }
        Exchange::Closed { partial } if partial.is_empty() => {
            if !route.secure && follow_up::speaks_tls(route).await {
                (
                    "url.needs_wss",
                    "The server closed the plain-text connection, and the same port completes a TLS handshake: it expects wss://.".to_string(),
                    String::new(),
                )
            } else {
                (
                    "handshake.no_response",
                    "The server closed the connection without answering the upgrade request."
                        .to_string(),
                    String::new(),
                )
            }
        }
        Exchange::Closed { partial } => (
            "handshake.invalid_response",
            "The server closed the connection in the middle of its response.".to_string(),
            handshake::show_bytes(partial),
        ),
        Exchange::Invalid { partial, reason } => (
            "handshake.invalid_response",
            format!("The answer is not a valid HTTP response: {reason}."),
            handshake::show_bytes(partial),
        ),
        // With TLS 1.3 a server's refusal of the client (no client certificate, say) arrives as an
        // alert after the client thinks the handshake is done, on the first read.
        Exchange::Broken { error } if error.contains("CertificateRequired") => (
            "tls.client_cert_required",
            format!(
                "The server requires a client certificate (mutual TLS) and ended the connection: {error}."
            ),
            String::new(),
        ),
        Exchange::Broken { error } if error.contains("alert") => (
            "tls.handshake_failed",
            format!("The server ended TLS with an alert after the handshake: {error}."),
            String::new(),
        ),
        Exchange::Broken { error } if error.to_ascii_lowercase().contains("reset") => (
            "tcp.reset",
            format!("The connection was reset as soon as the upgrade request was sent: {error}."),
            String::new(),
        ),
        Exchange::Broken { error } => (
            "handshake.no_response",
            format!("The connection broke while sending the upgrade request: {error}."),
            String::new(),
        ),
        Exchange::Answered { .. } => unreachable!("an answered exchange is not a failure"),
    }
}
