//! `cargo bench -p wsdoctor-core --bench hostile`: each hostile server of the hostile suite, checked with
//! the default options, in a process of its own, so its wall time and peak RSS are the check's alone.
//! Prints one line per case: the root cause named, the time, the peak RSS (the child's VmHWM, which
//! includes the hostile server it runs: the check's own share is smaller).
//!
//! Targets: every case ends within its time budget, none grows memory with what the server sends (a
//! 60 MB frame, a ping flood, 2 GB announced).

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{frame, read_key, server, switch};
use tokio::io::AsyncWriteExt;
use wsdoctor_core::check::{CheckOptions, run_check};

const CASES: &[&str] = &[
    "never-answers",
    "slowloris",
    "endless-headers",
    "gigabyte-body",
    "garbage",
    "ping-flood-never-reads",
    "probe-50mb-never-reads",
    "two-gigabyte-frame-header",
    "sixty-megabyte-first-frame",
    "invalid-utf8",
    "rsv1",
    "invalid-close-code",
    "unfinished-fragment",
    "close-never-answered",
];

/// Starts the case's server; returns the URL and the options to check it with.
async fn case(name: &str) -> CheckOptions {
    let addr = match name {
        "never-answers" => {
            server(|mut s| async move {
                let _ = read_key(&mut s).await;
                tokio::time::sleep(Duration::from_secs(120)).await;
            })
            .await
        }
        "slowloris" => {
            server(|mut s| async move {
                let _ = read_key(&mut s).await;
                let _ = s.write_all(b"HTTP/1.1 101 Switching Protocols\r\n").await;
                // Then valid header lines, a byte every 100 ms: the head never ends.
                for byte in b"X-Slow: 1\r\n".iter().cycle() {
                    if s.write_all(&[*byte]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await
        }
        "endless-headers" => {
            server(|mut s| async move {
                let _ = read_key(&mut s).await;
                let _ = s.write_all(b"HTTP/1.1 101 Switching Protocols\r\n").await;
                let line = format!("X-Padding: {}\r\n", "a".repeat(1000));
                while s.write_all(line.as_bytes()).await.is_ok() {}
            })
            .await
        }
        "gigabyte-body" => {
            server(|mut s| async move {
                let _ = read_key(&mut s).await;
                let _ = s
                    .write_all(b"HTTP/1.1 500 Oops\r\nContent-Length: 1073741824\r\n\r\n")
                    .await;
                let chunk = vec![b'x'; 64 * 1024];
                while s.write_all(&chunk).await.is_ok() {}
            })
            .await
        }
        "garbage" => {
            server(|mut s| async move {
                let _ = read_key(&mut s).await;
                let junk: Vec<u8> = (0..65_536u32).map(|i| (i * 7 + 3) as u8).collect();
                let _ = s.write_all(&junk).await;
            })
            .await
        }
        "ping-flood-never-reads" => {
            server(|mut s| async move {
                switch(&mut s).await;
                support::flood_pings(&mut s, b"flood", Duration::from_secs(30)).await;
            })
            .await
        }
        "probe-50mb-never-reads" => {
            server(|mut s| async move {
                switch(&mut s).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            })
            .await
        }
        "two-gigabyte-frame-header" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let mut header = vec![0x81, 127];
                header.extend_from_slice(&(2u64 << 30).to_be_bytes());
                let _ = s.write_all(&header).await;
                let chunk = vec![b'x'; 64 * 1024];
                while s.write_all(&chunk).await.is_ok() {}
            })
            .await
        }
        "sixty-megabyte-first-frame" => {
            server(|mut s| async move {
                switch(&mut s).await;
                // Streamed in 64 KB pieces, so the server's own memory stays out of the figure.
                let size = 60u64 << 20;
                let mut header = vec![0x81, 127];
                header.extend_from_slice(&size.to_be_bytes());
                let _ = s.write_all(&header).await;
                let _ = s.write_all(b"0{\"sid\":\"abc\"}").await;
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = size - 14;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if s.write_all(&chunk[..n]).await.is_err() {
                        break;
                    }
                    left -= n as u64;
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            })
            .await
        }
        "invalid-utf8" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let _ = s.write_all(&frame(0x81, &[0xff, 0xfe, 0xfd])).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            })
            .await
        }
        "rsv1" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let _ = s.write_all(&frame(0xC1, b"compressed?")).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            })
            .await
        }
        "invalid-close-code" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let _ = s.write_all(&frame(0x88, &999u16.to_be_bytes())).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            })
            .await
        }
        "unfinished-fragment" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let _ = s.write_all(&frame(0x01, b"hel")).await;
                let _ = s.write_all(&frame(0x00, b"lo")).await;
                tokio::time::sleep(Duration::from_secs(10)).await;
            })
            .await
        }
        "close-never-answered" => {
            server(|mut s| async move {
                switch(&mut s).await;
                let mut sink = [0u8; 4096];
                // Reads everything (the close too) and answers nothing.
                while tokio::io::AsyncReadExt::read(&mut s, &mut sink)
                    .await
                    .unwrap_or(0)
                    > 0
                {}
            })
            .await
        }
        other => panic!("no case {other}"),
    };
    CheckOptions {
        url: format!("ws://{addr}/socket"),
        use_env_proxy: false,
        probe_size: (name == "probe-50mb-never-reads").then_some(50_000_000),
        ..CheckOptions::default()
    }
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        // The child: one check against one hostile server; prints the root cause.
        let name = args.get(at + 1).expect("a case name").clone();
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let root = runtime.block_on(async move {
            let options = case(&name).await;
            let report = run_check(&options, None).await.expect("the check runs");
            report
                .diagnoses
                .first()
                .map(|d| d.code.clone())
                .unwrap_or_else(|| "(none)".into())
        });
        // The child's own peak, read as it ends (a case that ends in milliseconds is never sampled).
        println!("{root}\t{}", vm_hwm_kb(std::process::id()).unwrap_or(0));
        // The servers' tasks may still be writing: end without waiting for them.
        std::process::exit(0);
    }

    println!("hostile: one check per hostile server, default options, each in its own process");
    println!(
        "{:<28} {:<26} {:>8} {:>12}",
        "case", "named", "time", "peak RSS"
    );
    let me = std::env::current_exe().expect("the bench binary");
    for name in CASES {
        let started = Instant::now();
        let mut child = Command::new(&me)
            .args(["--case", name])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the bench runs itself");
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                _ if Instant::now() > deadline => {
                    let _ = child.kill();
                    break;
                }
                _ => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        let output = child.wait_with_output().expect("the case's output");
        let printed = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let (named, peak_kb) = printed
            .split_once('\t')
            .map(|(n, kb)| (n.to_string(), kb.parse::<u64>().unwrap_or(0)))
            .unwrap_or((printed.clone(), 0));
        println!(
            "{name:<28} {named:<26} {:>7.2}s {:>9.1} MB",
            started.elapsed().as_secs_f64(),
            peak_kb as f64 / 1024.0
        );
    }
}
