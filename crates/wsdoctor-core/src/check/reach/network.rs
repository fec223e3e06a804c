//! Reaching the server: DNS (of the proxy, when there is one), TCP to each address in turn, and the
//! proxy's CONNECT tunnel. Each records its item; a failure names its cause and skips what depends on it.

use tokio::net::TcpStream;

use crate::check::{CheckOptions, items, skip_after};
use crate::net::Target;
use crate::net::dial::{self, TcpFailure};
use crate::net::proxy::{self, Proxy, TunnelError};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence};

/// Records DNS, TCP and (with a proxy) the tunnel; the connected stream, or `None` when one failed.
pub(in crate::check) async fn record(
    rec: &mut Recorder,
    options: &CheckOptions,
    target: &Target,
    proxy: &Option<Proxy>,
) -> Option<TcpStream> {
    // A desktop whose proxy is picked by a PAC file: this check goes direct, browsers may not.
    if proxy.is_none()
        && options.use_env_proxy
        && let crate::net::system_proxy::Desktop::Auto { pac_url } =
            crate::net::system_proxy::gnome(&target.host, target.secure)
    {
        rec.diagnose(
            "proxy.pac_not_evaluated",
            vec![Evidence::new(
                "GNOME proxy settings",
                format!("mode 'auto', autoconfig-url '{pac_url}'"),
            )],
        );
    }
    // DNS (of the proxy, when there is one: the proxy resolves the target)
    let (dial_host, dial_port) = proxy
        .as_ref()
        .map(|p| (p.host.clone(), p.port))
        .unwrap_or((target.host.clone(), target.port));
    let step = rec.begin(&items::DNS);
    let pinned = options
        .resolve
        .iter()
        .any(|p| p.port == dial_port && p.host.eq_ignore_ascii_case(&dial_host));
    let addrs = match dial::resolve_for(
        &dial_host,
        dial_port,
        &options.resolve,
        options.connect_timeout,
    )
    .await
    {
        Ok(addrs) => addrs,
        Err(error) => {
            rec.diagnose(
                "dns.unresolved",
                vec![Evidence::new("Lookup", error.clone())],
            );
            rec.finish(step, CheckStatus::Fail, error);
            skip_after(rec, items::DNS, "the host name does not resolve");
            return None;
        }
    };
    let list = addrs
        .iter()
        .map(|a| a.ip().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    rec.finish(
        step,
        CheckStatus::Pass,
        if pinned {
            format!("{dial_host} is taken as {list} (--resolve; DNS not asked).")
        } else {
            format!("{dial_host} resolves to {list}.")
        },
    );

    // TCP
    let mut step = rec.begin(&items::TCP);
    let (connected, attempts) = dial::connect_any(&addrs, options.connect_timeout).await;
    let attempt_lines = attempts
        .iter()
        .map(|a| match &a.result {
            Ok(ms) => format!("{}: connected in {ms} ms", a.addr),
            Err((_, error)) => format!("{}: {error}", a.addr),
        })
        .collect::<Vec<_>>()
        .join("\n");
    step.evidence
        .push(Evidence::new("Addresses tried", attempt_lines.clone()));
    let Some((tcp, addr)) = connected else {
        let failure = attempts
            .iter()
            .filter_map(|a| a.result.as_ref().err().map(|(kind, _)| *kind))
            .min_by_key(|kind| match kind {
                TcpFailure::Refused => 0,
                TcpFailure::Reset => 1,
                TcpFailure::Timeout => 2,
                TcpFailure::Other => 3,
            })
            .unwrap_or(TcpFailure::Other);
        let because = match failure {
            TcpFailure::Refused => format!("nothing is listening on {dial_host}:{dial_port}"),
            TcpFailure::Timeout => format!("{dial_host}:{dial_port} does not answer"),
            _ => format!("the connection to {dial_host}:{dial_port} was reset"),
        };
        rec.diagnose(
            failure.code(),
            vec![Evidence::new("Addresses tried", attempt_lines)],
        );
        // Refused on this machine: a server bound to another of its addresses (loopback) is the cause.
        if failure == TcpFailure::Refused
            && proxy.is_none()
            && let Some(why) = crate::inspect::loopback_elsewhere(&addrs)
        {
            rec.diagnose(
                "port.loopback_only",
                vec![Evidence::new("Live listeners", why)],
            );
        }
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("Cannot connect: {because}."),
        );
        skip_after(rec, items::TCP, &because);
        return None;
    };
    let tcp_ms = step_elapsed(&attempts);
    partial_addresses(rec, options, &dial_host, &addrs, &attempts, addr).await;
    rec.finish(
        step,
        CheckStatus::Pass,
        format!("Connected to {addr} in {tcp_ms} ms."),
    );

    // Proxy tunnel
    let tcp = match &proxy {
        None => tcp,
        Some(proxy) => {
            let mut step = rec.begin(&items::PROXY);
            match proxy::connect_tunnel(
                tcp,
                proxy,
                &target.host,
                target.port,
                options.handshake_timeout,
            )
            .await
            {
                Ok((tunnel, status_line)) => {
                    step.evidence.push(Evidence::new(
                        "CONNECT",
                        format!("CONNECT {}:{} → {status_line}", target.host, target.port),
                    ));
                    rec.diagnose(
                        "proxy.used",
                        vec![Evidence::new(
                            "Proxy",
                            format!("{} (from {})", proxy.shown, proxy.source),
                        )],
                    );
                    rec.finish(
                        step,
                        CheckStatus::Info,
                        format!("Tunnelled through {} (from {}).", proxy.shown, proxy.source),
                    );
                    tunnel
                }
                Err(error) => {
                    let (code, evidence) = refusal_cause(&error, proxy, target);
                    rec.diagnose(code, evidence);
                    rec.finish(
                        step,
                        CheckStatus::Fail,
                        format!("The proxy {} refused the tunnel: {error}.", proxy.shown),
                    );
                    skip_after(rec, items::PROXY, "the proxy did not open a tunnel");
                    return None;
                }
            }
        }
    };
    Some(tcp)
}

