//! Reaching a server, once for the whole engine: the target URL ([`target`]), name resolution and TCP
//! ([`dial`]), HTTP CONNECT proxies ([`proxy`]), the TLS client ([`tls_client`]) and a whole route through
//! them ([`route`]). The check records each step as its own checklist item; the follow-up probes and the
//! console take the whole route. Every step here has a deadline given by its caller.

use tokio::io::{AsyncRead, AsyncWrite};

pub(crate) mod dial;
pub(crate) mod proxy;
pub(crate) mod route;
pub(crate) mod system_proxy;
pub use system_proxy::{prefetch as prefetch_desktop_proxy, reread as reread_desktop_proxy};
pub mod target;
pub(crate) mod tls_client;

pub(crate) use dial::MAX_ADDRESSES;
pub use dial::Pinned;
pub(crate) use route::Route;
pub use target::{Target, parse_target};

/// Any byte stream a probe can speak over (TCP, TLS over TCP, a proxy tunnel).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + Sync {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Sync> Io for T {}
pub(crate) type Stream = Box<dyn Io>;
