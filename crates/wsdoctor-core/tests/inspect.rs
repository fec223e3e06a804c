//! Server-side and code checks on real artefacts: processes and sockets started by the test, log files in
//! each runtime's own error format, nginx configurations (`nginx -t` accepts the ones meant to be valid),
//! Caddy and Apache files, and frontend and Electron project trees (tests/fixtures/).

mod support;

use support::{Spawned, codes, item as check, options, run};
use wsdoctor_core::assert_contains;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::inspect::ServerInputs;
use wsdoctor_core::report::{CheckStatus, Report, Verdict};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

async fn inspect(server: ServerInputs) -> Report {
    inspect_with(server, |_| {}).await
}

async fn inspect_with(server: ServerInputs, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let mut options = CheckOptions {
        server,
        reply_timeout: CheckOptions::default().reply_timeout,
        close_timeout: CheckOptions::default().close_timeout,
        ..options("")
    };
    adjust(&mut options);
    run(&options, Duration::from_secs(30)).await
}

/// The server-side checks of a project fixture (`tests/fixtures/projects/NAME`).
async fn project(name: &str) -> Report {
    inspect(ServerInputs {
        project: Some(fixtures().join("projects").join(name)),
        ..Default::default()
    })
    .await
}

/// The codes named, in alphabetical order.
fn sorted_codes(report: &Report) -> Vec<&str> {
    let mut found = codes(report);
    found.sort();
    found
}

/// The diagnosis `code` of the report.
fn diagnosis<'a>(report: &'a Report, code: &str) -> &'a wsdoctor_core::report::Diagnosis {
    report
        .diagnoses
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(report)))
}

// --- nginx, Caddy, Apache ---------------------------------------------------------------------------