fn step_elapsed(attempts: &[dial::Attempt]) -> u32 {
    attempts
        .iter()
        .filter_map(|a| a.result.as_ref().ok().copied())
        .next()
        .unwrap_or(0)
}

/// The cause of a tunnel that did not open: the proxy's status says whether it wants credentials (407),
/// refuses this destination (403), or could not reach it.
fn refusal_cause(
    error: &TunnelError,
    proxy: &Proxy,
    target: &Target,
) -> (&'static str, Vec<Evidence>) {
    let TunnelError::Refused(refusal) = error else {
        return (
            "proxy.connect_failed",
            vec![Evidence::new("CONNECT", error.to_string())],
        );
    };
    let mut evidence = vec![Evidence::new(
        "CONNECT",
        format!(
            "CONNECT {}:{} → {}",
            target.host, target.port, refusal.status_line
        ),
    )];
    if let Some(says) = &refusal.proxy_says {
        evidence.push(Evidence::new("The proxy says", says.clone()));
    }
    evidence.push(Evidence::new(
        "Proxy",
        format!("{} (from {})", proxy.shown, proxy.source),
    ));
    match refusal.status {
        407 => {
            evidence.push(Evidence::new(
                "Proxy-Authenticate",
                if refusal.challenges.is_empty() {
                    "(no challenge sent)".to_string()
                } else {
                    refusal.challenges.join("\n")
                },
            ));
            evidence.push(Evidence::new(
                "Credentials",
                if refusal.sent_credentials {
                    "sent (Basic, from the proxy URL or the profile's proxy credentials) and refused"
                } else {
                    "none sent: give them in the proxy URL or the profile's proxy credentials"
                },
            ));
            ("proxy.auth_required", evidence)
        }
        403 | 405 => {
            if target.port != 443 {
                evidence.push(Evidence::new(
                    "Port",
                    format!(
                        "{} is not 443: proxies commonly allow CONNECT to 443 only (squid's `http_access deny CONNECT !SSL_ports`); wss:// on 443 passes",
                        target.port
                    ),
                ));
            }
            ("proxy.connect_denied", evidence)
        }
        _ => ("proxy.connect_failed", evidence),
    }
}

/// A name with several addresses of which some do not answer: browsers try the next (Happy Eyeballs),
/// Node 17+ and many other clients only the first. Every address is tried once, the one connected to
/// aside.
async fn partial_addresses(
    rec: &mut Recorder,
    options: &CheckOptions,
    host: &str,
    addrs: &[std::net::SocketAddr],
    attempts: &[dial::Attempt],
    connected: std::net::SocketAddr,
) {
    if addrs.len() < 2 {
        return;
    }
    let untried: Vec<std::net::SocketAddr> = addrs
        .iter()
        .take(dial::MAX_ADDRESSES)
        .filter(|a| !attempts.iter().any(|t| t.addr == **a))
        .copied()
        .collect();
    let later = dial::try_each(&untried, options.connect_timeout).await;
    let all: Vec<&dial::Attempt> = attempts.iter().chain(later.iter()).collect();
    let failed: Vec<String> = all
        .iter()
        .filter_map(|a| {
            a.result
                .as_ref()
                .err()
                .map(|(_, e)| format!("{}: {e}", a.addr))
        })
        .collect();
    if failed.is_empty() {
        return;
    }
    let answered: Vec<String> = all
        .iter()
        .filter(|a| a.result.is_ok())
        .map(|a| a.addr.to_string())
        .collect();
    let first = addrs[0];
    let mut evidence = vec![
        Evidence::new("Answered", answered.join(", ")),
        Evidence::new("Did not answer", failed.join("\n")),
    ];
    evidence.push(Evidence::new(
        "Which clients fail",
        if first == connected {
            format!(
                "{host}'s first address {first} answers, so clients that use only the first connect; a client handed another address (round-robin DNS, an IPv6-first resolver) does not"
            )
        } else {
            format!(
                "browsers try the next address and reach {connected}; Node 17+ (ws, socket.io-client, fetch) and many other clients try only the first, {first}, and fail"
            )
        },
    ));
    rec.diagnose("tcp.partial_addresses", evidence);
}
