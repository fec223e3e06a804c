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

/// A name's addresses given by the user instead of DNS, as curl's `--resolve HOST:PORT:ADDR[,ADDR]`:
/// to test one server behind a name, or a name as another network resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

impl Pinned {
    /// Reads `HOST:PORT:ADDR[,ADDR…]` (IPv6 addresses may be in brackets).
    pub fn parse(text: &str) -> Result<Pinned, String> {
        let usage = || format!("`{text}` is not HOST:PORT:ADDRESS[,ADDRESS…]");
        let mut parts = text.trim().splitn(3, ':');
        let (Some(host), Some(port), Some(addrs)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(usage());
        };
        let port: u16 = port.parse().map_err(|_| usage())?;
        let addrs = addrs
            .split(',')
            .map(|a| {
                let a = a.trim().trim_start_matches('[').trim_end_matches(']');
                a.parse::<IpAddr>()
                    .map_err(|_| format!("`{a}` in `{text}` is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if host.is_empty() || addrs.is_empty() {
            return Err(usage());
        }
        Ok(Pinned {
            host: host.to_ascii_lowercase(),
            port,
            addrs,
        })
    }
}

/// `host:port`'s addresses: the pinned ones when the user gave some, else DNS's.
pub(crate) async fn resolve_for(
    host: &str,
    port: u16,
    pinned: &[Pinned],
    timeout: Duration,
) -> Result<Vec<SocketAddr>, String> {
    match pinned
        .iter()
        .find(|p| p.port == port && p.host.eq_ignore_ascii_case(host))
    {
        Some(pin) => Ok(pin
            .addrs
            .iter()
            .map(|ip| SocketAddr::new(*ip, port))
            .collect()),
        None => resolve(host, port, timeout).await,
    }
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

/// Tries each of `addrs` at once (the first [`MAX_ADDRESSES`]), each within `timeout`, and closes what
/// connects: which of a name's addresses answer at all.
pub(crate) async fn try_each(addrs: &[SocketAddr], timeout: Duration) -> Vec<Attempt> {
    let tries = addrs.iter().take(MAX_ADDRESSES).map(|&addr| async move {
        let started = Instant::now();
        Attempt {
            addr,
            result: match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
                Ok(Ok(_)) => Ok(elapsed_ms(started)),
                Ok(Err(error)) => Err((failure_of(&error), error.to_string())),
                Err(_) => Err((
                    TcpFailure::Timeout,
                    format!("no answer within {} s", timeout.as_secs_f32()),
                )),
            },
        }
    });
    futures_util::future::join_all(tries).await
}

fn failure_of(error: &io::Error) -> TcpFailure {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => TcpFailure::Refused,
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => TcpFailure::Reset,
        io::ErrorKind::TimedOut => TcpFailure::Timeout,
        _ => TcpFailure::Other,
    }
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
            Ok(Err(error)) => attempts.push(Attempt {
                addr,
                result: Err((failure_of(&error), error.to_string())),
            }),
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
