//! The Socket.IO items, spoken as the official client does: the Engine.IO handshake over HTTP polling
//! (or over WebSocket, for a server that refuses polling), joining the namespace with a CONNECT, then the
//! upgrade to the WebSocket transport (`2probe` → `3probe`, `5`). Each step is an item with the exchange as
//! evidence; a refusal is named at Socket.IO's level (namespace, middleware, version, CORS, transport).

use std::time::Duration;

use futures_util::SinkExt;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::channel::{Channel, Framing};
use super::idle;
use super::socketio_join::{
    JoinError, affinity_rounds, finish_namespace, join_by_polling, join_over,
};
use super::socketio_session::{Ask, cors_problem, next_text, next_text_until, shown};
use crate::check::upgrade::follow_up::answer;
use crate::check::upgrade::handshake;
use crate::check::upgrade::refusal::{PLAIN_ASGI, RefusedBy, refused_by};
use crate::check::{CheckOptions, items};
use crate::framework::machine::Machine;
use crate::framework::socketio::SocketioClient;
use crate::framework::socketio::engine_io::{self, Open, OpenAnswer, Version};
use crate::net::{Route, Stream, Target};
use crate::report::{CheckStatus, Evidence, Recorder, Step};

/// How the session was opened, for the items after the handshake.
enum Opened {
    /// Over polling: the open packet, and the handshake's whole answer (an Engine.IO 3 server puts the
    /// main namespace's CONNECT in it).
    Polling(Open, String),
    /// The server refuses polling: everything goes over this WebSocket.
    WebSocketOnly(Box<WebSocketStream<Stream>>, Open),
}

/// Records the Socket.IO items over `first` (the connection the check reached and secured).
pub(in crate::check) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    target: &Target,
    route: &Route,
    first: Stream,
    why: &str,
) {
    let (path, namespace) = engine_io::endpoint(&target.url, options.socketio_path.as_deref());
    let host_header = target.host_header();
    let origin = options.browser_origin();
    let version = Version::of_url(&target.url);
    let ask = Ask {
        options,
        route,
        version,
        path: &path,
        host_header: &host_header,
        origin: origin.as_deref(),
        transcript: Default::default(),
        refusal: Default::default(),
    };

    // The Engine.IO handshake.
    let mut step = rec.begin(&items::SOCKETIO_OPEN);
    step.evidence.push(Evidence::new(
        "Protocol",
        format!(
            "Socket.IO over Engine.IO {} ({why}{})",
            version.number(),
            match version {
                Version::V3 => "; the URL asks for EIO=3, as Socket.IO 2 clients do",
                Version::V4 => "",
            }
        ),
    ));
    let websocket_only = target
        .url
        .query_pairs()
        .any(|(k, v)| k == "transport" && v == "websocket");
    let session = if websocket_only {
        // As the client does with `transports: ['websocket']`: no polling at all.
        drop(first);
        open_over_websocket(
            rec,
            step,
            &ask,
            "the URL asks for the WebSocket transport only",
            None,
        )
        .await
    } else {
        handshake_by_polling(rec, step, &ask, origin.as_deref(), first).await
    };
    let Some(session) = session else {
        crate::check::skip_after(rec, items::SOCKETIO_OPEN, "the Engine.IO handshake failed");
        return;
    };
    join_and_upgrade(rec, options, &ask, &namespace, session).await;
}

