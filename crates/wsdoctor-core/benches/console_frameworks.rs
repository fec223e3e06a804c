//! `cargo bench -p wsdoctor-core --bench console_frameworks`: how fast a Socket.IO console session decodes
//! a flood. A real Node `socket.io` server emits 200,000 `tick` events as fast as it can; the session (on a
//! single-threaded runtime: one core) receives, decodes and records each as an event with its arguments.
//! Node's own `socket.io-client` receives the same flood from the same server, side by side. Prints events
//! a second for both (target: ours >= 100,000/s; both are bound by how fast the server emits), the
//! session's own CPU time per event (what one core could decode), and the memory the log holds.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::real_servers::node;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::console::{Action, ConsoleSession};
use wsdoctor_core::framework::Protocol;

const EVENTS: usize = 200_000;
const RUNS: usize = 3;

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The CPU time this thread has run (the session's whole runtime is this one thread).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// One flood into a console session: events a second, the CPU time one event took, and the bytes its
/// log holds.
async fn ours(url: &str) -> (f64, Duration, u64) {
    let session = ConsoleSession::start(support::console_config(CheckOptions {
        protocol: Protocol::Socketio,
        ..support::options(url)
    }))
    .expect("the session starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !session.status().joined {
        assert!(Instant::now() < deadline, "the session did not join");
        let _ = tokio::time::timeout(Duration::from_millis(20), session.changed()).await;
    }
    let started = Instant::now();
    let cpu = thread_cpu();
    session
        .act(Action::Emit {
            event: "flood".into(),
            args: EVENTS.to_string(),
            ack: false,
        })
        .unwrap();
    // Watch only the newest entry while the flood runs (a reader copying every entry would share the
    // session's one core); count the events afterwards. The end is seen within the 10 ms of a look.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let last = session.status().last_seq;
        let newest = session.entries_after(last.saturating_sub(1), 1);
        if newest
            .iter()
            .any(|e| e.decoded.as_ref().and_then(|d| d.name.as_deref()) == Some("flood-done"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "no flood-done within 120 s");
        // Looked at every 10 ms, as a view refreshes: waking on every entry would cost the session's core.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = thread_cpu().saturating_sub(cpu);
    let events = session
        .entries_after(0, usize::MAX)
        .iter()
        .filter(|e| e.decoded.as_ref().and_then(|d| d.name.as_deref()) == Some("tick"))
        .count();
    assert_eq!(events, EVENTS, "every event decoded");
    let held = session.status().held_bytes;
    session.stop();
    (events as f64 / elapsed, cpu / EVENTS as u32, held)
}

/// The same flood into Node's socket.io-client.
fn theirs(url: &str) -> f64 {
    let output = std::process::Command::new("node")
        .arg(support::real_servers::repo().join("tests/servers/socketio_flood_client.mjs"))
        .arg(url)
        .arg(EVENTS.to_string())
        .output()
        .expect("node runs (make deps)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON line");
    let events = result["events"].as_f64().unwrap_or(0.0);
    assert_eq!(events as usize, EVENTS, "the client counted every event");
    events / (result["ms"].as_f64().unwrap_or(f64::MAX) / 1000.0)
}

fn main() {
    let server = node("socketio");
    let url = format!("http://127.0.0.1:{}/", server.port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut ours_rates, mut theirs_rates, mut costs) = (Vec::new(), Vec::new(), Vec::new());
    let mut held = 0;
    // A first flood of each warms the server's JIT; then they take turns, each first in every other run.
    runtime.block_on(ours(&url));
    theirs(&url);
    for run in 0..RUNS {
        if run % 2 == 1 {
            theirs_rates.push(theirs(&url));
        }
        let (rate, cost, bytes) = runtime.block_on(ours(&url));
        ours_rates.push(rate);
        costs.push(cost.as_secs_f64());
        held = bytes;
        if run % 2 == 0 {
            theirs_rates.push(theirs(&url));
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (ours, theirs, cost) = (
        median(&mut ours_rates),
        median(&mut theirs_rates),
        median(&mut costs),
    );
    println!(
        "Socket.IO flood, {EVENTS} events, median of {RUNS}: WS Doctor console {ours:.0} events/s (target >= 100000), Node socket.io-client {theirs:.0} events/s (both bound by the server's emitting)"
    );
    println!(
        "the session's own CPU per event: {:.2} us (one core decodes up to {:.0} events/s)",
        cost * 1e6,
        1.0 / cost
    );
    println!(
        "log held {:.1} MB for {EVENTS} decoded events ({:.0} B each); peak RSS {:.1} MB",
        held as f64 / 1048576.0,
        held as f64 / EVENTS as f64,
        vm_hwm_mb()
    );
}
