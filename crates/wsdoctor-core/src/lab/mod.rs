//! The built-in lab: a local WebSocket server with one healthy endpoint and many broken ones.
//!
//! A new user has no server to diagnose yet, and a tester needs known failures to learn what each finding
//! looks like; the lab gives both, on free ports of 127.0.0.1, with a `ws://` listener and a `wss://` one
//! whose certificate comes from a CA made at start (so nothing trusts it by default). The app starts it on
//! launch; `wsdoctor lab` runs it in the foreground; the tests use it as a real server.

mod endpoints;
mod respond;
mod socketio;
mod upgrade_request;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use endpoints::{
    DEFAULT_DROP_AFTER_SECS, LAB_SUBPROTOCOL, LAB_TOKEN, LabEndpoint, Outcome, SMALL_MAX_BYTES,
};

use crate::{Error, Result, tls};

/// A lab connection's stream, whatever the listener (plain TCP or TLS).
pub(crate) trait LabIo: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> LabIo for T {}

/// The `Server` header every lab response carries, so a report shows what answered.
pub(crate) const SERVER_HEADER: &str = concat!("wsdoctor-lab/", env!("CARGO_PKG_VERSION"));

/// How long a TLS handshake with the lab may take.
const TLS_ACCEPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the lab listens. Port 0 picks a free port.
#[derive(Debug, Clone, Copy)]
pub struct LabConfig {
    pub bind: IpAddr,
    pub port: u16,
    pub tls_port: u16,
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls_port: 0,
        }
    }
}

/// A running lab. Dropping it stops the listeners; [`Lab::shutdown`] also waits for open connections.
pub struct Lab {
    addr: SocketAddr,
    tls_addr: SocketAddr,
    ca_pem: String,
    stop: CancellationToken,
    tasks: TaskTracker,
}

/// What a connection handler needs to know about the listener it came from.
pub(crate) struct ListenerInfo {
    /// Origins `/origin` accepts: this listener's own, by IP and by `localhost`.
    pub own_origins: Vec<String>,
    /// The Socket.IO servers, which take over the connections for their paths.
    pub socketio: socketio::SocketIoLab,
}

impl Lab {
    /// Binds both listeners and starts serving. Must be called inside a tokio runtime.
    pub async fn start(config: LabConfig) -> Result<Lab> {
        let certificate = tls::lab_certificate()?;
        let plain = bind(config.bind, config.port).await?;
        let secure = bind(config.bind, config.tls_port).await?;
        let addr = local_addr(&plain)?;
        let tls_addr = local_addr(&secure)?;

        let stop = CancellationToken::new();
        let tasks = TaskTracker::new();
        let socketio = socketio::SocketIoLab::start();
        let acceptor = TlsAcceptor::from(certificate.server_config.clone());
        tasks.spawn(accept_loop(
            plain,
            None,
            listener_info("http", addr, socketio.clone()),
            stop.clone(),
            tasks.clone(),
        ));
        tasks.spawn(accept_loop(
            secure,
            Some(acceptor),
            listener_info("https", tls_addr, socketio),
            stop.clone(),
            tasks.clone(),
        ));
        tracing::info!(%addr, %tls_addr, "lab started");
        Ok(Lab {
            addr,
            tls_addr,
            ca_pem: certificate.ca_pem,
            stop,
            tasks,
        })
    }

    /// The `ws://` listener's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `wss://` listener's address.
    pub fn tls_addr(&self) -> SocketAddr {
        self.tls_addr
    }

    /// The PEM of the CA that signed the `wss://` listener's certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// `ws://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.addr)
    }

    /// `wss://ADDR` + `path`.
    pub fn tls_url(&self, path: &str) -> String {
        format!("wss://{}{path}", self.tls_addr)
    }

    /// Every endpoint with its full URL, the healthy echo first, the TLS echo last.
    pub fn endpoints(&self) -> Vec<LabEndpoint> {
        let mut list: Vec<LabEndpoint> = endpoints::SPECS
            .iter()
            .map(|spec| LabEndpoint {
                id: spec.id.to_string(),
                url: self.url(spec.path),
                title: spec.title.to_string(),
                description: spec
                    .description
                    .replace("PORT", &self.addr.port().to_string()),
                outcome: spec.outcome,
                observe_secs: spec.observe_secs,
            })
            .collect();
        list.push(LabEndpoint {
            id: "tls-echo".into(),
            url: self.tls_url("/echo"),
            title: "Echo over untrusted TLS".into(),
            description: "The healthy echo behind TLS with a certificate from a CA made at start: \
                          untrusted unless the client is given the lab's CA or told to skip verification."
                .into(),
            outcome: Outcome::Conditional,
            observe_secs: 0,
        });
        list
    }

    /// Stops accepting, ends open connections and waits for every task to finish.
    pub async fn shutdown(&self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        tracing::info!(addr = %self.addr, "lab stopped");
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind((ip, port))
        .await
        .map_err(|e| Error::io(format!("the lab cannot listen on {ip}:{port}"), e))
}

fn local_addr(listener: &TcpListener) -> Result<SocketAddr> {
    listener
        .local_addr()
        .map_err(|e| Error::io("the lab's listener has no address", e))
}

fn listener_info(
    scheme: &str,
    addr: SocketAddr,
    socketio: socketio::SocketIoLab,
) -> Arc<ListenerInfo> {
    Arc::new(ListenerInfo {
        own_origins: vec![
            format!("{scheme}://{addr}"),
            format!("{scheme}://localhost:{}", addr.port()),
        ],
        socketio,
    })
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    info: Arc<ListenerInfo>,
    stop: CancellationToken,
    tasks: TaskTracker,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((tcp, peer)) => {
                tracing::debug!(%peer, tls = tls.is_some(), "lab connection");
                let conn = connection(tcp, tls.clone(), info.clone());
                let stop = stop.clone();
                tasks.spawn(async move {
                    tokio::select! {
                        _ = stop.cancelled() => {}
                        _ = conn => {}
                    }
                });
            }
            Err(error) => {
                // Out of file descriptors and similar: back off instead of spinning.
                tracing::warn!(%error, "lab accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection(tcp: TcpStream, tls: Option<TlsAcceptor>, info: Arc<ListenerInfo>) {
    let _ = tcp.set_nodelay(true);
    match tls {
        None => respond::serve(tcp, &info).await,
        Some(acceptor) => {
            match tokio::time::timeout(TLS_ACCEPT_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => respond::serve(stream, &info).await,
                Ok(Err(error)) => tracing::debug!(%error, "lab TLS handshake failed"),
                Err(_) => tracing::debug!("lab TLS handshake timed out"),
            }
        }
    }
}
