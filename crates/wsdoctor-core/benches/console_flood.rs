//! `cargo bench -p wsdoctor-core --bench console_flood`: how fast a console session ingests a flood.
//!
//! A local server sends 1,000,000 text frames of 100 bytes as fast as it can; the session (on a
//! single-threaded runtime: one core) receives, records and makes them available in batches. Prints
//! messages per second and the memory the log holds. If `websocat` is on the PATH (`make bench` installs
//! it), the same flood is received by websocat in the same run for comparison (target: ours >= websocat's).
//!
//! Then the same flood into a session that spills beyond its window (as the app's does), exported as
//! JSON Lines while the session is asked for its status every millisecond: prints how long the export
//! took and the longest the session was held up meanwhile (an export used to hold it for the whole read).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::console::{ConsoleSession, Limits, SessionConfig};

const MESSAGES: usize = 1_000_000;

/// A server that floods each connection with `MESSAGES` frames of 100 bytes, then closes.
fn flood_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let _ = tcp.set_nodelay(true);
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    continue;
                };
                let payload = Message::text("x".repeat(100));
                for i in 0..MESSAGES {
                    if ws.feed(payload.clone()).await.is_err() {
                        break;
                    }
                    if i % 256 == 255 && ws.flush().await.is_err() {
                        break;
                    }
                }
                // Close cleanly and wait (bounded) for the client's answer: dropping the socket at once
                // would reset it and cut off frames the client has not read yet.
                let _ = ws.close(None).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
            }
        });
    });
    addr
}

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A session on the flood server as the app opens one (default limits), spilling into `spill_dir` if set.
fn session_config(addr: SocketAddr, spill_dir: Option<std::path::PathBuf>) -> SessionConfig {
    SessionConfig {
        target: CheckOptions {
            url: format!("ws://{addr}/"),
            use_env_proxy: false,
            ..CheckOptions::default()
        },
        heartbeat: None,
        reconnect: None,
        limits: Limits::default(),
        spill_dir,
        follower: None,
        namespace: None,
        variables: Vec::new(),
    }
}

fn main() {
    let addr = flood_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (rate, held_mb) = runtime.block_on(async {
        let started = Instant::now();
        let session = ConsoleSession::start(session_config(addr, None)).unwrap();
        // Read batches the way the app does (every ~33 ms), so batching is part of the figure.
        let mut last = 0u64;
        let mut batches = 0usize;
        while session.status().messages_in < MESSAGES as u64 {
            tokio::time::sleep(Duration::from_millis(33)).await;
            let batch = session.entries_after(last, 200_000);
            if let Some(entry) = batch.last() {
                last = entry.seq;
                batches += 1;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "the flood did not arrive");
        }
        let took = started.elapsed();
        let status = session.status();
        println!(
            "console: {MESSAGES} messages of 100 B in {:.2} s = {:.0} msg/s on one core; {batches} batches read; \
             log holds {} entries in {:.0} MB (peak RSS of the bench {:.0} MB)",
            took.as_secs_f64(),
            MESSAGES as f64 / took.as_secs_f64(),
            status.held,
            status.held_bytes as f64 / 1_048_576.0,
            vm_hwm_mb()
        );
        (MESSAGES as f64 / took.as_secs_f64(), status.held_bytes)
    });
    let _ = held_mb;
    // The session's task lives on that runtime: shut it down so the first connection is closed.
    drop(runtime);
    export_while_recording(addr);

    match std::process::Command::new("websocat")
        .arg("--version")
        .output()
    {
        Ok(version) if version.status.success() => {
            let started = Instant::now();
            // websocat prints each message on a line of stdout, counted here; `-U` stops it copying
            // stdin to the socket (`-u` would stop the direction measured), and it exits when the server
            // closes after the last message.
            let mut child = std::process::Command::new("websocat")
                .args(["-U", "-B", "65536", &format!("ws://{addr}/")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("websocat runs");
            let mut stdout = child.stdout.take().expect("websocat's stdout");
            let counter = std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 16];
                let mut lines = 0usize;
                while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                    if n == 0 {
                        break;
                    }
                    lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
                }
                lines
            });
            let deadline = Instant::now() + Duration::from_secs(60);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
                let _ = child.wait();
                println!("websocat did not finish the flood within 60 s: no rate to compare");
                return;
            }
            let took = started.elapsed();
            let lines = counter.join().unwrap_or(0);
            let theirs = lines as f64 / took.as_secs_f64();
            println!(
                "websocat {}: {lines} messages in {:.2} s = {theirs:.0} msg/s; console / websocat = {:.2}",
                String::from_utf8_lossy(&version.stdout).trim(),
                took.as_secs_f64(),
                rate / theirs
            );
        }
        _ => println!(
            "websocat is not installed (cargo install websocat --locked): no comparison this run"
        ),
    }
}

/// The flood into a spilling session, then a JSON Lines export of it while another thread keeps asking
/// the session for its status: the longest of those waits is how long the export held the session up.
fn export_while_recording(addr: SocketAddr) {
    // Resets the peak RSS (Linux), so the figure printed is this part's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let session = Arc::new(
            ConsoleSession::start(session_config(addr, Some(dir.path().to_path_buf()))).unwrap(),
        );
        let started = Instant::now();
        while session.status().messages_in < MESSAGES as u64 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert!(started.elapsed() < Duration::from_secs(120), "the flood did not arrive");
        }
        let status = session.status();
        let exporting = session.clone();
        let export = std::thread::spawn(move || {
            let started = Instant::now();
            let mut counted = Counted(0);
            exporting.export_jsonl(&mut counted).expect("the export writes");
            (started.elapsed(), counted.0)
        });
        let mut longest = Duration::ZERO;
        while !export.is_finished() {
            let asked = Instant::now();
            let _ = session.status();
            longest = longest.max(asked.elapsed());
            std::thread::sleep(Duration::from_millis(1));
        }
        let (took, bytes) = export.join().expect("the export thread ends");
        println!(
            "export: {} entries ({} on disk) as {:.0} MB of JSON Lines in {:.2} s; the session waited {:.1} ms \
             at most meanwhile (peak RSS of the bench {:.0} MB)",
            status.held,
            status.on_disk,
            bytes as f64 / 1_048_576.0,
            took.as_secs_f64(),
            longest.as_secs_f64() * 1000.0,
            vm_hwm_mb()
        );
    });
}

/// A file that only counts what is written to it.
struct Counted(u64);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
