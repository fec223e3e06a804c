//! `cargo bench -p wsdoctor-core --bench console_frameworks`: how fast a Socket.IO console session decodes
//! a flood. A real Node `socket.io` server emits 200,000 `tick` events as fast as it can; the session (on a
//! single-threaded runtime: one core) receives, decodes and records each as an event with its arguments.
//! Node's own `socket.io-client` receives the same flood from the same server, side by side. Prints events
//! a second for both (target: ours >= 100,000/s) and the memory the session's log holds.

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

/// One flood into a console session: events a second, and the bytes its log holds.
async fn ours(url: &str) -> (f64, u64) {
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
    session
        .act(Action::Emit {
            event: "flood".into(),
            args: EVENTS.to_string(),
            ack: false,
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    let mut events = 0usize;
    loop {
        let entries = session.entries_after(seen, 100_000);
        if let Some(last) = entries.last() {
            seen = last.seq;
        }
        let mut done = false;
        for entry in &entries {
            match entry.decoded.as_ref().and_then(|d| d.name.as_deref()) {
                Some("tick") => events += 1,
                Some("flood-done") => done = true,
                _ => {}
            }
        }
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "no flood-done within 120 s");
        let _ = tokio::time::timeout(Duration::from_millis(20), session.changed()).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(events, EVENTS, "every event decoded");
    let held = session.status().held_bytes;
    session.stop();
    (events as f64 / elapsed, held)
}

/// The same flood into Node's socket.io-client.
fn theirs(url: &str) -> f64 {
    let output = std::process::Command::new("node")
        .arg(support::real_servers::repo().join("tests/servers/socketio_flood_client.mjs"))
        .arg(url)
        .arg(EVENTS.to_string())
        .output()
        .expect("node runs (make deps)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
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
    let (mut ours_rates, mut theirs_rates) = (Vec::new(), Vec::new());
    let mut held = 0;
    for _ in 0..RUNS {
        let (rate, bytes) = runtime.block_on(ours(&url));
        ours_rates.push(rate);
        held = bytes;
        theirs_rates.push(theirs(&url));
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (ours, theirs) = (median(&mut ours_rates), median(&mut theirs_rates));
    println!(
        "Socket.IO flood, {EVENTS} events, median of {RUNS}: WS Doctor console {ours:.0} events/s (target >= 100000), Node socket.io-client {theirs:.0} events/s"
    );
    println!(
        "log held {:.1} MB for {EVENTS} decoded events ({:.0} B each); peak RSS {:.1} MB",
        held as f64 / 1048576.0,
        held as f64 / EVENTS as f64,
        vm_hwm_mb()
    );
}