/// The Engine.IO handshake over HTTP polling, on the connection the check opened.
async fn handshake_by_polling(
    rec: &mut Recorder,
    mut step: Step,
    ask: &Ask<'_>,
    origin: Option<&str>,
    first: Stream,
) -> Option<Opened> {
    let (options, route) = (ask.options, ask.route);
    let request = ask.polling(None, None);
    step.evidence.push(Evidence::new(
        "Request",
        request.lines().next().unwrap_or(""),
    ));
    let answer = answer(
        handshake::exchange_bytes(first, request.as_bytes(), options.handshake_timeout).await,
    );
    match &answer {
        Ok(response) => {
            step.evidence
                .push(Evidence::new("Response", shown(response)));
            match engine_io::read_open(response.status, &response.body_text(), ask.version) {
                OpenAnswer::Open(open) => {
                    rec.redactor.remember(&open.sid, "Engine.IO session id");
                    if let Some(problem) = cors_problem(response, origin, route) {
                        rec.diagnose(
                            "socketio.cors_blocked",
                            vec![Evidence::new("CORS", problem.clone())],
                        );
                        rec.finish(step, CheckStatus::Fail, format!("The session opens, but a browser on that page cannot read it: {problem}."));
                    } else {
                        rec.finish(
                            step,
                            CheckStatus::Pass,
                            format!(
                                "Engine.IO session opened over polling (ping every {} s, upgrades: {}).",
                                open.ping_interval_ms / 1000,
                                if open.upgrades.is_empty() { "none".to_string() } else { open.upgrades.join(", ") }
                            ),
                        );
                    }
                    Some(Opened::Polling(open, response.body_text()))
                }
                OpenAnswer::Refused { code: 5, message }
                | OpenAnswer::Refused { code: 3, message }
                    if message.to_ascii_lowercase().contains("version") =>
                {
                    version_mismatch(
                        rec,
                        step,
                        &format!(
                            "the server refused Engine.IO {}: {message}",
                            ask.version.number()
                        ),
                    );
                    None
                }
                OpenAnswer::Version3 => {
                    version_mismatch(
                        rec,
                        step,
                        "the server answered in Engine.IO 3 (a Socket.IO 2 server)",
                    );
                    None
                }
                // Polling is not allowed here (`transports: ['websocket']`): Node's engine.io says
                // "Transport unknown" (0), engineioxide "Bad request" (3). The open packet may come over
                // the WebSocket transport instead.
                OpenAnswer::Refused { code, message } if code == 0 || code == 3 => {
                    open_over_websocket(
                        rec,
                        step,
                        ask,
                        "the server refuses polling: clients must use `transports: ['websocket']`",
                        Some(&format!("polling was refused: {message} (code {code})")),
                    )
                    .await
                }
                OpenAnswer::Refused { code, message } => {
                    no_server(
                        rec,
                        step,
                        &format!("Engine.IO refused the handshake: {message} (code {code})"),
                    );
                    None
                }
                OpenAnswer::NotEngineIo => {
                    no_server(
                        rec,
                        step,
                        &format!(
                            "HTTP {} {} is not an Engine.IO open packet",
                            response.status, response.reason
                        ),
                    );
                    None
                }
            }
        }
        Err(error) => {
            no_server(rec, step, error);
            None
        }
    }
}

/// Joins the namespace, then (after a polling handshake) upgrades to the WebSocket transport.
async fn join_and_upgrade(
    rec: &mut Recorder,
    options: &CheckOptions,
    ask: &Ask<'_>,
    namespace: &str,
    session: Opened,
) {
    // The namespace.
    let step = rec.begin(&items::SOCKETIO_NAMESPACE);
    let auth = options.auth.as_ref().map(|a| a.expose().as_str());
    let connect = engine_io::connect_packet(namespace, auth, ask.version);
    // The evidence shows the packet without the payload: it is a secret.
    let shown_connect = match (&connect, auth) {
        (None, _) => "none: an Engine.IO 3 server joins the main namespace itself".to_string(),
        (Some(_), Some(_)) => format!(
            "{} + the auth payload",
            engine_io::connect_packet(namespace, None, ask.version).unwrap_or_default()
        ),
        (Some(connect), None) => connect.clone(),
    };
    let connect = connect.as_deref();
    match session {
        Opened::Polling(open, opened) => {
            let joined = match join_by_polling(ask, &open.sid, &opened, connect, namespace).await {
                Ok(answer) => match affinity_rounds(ask, connect, namespace, 2).await {
                    None => Ok(answer),
                    Some(why) => Err(JoinError::SessionUnknown(why)),
                },
                Err(error) => Err(error),
            };
            finish_namespace(rec, step, ask, namespace, &shown_connect, joined);
            let step = rec.begin(&items::SOCKETIO_UPGRADE);
            let upgraded = upgrade(rec, step, ask, &open).await;
            hold_then_close(rec, ask, upgraded.map(|ws| (ws, open))).await;
        }
        Opened::WebSocketOnly(mut ws, open) => {
            let joined = join_over(
                &mut ws,
                ask.version,
                connect,
                namespace,
                options.handshake_timeout,
            )
            .await
            .map_err(JoinError::Other);
            finish_namespace(rec, step, ask, namespace, &shown_connect, joined);
            let step = rec.begin(&items::SOCKETIO_UPGRADE);
            rec.finish(
                step,
                CheckStatus::Info,
                "Not needed: the session runs over WebSocket from the start.",
            );
            hold_then_close(rec, ask, Some((*ws, open))).await;
        }
    }
}