fn nginx_accepts(config: &Path) {
    let output = Command::new("/usr/sbin/nginx")
        .args(["-t", "-q", "-e", "stderr", "-c"])
        .arg(config.canonicalize().unwrap())
        .output()
        .expect("nginx is installed (make deps)");
    assert!(
        output.status.success(),
        "nginx -t rejects {}: {}",
        config.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_correct_nginx_site_raises_nothing() {
    let dir = fixtures().join("nginx/good");
    nginx_accepts(&dir.join("nginx.conf"));
    let report = inspect(ServerInputs {
        proxy_config: Some(dir),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), Vec::<&str>::new());
    let audit = check(&report, "proxy_config");
    assert_eq!(audit.status, CheckStatus::Pass, "{}", audit.summary);
    let files = &audit.evidence[0].content;
    assert!(
        files.contains("sites/app.conf"),
        "the include was followed: {files}"
    );
}

#[tokio::test]
async fn nginx_mistakes_are_named_per_location_with_the_corrected_block() {
    let config = fixtures().join("nginx/bad/nginx.conf");
    nginx_accepts(&config);
    let report = inspect(ServerInputs {
        proxy_config: Some(config),
        ..Default::default()
    })
    .await;
    assert_eq!(
        sorted_codes(&report),
        [
            "config.nginx_hardcoded_connection",
            "config.nginx_http10",
            "config.nginx_no_host",
            "config.nginx_no_upgrade",
            "config.nginx_short_timeout",
        ]
    );
    assert_eq!(report.verdict, Verdict::Broken);
    let no_upgrade = report
        .diagnoses
        .iter()
        .find(|d| d.code == "config.nginx_no_upgrade")
        .unwrap();
    let text: String = no_upgrade
        .evidence
        .iter()
        .map(|e| format!("{}\n{}\n", e.label, e.content))
        .collect();
    assert!(text.contains("nginx.conf:19 location /ws/"), "{text}");
    assert!(text.contains("Corrected block") && text.contains("location /ws/ {\n    proxy_pass http://127.0.0.1:3000;\n    proxy_http_version 1.1;"), "{text}");
    let hardcoded = report
        .diagnoses
        .iter()
        .find(|d| d.code == "config.nginx_hardcoded_connection")
        .unwrap();
    assert!(
        hardcoded.evidence[0].content.contains("location /"),
        "{:?}",
        hardcoded.evidence
    );
}

#[tokio::test]
async fn a_syntax_error_is_named_with_its_line() {
    let report = inspect(ServerInputs {
        proxy_config: Some(fixtures().join("nginx/broken.conf")),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["config.syntax_error"]);
    assert!(
        report.diagnoses[0].evidence[0]
            .content
            .contains("broken.conf:"),
        "{:?}",
        report.diagnoses[0].evidence
    );
}

#[tokio::test]
async fn caddy_and_apache_are_recognised() {
    let report = inspect(ServerInputs {
        proxy_config: Some(fixtures().join("caddy/Caddyfile")),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["config.caddy"]);
    assert_eq!(report.verdict, Verdict::Healthy);
    let report = inspect(ServerInputs {
        proxy_config: Some(fixtures().join("apache/site.conf")),
        ..Default::default()
    })
    .await;
    // No upgrade=websocket, and Apache's default 60 s Timeout for the tunnel.
    assert_eq!(
        codes(&report),
        ["config.apache_no_wstunnel", "config.apache_short_timeout"]
    );
    let evidence = &report.diagnoses[0].evidence;
    assert!(evidence[0].content.contains("site.conf:5: ProxyPass /ws/"));
    assert_eq!(
        evidence[1].content,
        "ProxyPass /ws/ http://127.0.0.1:3000/ws/ upgrade=websocket timeout=3600"
    );
    assert!(
        report.diagnoses[1].evidence[0]
            .content
            .contains("60 s (Apache's default Timeout)")
    );
}

#[tokio::test]
async fn haproxy_backends_are_judged_for_tunnel_timeouts_and_stripped_upgrades() {
    let report = inspect(ServerInputs {
        proxy_config: Some(fixtures().join("haproxy")),
        ..Default::default()
    })
    .await;
    assert_eq!(
        codes(&report),
        [
            "config.haproxy_upgrade_stripped",
            "config.haproxy_no_tunnel_timeout",
            "config.haproxy_short_timeout"
        ]
    );
    assert_eq!(check(&report, "proxy_config").status, CheckStatus::Fail);
    let first = |code: &str| {
        let d = report.diagnoses.iter().find(|d| d.code == code).unwrap();
        (d.evidence[0].content.clone(), d.evidence[1].content.clone())
    };
    let (where_, corrected) = first("config.haproxy_no_tunnel_timeout");
    assert!(
        where_.contains(
            "haproxy.cfg:23 backend live: no timeout tunnel: an idle WebSocket is cut after 50 s"
        ),
        "{where_}"
    );
    assert!(
        corrected.starts_with("backend live\n    timeout tunnel 1h\n"),
        "{corrected}"
    );
    let (where_, corrected) = first("config.haproxy_upgrade_stripped");
    assert!(
        where_.contains("line 29: http-request del-header Upgrade"),
        "{where_}"
    );
    assert!(!corrected.contains("del-header"), "{corrected}");
    let (where_, corrected) = first("config.haproxy_short_timeout");
    assert!(
        where_.contains("backend events: timeout tunnel 30 s"),
        "{where_}"
    );
    assert!(
        corrected.contains("timeout tunnel 1h") && !corrected.contains("30s"),
        "{corrected}"
    );
    // The backend with a tunnel timeout and no such rule is not named.
    assert!(
        report
            .diagnoses
            .iter()
            .all(|d| !d.evidence[0].content.contains("backend web"))
    );
}

// --- logs -------------------------------------------------------------------------------------------

async fn scan_log(name: &str) -> Report {
    inspect(ServerInputs {
        logs: vec![fixtures().join("logs").join(name)],
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn log_findings_in_each_runtimes_format() {
    let cases: &[(&str, &[&str])] = &[
        ("node-eaddrinuse.log", &["log.port_in_use"]),
        ("node-crash.log", &["log.crash"]),
        ("python-traceback.log", &["log.crash"]),
        ("java.log", &["log.crash"]),
        ("go-panic.log", &["log.crash", "log.origin_rejected"]),
        ("rust-emfile.log", &["log.crash", "log.fd_exhausted"]),
        (
            "nginx-error.log",
            &["log.proxy_timeout", "log.upstream_refused"],
        ),
        ("healthy.log", &[]),
    ];
    for (name, expected) in cases {
        let report = scan_log(name).await;
        assert_eq!(sorted_codes(&report), *expected, "{name}");
    }
    let report = scan_log("node-crash.log").await;
    let quote = &report.diagnoses[0].evidence[0].content;
    assert!(
        quote.contains("line 8: TypeError: Cannot read properties of undefined"),
        "{quote}"
    );
    assert!(
        quote.contains("line 9:     at handleMessage"),
        "the stack is quoted: {quote}"
    );
}

#[tokio::test]
async fn the_logged_port_is_compared_with_the_target() {
    let report = inspect_with(
        ServerInputs {
            logs: vec![fixtures().join("logs/python-traceback.log")],
            ..Default::default()
        },
        // A refused local port: the live probe ends at once, and the log says 8000.
        |o| o.url = "ws://127.0.0.1:9/ws".into(),
    )
    .await;
    assert!(
        codes(&report).contains(&"log.port_mismatch"),
        "{:?}",
        codes(&report)
    );
    let mismatch = report
        .diagnoses
        .iter()
        .find(|d| d.code == "log.port_mismatch")
        .unwrap();
    assert!(
        mismatch.evidence[0]
            .content
            .contains("Uvicorn running on http://0.0.0.0:8000")
    );
}

#[tokio::test]
async fn binary_and_huge_logs_are_handled() {
    let dir = std::env::temp_dir().join(format!("wsdoctor-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("core.bin");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 3].repeat(100)).unwrap();
    let report = inspect(ServerInputs {
        logs: vec![binary],
        ..Default::default()
    })
    .await;
    let log = check(&report, "log:1");
    assert_eq!(log.status, CheckStatus::Warn);
    assert_contains!(log.summary, "not a text log");

    // A 3 GB file, sparse but for its last 9 MB of log lines, the crash at the very end: only the tail
    // is read, and its first (partial) line is dropped.
    let big = dir.join("big.log");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len((3 << 30) - (9 << 20)).unwrap();
    drop(file);
    use std::io::Write;
    let mut file =
        std::io::BufWriter::new(std::fs::OpenOptions::new().append(true).open(&big).unwrap());
    let line = "2026-11-20T10:00:00Z INFO request handled in 3 ms path=/api/messages status=200\n";
    for _ in 0..(9 << 20) / line.len() {
        file.write_all(line.as_bytes()).unwrap();
    }
    writeln!(
        file,
        "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:"
    )
    .unwrap();
    drop(file);
    let started = std::time::Instant::now();
    let report = inspect(ServerInputs {
        logs: vec![big],
        ..Default::default()
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(codes(&report), ["log.crash"]);
    assert!(check(&report, "log:1").summary.contains("last 8 MB"));
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- project code -----------------------------------------------------------------------------------

#[tokio::test]
async fn frontend_mistakes_are_found_and_a_clean_project_passes() {
    let report = project("frontend-bad").await;
    assert_eq!(
        sorted_codes(&report),
        [
            "frontend.hardcoded_url",
            "frontend.hmr_config",
            "frontend.no_reconnect"
        ]
    );
    let hardcoded = &diagnosis(&report, "frontend.hardcoded_url").evidence[0].content;
    assert!(
        hardcoded.contains("src/chat.js:2:") && hardcoded.contains(".env.production:2:"),
        "{hardcoded}"
    );

    // Served over https (a wss:// target) and checking another endpoint: two more findings.
    let report = inspect_with(
        ServerInputs {
            project: Some(fixtures().join("projects/frontend-bad")),
            ..Default::default()
        },
        |o| o.url = "wss://127.0.0.1:9/socket".into(),
    )
    .await;
    assert!(
        codes(&report).contains(&"frontend.insecure_ws"),
        "{:?}",
        codes(&report)
    );
    assert!(
        codes(&report).contains(&"frontend.url_mismatch"),
        "{:?}",
        codes(&report)
    );

    let report = project("frontend-clean").await;
    assert_eq!(
        codes(&report),
        Vec::<&str>::new(),
        "node_modules and dist are not read"
    );
    assert_eq!(check(&report, "frontend").status, CheckStatus::Pass);
}

#[tokio::test]
async fn electron_mistakes_are_found_and_the_safe_pattern_passes() {
    let report = project("electron-bad").await;
    assert_eq!(
        sorted_codes(&report),
        [
            "electron.context_isolation_off",
            "electron.node_integration_on",
            "electron.open_ipc_bridge",
            "electron.renderer_websocket_with_node",
            "electron.sandbox_off",
        ]
    );
    let bridge = diagnosis(&report, "electron.open_ipc_bridge");
    assert!(
        bridge.evidence[0].content.contains("src/preload.js:5:"),
        "{:?}",
        bridge.evidence
    );
    assert!(
        bridge
            .snippet
            .as_deref()
            .unwrap()
            .contains("ALLOWED.includes(channel)")
    );
    assert_eq!(bridge.snippet_language.as_deref(), Some("js"));

    let report = project("electron-good").await;
    assert_eq!(codes(&report), Vec::<&str>::new());
    assert_eq!(check(&report, "electron").status, CheckStatus::Pass);
}

// --- processes, ports, environment ------------------------------------------------------------------

/// A Python server listening on 127.0.0.1, with `NODE_ENV=development` and `PORT` in its environment.
fn python_server(extra: &str) -> Spawned {
    let script = format!(
        "import socket, sys, time\n{extra}\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\nprint(s.getsockname()[1], flush=True)\nsys.stdin.read()\n"
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .env("NODE_ENV", "development")
        .env("API_TOKEN", "tok-secret-123")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the server prints its port");
    Spawned { child, port }
}

#[tokio::test]
async fn a_running_server_its_port_and_its_environment() {
    let server = python_server("");
    let pid = server.child.id().to_string();
    let report = inspect(ServerInputs {
        process: Some(pid.clone()),
        port: Some(server.port),
        env: vec![
            "NODE_ENV=production".into(),
            "API_TOKEN".into(),
            "MISSING_VAR".into(),
        ],
        ..Default::default()
    })
    .await;
    let process = check(&report, "process");
    assert_eq!(process.status, CheckStatus::Pass, "{}", process.summary);
    assert!(
        process.evidence[0]
            .content
            .contains(&format!("listens on 127.0.0.1:{}", server.port)),
        "{:?}",
        process.evidence
    );
    let port = check(&report, "port");
    assert_eq!(port.status, CheckStatus::Pass, "{}", port.summary);
    assert_contains!(port.summary, &format!("(PID {pid})"));
    assert_eq!(sorted_codes(&report), ["env.mismatch", "env.unset"]);
    let env = check(&report, "env");
    assert!(env.evidence[0].content.contains("NODE_ENV=development"));
    assert!(
        !report.to_json().contains("tok-secret-123"),
        "secret-looking variables are not shown"
    );
}

#[tokio::test]
async fn a_port_held_by_another_process_and_a_port_nobody_holds() {
    let holder = python_server("");
    let expected = python_server("");
    let report = inspect(ServerInputs {
        process: Some(expected.child.id().to_string()),
        port: Some(holder.port),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["port.conflict"]);
    assert!(
        check(&report, "port")
            .summary
            .contains(&format!("PID {}", holder.child.id()))
    );

    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let report = inspect(ServerInputs {
        port: Some(free),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["port.not_listening"]);
}

#[tokio::test]
async fn a_server_that_is_not_running_and_one_near_its_file_limit() {
    let report = inspect(ServerInputs {
        process: Some("wsdoctor-no-such-server-xyz".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["process.not_running"]);

    let crowded = python_server(
        "import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))\nfiles = [open('/dev/null') for _ in range(34)]",
    );
    let report = inspect(ServerInputs {
        process: Some(crowded.child.id().to_string()),
        ..Default::default()
    })
    .await;
    assert_eq!(codes(&report), ["process.fd_near_limit"]);
    assert!(
        check(&report, "process")
            .summary
            .contains("of 40 file descriptors"),
        "{}",
        check(&report, "process").summary
    );
}

#[tokio::test]
async fn server_side_checks_alone_need_no_url_but_need_something() {
    let error = run_check(&CheckOptions::default(), None).await.unwrap_err();
    assert!(error.to_string().contains("nothing to check"));
}
