//! The port: who listens on it, on which addresses, and whether that is the expected server.

use std::net::IpAddr;

use super::proc_table::{self, ProcInfo};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

/// Whether a host name or address means this machine's loopback.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a refused connection to `refused` (the target's addresses, all of one port) is a server on this
/// machine bound to loopback elsewhere, if it is: every target address is this machine's own (a socket
/// can be bound to it), none is listened on, and the port's listeners are all on loopback addresses. A
/// server on 127.0.0.1 refuses 127.0.0.2, the LAN address and a container bridge alike.
pub(crate) fn loopback_elsewhere(refused: &[std::net::SocketAddr]) -> Option<String> {
    let port = refused.first()?.port();
    let local = |ip: IpAddr| std::net::UdpSocket::bind((ip, 0)).is_ok();
    if !refused.iter().all(|a| local(a.ip())) {
        return None;
    }
    let listening = super::proc_table::listeners(Some(port));
    let bound_elsewhere = !listening.is_empty()
        && listening
            .iter()
            .all(|l| l.addr.ip().is_loopback() && !refused.iter().any(|a| a.ip() == l.addr.ip()));
    bound_elsewhere.then(|| {
        let on: Vec<String> = listening.iter().map(|l| l.addr.to_string()).collect();
        let tried: Vec<String> = refused.iter().map(|a| a.ip().to_string()).collect();
        format!(
            "port {port} is listened on at {} only; the target's {} is this machine's too, and nothing listens there",
            on.join(", "),
            tried.join(", ")
        )
    })
}

/// Checks `port`. `expected` are the processes `--process` matched (if given); `target_host` is the host
/// the clients use.
pub(crate) fn check(
    rec: &mut Recorder,
    port: u16,
    expected: Option<&[ProcInfo]>,
    target_host: Option<&str>,
) {
    let mut step = rec.start("port", Section::ServerHealth, "Listening port");
    let listening = proc_table::listeners(Some(port));
    if listening.is_empty() {
        rec.diagnose(
            "port.not_listening",
            vec![Evidence::new(
                "Port",
                format!("no TCP socket listens on port {port} on this machine"),
            )],
        );
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("Nothing listens on port {port}."),
        );
        return;
    }
    let owners = proc_table::socket_owners(&listening.iter().map(|l| l.inode).collect::<Vec<_>>());
    let lines: Vec<String> = listening
        .iter()
        .map(|l| match owners.by_inode.get(&l.inode) {
            Some((pid, name)) => format!("{} held by {name} (PID {pid})", l.addr),
            None => format!("{} held by a process that could not be inspected", l.addr),
        })
        .collect();
    step.evidence
        .push(Evidence::new("Listeners", lines.join("\n")));
    let hidden: Vec<String> = owners
        .unreadable
        .iter()
        .filter(|(_, name)| !name.is_empty())
        .take(20)
        .map(|(pid, name)| format!("{name} (PID {pid})"))
        .collect();
    let unknown_owner = listening
        .iter()
        .any(|l| !owners.by_inode.contains_key(&l.inode));
    if unknown_owner && !hidden.is_empty() {
        step.evidence.push(Evidence::new(
            "Could not inspect (permission denied; run as root to see their sockets)",
            hidden.join("\n"),
        ));
    }

    let holders: Vec<(i32, String)> = listening
        .iter()
        .filter_map(|l| owners.by_inode.get(&l.inode).cloned())
        .collect();
    if let Some(expected) = expected.filter(|e| !e.is_empty()) {
        let strangers: Vec<&(i32, String)> = holders
            .iter()
            .filter(|(pid, _)| !expected.iter().any(|p| p.pid == *pid))
            .collect();
        if !strangers.is_empty() {
            let who = strangers
                .iter()
                .map(|(pid, name)| format!("{name} (PID {pid})"))
                .collect::<Vec<_>>()
                .join(", ");
            rec.diagnose(
                "port.conflict",
                vec![Evidence::new("Listeners", lines.join("\n"))],
            );
            rec.finish(
                step,
                CheckStatus::Fail,
                format!("Port {port} is held by {who}, not by the expected process."),
            );
            return;
        }
    }
    let loopback_only = listening.iter().all(|l| l.addr.ip().is_loopback());
    if loopback_only && target_host.is_some_and(|h| !is_loopback_host(h)) {
        let host = target_host.unwrap_or_default();
        rec.diagnose(
            "port.loopback_only",
            vec![Evidence::new(
                "Listeners",
                format!("{}\nclients use the host `{host}`", lines.join("\n")),
            )],
        );
        rec.finish(
            step,
            CheckStatus::Warn,
            format!("Port {port} listens on loopback only, but clients use `{host}`."),
        );
        return;
    }
    rec.finish(
        step,
        CheckStatus::Pass,
        format!("Port {port}: {}.", lines.join("; ")),
    );
}
