//! `cargo bench -p wsdoctor-cli --bench connect_flood`: `wsdoctor connect` printing a 1,000,000-message
//! flood into a pipe, beside websocat on the same flood (`make bench` installs websocat).
//!
//! The lab's `/flood?n=1000000` sends 100-byte text frames as fast as it can and closes; each program's
//! stdout is counted line by line (as `wc -l` would) by this process. Printed per program: lines, time,
//! messages per second and peak RSS (VmHWM, sampled from /proc until the program exits). Targets: every
//! message printed, peak RSS <= 64 MB, throughput >= websocat's.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wsdoctor_core::lab::{Lab, LabConfig};

const MESSAGES: u64 = 1_000_000;

struct Figures {
    lines: usize,
    messages: usize,
    seconds: f64,
    peak_rss_mb: f64,
    code: Option<i32>,
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `child` to its end (60 s at most), counting its stdout's lines and sampling its peak RSS.
fn measure(mut child: Child, message_marker: &'static str) -> Figures {
    let started = Instant::now();
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let counter = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let (mut lines, mut messages) = (0usize, 0usize);
        let mut partial = Vec::new();
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            partial.extend_from_slice(&buf[..n]);
            let cut = partial
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            for line in partial
                .drain(..cut)
                .collect::<Vec<u8>>()
                .split(|b| *b == b'\n')
            {
                if !line.is_empty() {
                    lines += 1;
                    if message_marker.is_empty()
                        || line
                            .windows(message_marker.len())
                            .any(|w| w == message_marker.as_bytes())
                    {
                        messages += 1;
                    }
                }
            }
        }
        (lines, messages)
    });
    let pid = child.id();
    let mut peak_kb = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    let code = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            _ if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let (lines, messages) = counter.join().unwrap_or((0, 0));
    Figures {
        lines,
        messages,
        seconds,
        peak_rss_mb: peak_kb as f64 / 1024.0,
        code,
    }
}

fn print(name: &str, f: &Figures) {
    println!(
        "{name:<10} {:>9} messages ({} lines) in {:.2} s = {:>9.0} msg/s, peak RSS {:.1} MB, exit {}",
        f.messages,
        f.lines,
        f.seconds,
        f.messages as f64 / f.seconds,
        f.peak_rss_mb,
        f.code.map_or("killed".to_string(), |c| c.to_string())
    );
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let lab = runtime
        .block_on(Lab::start(LabConfig::default()))
        .expect("the lab starts");
    let url = lab.url(&format!("/flood?n={MESSAGES}"));
    println!("connect_flood: {MESSAGES} messages of 100 B from the lab, printed into a pipe");

    let ours = measure(
        Command::new(env!("CARGO_BIN_EXE_wsdoctor"))
            .args(["connect", &url, "--wait", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("wsdoctor runs"),
        "← text 100 B",
    );
    print("wsdoctor", &ours);
    assert_eq!(ours.messages as u64, MESSAGES, "every message printed");

    match Command::new("websocat").arg("--version").output() {
        Ok(version) if version.status.success() => {
            // `-U`: do not copy stdin to the socket; websocat exits when the server closes.
            let theirs = measure(
                Command::new("websocat")
                    .args(["-U", &url])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("websocat runs"),
                "",
            );
            print("websocat", &theirs);
            println!(
                "wsdoctor / websocat throughput = {:.2} ({})",
                (ours.messages as f64 / ours.seconds) / (theirs.messages as f64 / theirs.seconds),
                String::from_utf8_lossy(&version.stdout).trim()
            );
        }
        _ => println!("websocat is not installed (make bench installs it): no comparison this run"),
    }
}