/// The idle item (`--idle`) on the session's WebSocket transport, keeping it as the client does
/// (answering the server's pings; in Engine.IO 3, pinging every `pingInterval`), then the close.
async fn hold_then_close(
    rec: &mut Recorder,
    ask: &Ask<'_>,
    session: Option<(WebSocketStream<Stream>, Open)>,
) {
    let options = ask.options;
    let Some((ws, open)) = session else {
        if options.idle.is_some() {
            rec.skip_item(
                &items::IDLE,
                "the session has no WebSocket transport to hold",
            );
        }
        return;
    };
    let mut channel = Channel::new(ws, Framing::Plain);
    if let Some(idle) = options.idle {
        let terms = super::terms(options, "/");
        let client =
            SocketioClient::resumed(&terms, open.ping_interval_ms, std::time::Instant::now());
        let kept = match ask.version {
            Version::V4 => "answers to Engine.IO pings",
            Version::V3 => "Engine.IO 3 pings",
        };
        let mut machine = Machine::Socketio(client);
        let held = idle::hold(&mut channel, &mut machine, idle, options.reply_timeout).await;
        idle::record(rec, idle, &held, kept);
    }
    channel.close(options.close_timeout).await;
}

fn no_server(rec: &mut Recorder, step: crate::report::Step, why: &str) {
    rec.diagnose("socketio.no_server", vec![Evidence::new("Handshake", why)]);
    rec.finish(
        step,
        CheckStatus::Fail,
        format!("No Socket.IO session: {why}."),
    );
}

fn version_mismatch(rec: &mut Recorder, step: crate::report::Step, why: &str) {
    rec.diagnose(
        "socketio.version_mismatch",
        vec![Evidence::new("Handshake", why)],
    );
    rec.finish(
        step,
        CheckStatus::Fail,
        format!("Engine.IO versions differ: {why}."),
    );
}

/// The upgrade from polling to the WebSocket transport, as the client tries it. Returns the upgraded
/// transport, for the idle item.
async fn upgrade(
    rec: &mut Recorder,
    mut step: crate::report::Step,
    ask: &Ask<'_>,
    open: &Open,
) -> Option<WebSocketStream<Stream>> {
    if !open.upgrades.iter().any(|u| u == "websocket") {
        let why = "the handshake offers no WebSocket upgrade (`upgrades: []`): the server allows polling only";
        rec.diagnose(
            "socketio.transport_blocked",
            vec![Evidence::new("Upgrades", why)],
        );
        rec.finish(
            step,
            CheckStatus::Warn,
            format!("Clients stay on long-polling: {why}."),
        );
        return None;
    }
    let wait = ask.options.reply_timeout.max(Duration::from_secs(1));
    let probed = async {
        let (mut ws, _) = ask.websocket(Some(&open.sid)).await?;
        tokio::time::timeout(wait, ws.send(Message::text("2probe")))
            .await
            .map_err(|_| "the probe could not be sent in time".to_string())?
            .map_err(|e| e.to_string())?;
        let deadline = tokio::time::Instant::now() + wait;
        let reply = next_text_until(&mut ws, ask.version, deadline).await;
        ask.note(format!(
            "sent `2probe`, got {}",
            reply.as_deref().map_or("nothing".to_string(), |r| format!(
                "`{}`",
                crate::report::capped(r, 100)
            ))
        ));
        if reply.as_deref() != Some("3probe") {
            return Err(format!(
                "the probe was answered {}",
                reply.map_or("with nothing".to_string(), |r| format!(
                    "`{}`",
                    crate::report::capped(&r, 100)
                ))
            ));
        }
        tokio::time::timeout(wait, ws.send(Message::text("5")))
            .await
            .map_err(|_| "the upgrade packet could not be sent in time".to_string())?
            .map_err(|e| e.to_string())?;
        ask.note("sent `5` (upgrade): polling ends, the session goes on over WebSocket".into());
        Ok::<_, String>(ws)
    };
    let probed = probed.await;
    if let Some(exchanges) = ask.take_transcript() {
        step.evidence.push(Evidence::new("Exchanges", exchanges));
    }
    match probed {
        Ok(ws) => {
            rec.finish(
                step,
                CheckStatus::Pass,
                "Upgraded to WebSocket (`2probe` answered `3probe`).",
            );
            Some(ws)
        }
        Err(error) => {
            step.evidence.push(Evidence::new("Upgrade", error.clone()));
            name_refuser(rec, ask, &error);
            rec.diagnose(
                "socketio.transport_blocked",
                vec![Evidence::new("Upgrade", error.clone())],
            );
            rec.finish(
                step,
                CheckStatus::Warn,
                format!("Clients stay on long-polling: {error}."),
            );
            None
        }
    }
}

