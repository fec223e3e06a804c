//! Reaching an address: name resolution (an IP literal resolves to itself) and TCP to each address in turn,
//! every attempt within the connect timeout and reported, so a check can say which address failed and how.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

/// Addresses a connection tries, at most (a name may resolve to dozens).
pub(crate) const MAX_ADDRESSES: usize = 4;

/// Milliseconds since `since`, saturating.
pub(crate) fn elapsed_ms(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_millis()).unwrap_or(u32::MAX)
}

/// Resolves a host to every address it has (an IP literal resolves to itself).
pub(crate) async fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let mut list: Vec<SocketAddr> = Vec::new();
            for addr in addrs {
                if !list.contains(&addr) {
                    list.push(addr);
                }
            }
            if list.is_empty() {
                Err(format!("`{host}` has no address"))
            } else {
                Ok(list)
            }
        }
        Ok(Err(error)) => Err(format!("`{host}` does not resolve: {error}")),
        Err(_) => Err(format!(
            "resolving `{host}` took longer than {} s",
            timeout.as_secs_f32()
        )),
    }
}

/// How a TCP connection attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TcpFailure {
    Refused,
    Timeout,
    Reset,
    Other,
}

impl TcpFailure {
    pub fn code(self) -> &'static str {
        match self {
            TcpFailure::Refused => "tcp.refused",
            TcpFailure::Timeout => "tcp.timeout",
            TcpFailure::Reset | TcpFailure::Other => "tcp.reset",
        }
    }
}

/// One address tried, and what happened.
pub(crate) struct Attempt {
    pub addr: SocketAddr,
    pub result: Result<u32, (TcpFailure, String)>,
}

/// Connects to the first address that answers, trying them in order (the first [`MAX_ADDRESSES`]);
/// reports every attempt.
pub(crate) async fn connect_any(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> (Option<(TcpStream, SocketAddr)>, Vec<Attempt>) {
    let mut attempts = Vec::new();
    for &addr in addrs.iter().take(MAX_ADDRESSES) {
        let started = Instant::now();
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                attempts.push(Attempt {
                    addr,
                    result: Ok(elapsed_ms(started)),
                });
                return (Some((stream, addr)), attempts);
            }
            Ok(Err(error)) => {
                let kind = match error.kind() {
                    io::ErrorKind::ConnectionRefused => TcpFailure::Refused,
                    io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                        TcpFailure::Reset
                    }
                    io::ErrorKind::TimedOut => TcpFailure::Timeout,
                    _ => TcpFailure::Other,
                };
                attempts.push(Attempt {
                    addr,
                    result: Err((kind, error.to_string())),
                });
            }
            Err(_) => attempts.push(Attempt {
                addr,
                result: Err((
                    TcpFailure::Timeout,
                    format!("no answer within {} s", timeout.as_secs_f32()),
                )),
            }),
        }
    }
    (None, attempts)
}
