//! The lab's Socket.IO endpoints, served by a real Socket.IO server (`socketioxide`) rather than by code
//! of WS Doctor's: a new user tries the Socket.IO checks on a healthy server and on the failures one server
//! can show (a middleware that refuses, a namespace that does not exist, polling only, WebSocket only, an
//! old client), and the check's own client meets an implementation it shares nothing with.
//!
//! Each configuration is its own Socket.IO server at its own path; the lab's connection handler reads the
//! request head, sees one of these paths and hands the whole connection (the head replayed) to hyper.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use serde_json::Value;
use socketioxide::extract::{Data, SocketRef};
use socketioxide::handler::ConnectHandler;
use socketioxide::{SocketIo, TransportType};
use tokio::io::AsyncReadExt;

use super::endpoints::LAB_TOKEN;

/// The Engine.IO path of each configuration (the client's `path` option).
pub(crate) const HEALTHY: &str = "/socket.io";
pub(crate) const NEEDS_TOKEN: &str = "/sio-auth/socket.io";
pub(crate) const NO_MAIN_NAMESPACE: &str = "/sio-no-main/socket.io";
pub(crate) const POLLING_ONLY: &str = "/sio-polling-only/socket.io";
pub(crate) const WEBSOCKET_ONLY: &str = "/sio-websocket-only/socket.io";
const PATHS: [&str; 5] = [
    HEALTHY,
    NEEDS_TOKEN,
    NO_MAIN_NAMESPACE,
    POLLING_ONLY,
    WEBSOCKET_ONLY,
];

/// How often the lab's servers ping, so a short `--idle` sees the pings answered.
const PING_INTERVAL: Duration = Duration::from_secs(5);
/// The longest a client may keep one connection to the Socket.IO servers.
const CONNECTION_LIMIT: Duration = Duration::from_secs(600);

use super::LabIo;

type Serving = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Serves whole connections for the lab's Socket.IO servers.
#[derive(Clone)]
pub(crate) struct SocketIoLab {
    serve: Arc<dyn Fn(Box<dyn LabIo>) -> Serving + Send + Sync>,
}

impl SocketIoLab {
    /// Builds the servers (inside the lab's runtime).
    pub(crate) fn start() -> SocketIoLab {
        // One service a configuration; a request for none of their paths falls through to the next, and
        // past the last one is answered 404.
        let builder = |path: &'static str| {
            SocketIo::builder()
                .req_path(path)
                .ping_interval(PING_INTERVAL)
        };
        let (healthy, healthy_io) = builder(HEALTHY).build_svc();
        let (needs_token, needs_token_io) = builder(NEEDS_TOKEN).build_with_inner_svc(healthy);
        let (no_main, no_main_io) = builder(NO_MAIN_NAMESPACE).build_with_inner_svc(needs_token);
        let (polling_only, polling_only_io) = builder(POLLING_ONLY)
            .transports([TransportType::Polling])
            .build_with_inner_svc(no_main);
        let (service, websocket_only_io) = builder(WEBSOCKET_ONLY)
            .transports([TransportType::Websocket])
            .build_with_inner_svc(polling_only);

        for io in [&healthy_io, &polling_only_io, &websocket_only_io] {
            io.ns("/", echo);
        }
        needs_token_io.ns("/", echo.with(lab_token));
        // Only `/chat` exists: joining the main namespace is refused with "Invalid namespace".
        no_main_io.ns("/chat", echo);

        let serve = move |io: Box<dyn LabIo>| -> Serving {
            let service = service.clone();
            Box::pin(async move {
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(io), service)
                    .with_upgrades();
                if let Err(error) = tokio::time::timeout(CONNECTION_LIMIT, connection)
                    .await
                    .unwrap_or(Ok(()))
                {
                    tracing::debug!(%error, "lab Socket.IO connection ended");
                }
            })
        };
        SocketIoLab {
            serve: Arc::new(serve),
        }
    }

    /// Whether a request for `path` is one of these servers'.
    pub(crate) fn serves(path: &str) -> bool {
        PATHS.iter().any(|p| {
            path == *p
                || path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// Serves the rest of a connection whose request head (`head`, as read) was for one of these paths.
    pub(crate) async fn serve<S: LabIo>(&self, head: Vec<u8>, io: S) {
        let (read, write) = tokio::io::split(io);
        let replayed = tokio::io::join(std::io::Cursor::new(head).chain(read), write);
        (self.serve)(Box::new(replayed)).await;
    }
}

/// A namespace that sends every `message` event back.
async fn echo(socket: SocketRef) {
    socket.on("message", async |socket: SocketRef, Data::<Value>(data)| {
        let _ = socket.emit("message", &data);
    });
}

/// The middleware's refusal, as the client's `connect_error` shows it.
#[derive(Debug)]
struct NotAuthorized;

impl std::fmt::Display for NotAuthorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not authorized: connect with auth {{\"token\": \"{LAB_TOKEN}\"}}"
        )
    }
}

/// Lets in a client whose auth payload carries the lab's token.
async fn lab_token(Data(auth): Data<Value>) -> Result<(), NotAuthorized> {
    match auth.get("token").and_then(Value::as_str) {
        Some(LAB_TOKEN) => Ok(()),
        _ => Err(NotAuthorized),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_socketio_paths_are_served() {
        assert!(SocketIoLab::serves("/socket.io/"));
        assert!(SocketIoLab::serves("/sio-auth/socket.io/"));
        assert!(SocketIoLab::serves("/socket.io"));
        assert!(!SocketIoLab::serves("/socket.iox/"));
        assert!(!SocketIoLab::serves("/echo"));
    }
}
