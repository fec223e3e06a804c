//! The longest a check may take with its options: every step has its own deadline, and the live probes
//! as a whole are held to this.

use std::time::Duration;

use super::CheckOptions;
use super::session;
use crate::net::MAX_ADDRESSES;

/// The longest the live probes of a check can take, from its options (documented in
/// `docs/architecture.md`), with C the connect timeout, H the handshake timeout, A = 4 addresses:
/// `(1 + A)·C + 3·H` to reach the server and upgrade (DNS, TCP, proxy, TLS, upgrade), plus
/// `2·((2 + A)·C + 2·H)` for at most two rounds of follow-up requests, plus the reply wait, the size
/// probe's wait, the idle probe and the close timeout, plus 1 s. The run stops its probes there whatever a
/// server does, and says which items it could not finish.
pub fn time_budget(options: &CheckOptions) -> Duration {
    let c = options.connect_timeout;
    let h = options.handshake_timeout;
    let a = MAX_ADDRESSES as u32;
    let reach = c * (1 + a) + h * 3;
    let follow_ups = (c * (2 + a) + h * 2) * 2;
    let size = options
        .probe_size
        .map(|size| session::size_probe_wait(size, options.reply_timeout))
        .unwrap_or_default();
    // A fresh connection (resolve, each address, TLS) and one exchange on it.
    let fresh = c * (1 + a) + h * 2;
    // The page, each redirect a fresh connection (`page_policy.rs`).
    let page = if options.page_url.is_some() {
        fresh * 6
    } else {
        Duration::ZERO
    };
    // The session once more the other way (`compression_retry.rs`), and the proxy asked who it is
    // (`front_door.rs`).
    let second_run = fresh + options.reply_timeout + options.close_timeout;
    let front_door = fresh;
    reach
        + page
        + second_run
        + front_door
        + follow_ups
        + options.reply_timeout
        + size
        + options.idle.unwrap_or_default()
        + options.close_timeout
        + Duration::from_secs(1)
}
