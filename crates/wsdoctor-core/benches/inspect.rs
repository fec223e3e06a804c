//! `cargo bench -p wsdoctor-core --bench inspect`: scanning a 5,000-file project and a 2 GB log.
//!
//! Prints the wall time of the server-side checks and the process's peak resident memory (VmHWM, which
//! also counts the bench's own set-up, so it is an upper bound). Targets: under 2 s and 100 MB.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::inspect::ServerInputs;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn make_project(root: &Path) -> usize {
    let mut files = 0;
    for dir in 0..50 {
        let src = root.join(format!("src/feature{dir}"));
        std::fs::create_dir_all(&src).unwrap();
        for file in 0..100 {
            let body = if file == 0 {
                "const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);\nsocket.onclose = () => reconnect();\n".to_string()
            } else {
                format!("export function handler{file}(input) {{\n  return fetch('/api/items/{file}', {{ method: 'POST', body: JSON.stringify(input) }});\n}}\n").repeat(20)
            };
            std::fs::write(src.join(format!("module{file}.ts")), body).unwrap();
            files += 1;
        }
    }
    // Dependencies are skipped, however many there are.
    let deps = root.join("node_modules/some-sdk/lib");
    std::fs::create_dir_all(&deps).unwrap();
    for file in 0..2000 {
        std::fs::write(
            deps.join(format!("f{file}.js")),
            "new WebSocket('ws://localhost:1/')\n",
        )
        .unwrap();
    }
    std::fs::write(
        root.join("package.json"),
        r#"{"name":"bench","private":true}"#,
    )
    .unwrap();
    files + 1
}

fn make_log(path: &Path, size: u64) {
    let tail: u64 = 9 << 20;
    let file = std::fs::File::create(path).unwrap();
    file.set_len(size - tail).unwrap();
    drop(file);
    let mut file =
        std::io::BufWriter::new(std::fs::OpenOptions::new().append(true).open(path).unwrap());
    let line = "2026-11-20T10:00:00Z INFO request handled in 3 ms path=/api/messages status=200\n";
    for _ in 0..tail / line.len() as u64 {
        file.write_all(line.as_bytes()).unwrap();
    }
    writeln!(
        file,
        "Error: listen EADDRINUSE: address already in use :::8080"
    )
    .unwrap();
}

fn main() {
    let root = std::env::temp_dir().join(format!("wsdoctor-bench-inspect-{}", std::process::id()));
    let project = root.join("project");
    let files = make_project(&project);
    let log = root.join("app.log");
    make_log(&log, 2 << 30);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let options = CheckOptions {
        server: ServerInputs {
            project: Some(project),
            logs: vec![log],
            ..Default::default()
        },
        ..CheckOptions::default()
    };
    let before = peak_rss_mb();
    let started = Instant::now();
    let report = runtime.block_on(run_check(&options, None)).unwrap();
    let took = started.elapsed();
    let codes: Vec<&str> = report.diagnoses.iter().map(|d| d.code.as_str()).collect();
    println!(
        "project of {files} source files (+2,000 in node_modules) and a 2 GB log: {:.0} ms, peak RSS {:.1} MB \
         ({:.1} MB before the scan); found {codes:?} (targets: < 2000 ms, < 100 MB)",
        took.as_secs_f64() * 1e3,
        peak_rss_mb(),
        before
    );
    std::fs::remove_dir_all(&root).unwrap();
}
