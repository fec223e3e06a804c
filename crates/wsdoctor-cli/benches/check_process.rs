//! `cargo bench -p wsdoctor-cli --bench check_process`: a whole `wsdoctor check URL` process against the
//! lab's healthy echo, with default options (the environment's and the desktop's proxy settings
//! consulted), beside wscat connecting and sending one message (`wscat -c URL -x MESSAGE -w 0`, from
//! tests/servers: `make deps-test`), both measured in this run.
//!
//! Targets: the check's median at or under 10 ms, and at least 10 times under wscat's.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wsdoctor_core::lab::{Lab, LabConfig};

const RUNS: usize = 25;

/// The median of `RUNS` runs of `program args` (its output discarded); `None` when it cannot run or
/// fails.
fn median(program: &str, args: &[&str]) -> Option<Duration> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        times.push(started.elapsed());
        if !status.success() {
            return None;
        }
    }
    times.sort();
    Some(times[RUNS / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let lab = runtime
        .block_on(Lab::start(LabConfig::default()))
        .expect("the lab starts");
    let url = lab.url("/echo");
    let ours = env!("CARGO_BIN_EXE_wsdoctor");
    let check = median(ours, &["check", &url]).expect("wsdoctor check passes against the lab");
    let direct = median(ours, &["check", &url, "--no-env-proxy"]).expect("wsdoctor check passes");
    println!(
        "wsdoctor check (healthy /echo), {RUNS} processes: median {:.1} ms with default options, {:.1} ms with --no-env-proxy (target: <= 10 ms)",
        ms(check),
        ms(direct)
    );
    let wscat = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/servers/node_modules/.bin/wscat"
    );
    match median(wscat, &["-c", &url, "-x", "wsdoctor check", "-w", "0"]) {
        Some(theirs) => println!(
            "wscat -c URL -x MESSAGE -w 0, {RUNS} processes: median {:.1} ms; the check is {:.0}x faster (target: >= 10x)",
            ms(theirs),
            theirs.as_secs_f64() / check.as_secs_f64()
        ),
        None => println!("wscat: not installed (make deps-test installs it in tests/servers)"),
    }
}