/// The Engine.IO handshake over the WebSocket transport: the open packet is the first message.
async fn open_over_websocket(
    rec: &mut Recorder,
    mut step: Step,
    ask: &Ask<'_>,
    why: &str,
    polling_refused: Option<&str>,
) -> Option<Opened> {
    // A failure here is said with the polling refusal that led to it.
    let failed = |what: &str| match polling_refused {
        Some(refused) => format!("{refused}; over WebSocket, {what}"),
        None => what.to_string(),
    };
    let opened = ask.websocket(None).await;
    if let Some(exchanges) = ask.take_transcript() {
        step.evidence.push(Evidence::new("Exchanges", exchanges));
    }
    match opened {
        Ok((mut ws, _)) => {
            match next_text(&mut ws, ask.version, ask.options.handshake_timeout).await {
                Some(text) => match engine_io::read_open(101, &text, ask.version) {
                    OpenAnswer::Open(open) => {
                        rec.redactor.remember(&open.sid, "Engine.IO session id");
                        step.evidence
                            .push(Evidence::new("Open packet (WebSocket)", text));
                        rec.finish(
                            step,
                            CheckStatus::Pass,
                            format!("Engine.IO session opened over WebSocket ({why})."),
                        );
                        Some(Opened::WebSocketOnly(Box::new(ws), open))
                    }
                    _ => {
                        let what = format!("the WebSocket transport sent {text}");
                        match polling_refused {
                            Some(_) => no_server(rec, step, &failed(&what)),
                            None => pinned_transport_failed(rec, step, ask, &what).await,
                        }
                        None
                    }
                },
                None => {
                    let what = "the WebSocket transport sent nothing";
                    match polling_refused {
                        Some(_) => no_server(rec, step, &failed(what)),
                        None => pinned_transport_failed(rec, step, ask, what).await,
                    }
                    None
                }
            }
        }
        Err(error) => {
            match polling_refused {
                Some(_) => no_server(rec, step, &failed(&error)),
                None => pinned_transport_failed(rec, step, ask, &error).await,
            }
            None
        }
    }
}

/// The WebSocket transport the URL pins (`transports: ['websocket']`) gave no session. The client stops
/// there; polling on the same path tells why: another Engine.IO version, a transport blocked on the way
/// (by a proxy, or a server without WebSocket support) while Socket.IO itself answers, or no Socket.IO.
async fn pinned_transport_failed(rec: &mut Recorder, mut step: Step, ask: &Ask<'_>, what: &str) {
    let polled = ask.send(None, None).await;
    if let Some(exchanges) = ask.take_transcript() {
        step.evidence.push(Evidence::new("Exchanges", exchanges));
    }
    let answer = polled
        .as_ref()
        .map(|r| engine_io::read_open(r.status, &r.body_text(), ask.version));
    match answer {
        Ok(OpenAnswer::Open(open)) => {
            rec.redactor.remember(&open.sid, "Engine.IO session id");
            name_refuser(rec, ask, what);
            let why = format!(
                "the URL pins the WebSocket transport (`transports: ['websocket']`), and {what}; polling on the same path opens a session (upgrades: {})",
                if open.upgrades.is_empty() {
                    "none".to_string()
                } else {
                    open.upgrades.join(", ")
                }
            );
            rec.diagnose(
                "socketio.transport_blocked",
                vec![Evidence::new("Transport", why.clone())],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("No session over the pinned WebSocket transport: {what}; Socket.IO answers over polling."),
            );
        }
        Ok(OpenAnswer::Refused {
            code: 5 | 3,
            message,
        }) if message.to_ascii_lowercase().contains("version") => {
            let why = format!(
                "over WebSocket, {what}; polling says the server refuses Engine.IO {}: {message}",
                ask.version.number()
            );
            version_mismatch(rec, step, &why);
        }
        Ok(OpenAnswer::Version3) => version_mismatch(
            rec,
            step,
            &format!(
                "over WebSocket, {what}; polling answers in Engine.IO 3 (a Socket.IO 2 server)"
            ),
        ),
        Ok(_) | Err(_) => {
            let polling = match &polled {
                Ok(response) => format!("HTTP {} {}", response.status, response.reason),
                Err(error) => error.clone(),
            };
            no_server(rec, step, &format!("{what}; polling: {polling}"));
        }
    }
}

/// Names who refused the WebSocket transport when the refusal says: a server without WebSocket
/// support, or a proxy that passed the upgrade on as a plain request.
fn name_refuser(rec: &mut Recorder, ask: &Ask<'_>, what: &str) {
    let Some(refusal) = ask.take_refusal() else {
        return;
    };
    match refused_by(&refusal) {
        Some(RefusedBy::PlainAsgi) => rec.diagnose(
            "server.websocket_unsupported",
            vec![
                Evidence::new("Answered by", PLAIN_ASGI),
                Evidence::new("Upgrade", what),
            ],
        ),
        Some(RefusedBy::StrippingProxy(proxy)) => rec.diagnose(
            "proxy.upgrade_stripped",
            vec![
                Evidence::new("Answered through", proxy),
                Evidence::new("Upgrade", what),
            ],
        ),
        None => {}
    }
}
