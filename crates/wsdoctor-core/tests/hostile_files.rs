//! Hostile files given to a check: each gives a clear error that names the file, never an abort, a hang or
//! unbounded memory, and a long scan stops when the run is cancelled.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::inspect::ServerInputs;
use wsdoctor_core::report::Report;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wsd-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn inspect(server: ServerInputs) -> Report {
    let options = CheckOptions {
        server,
        use_env_proxy: false,
        ..CheckOptions::default()
    };
    tokio::time::timeout(Duration::from_secs(20), run_check(&options, None))
        .await
        .expect("a hostile file cannot hang the check")
        .expect("the check runs")
}

fn all_text(report: &Report) -> String {
    let checks = report.checks.iter().flat_map(|c| {
        std::iter::once(c.summary.clone()).chain(c.evidence.iter().map(|e| e.content.clone()))
    });
    let causes = report
        .diagnoses
        .iter()
        .flat_map(|d| d.evidence.iter().map(|e| e.content.clone()));
    checks.chain(causes).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn thousands_of_nested_nginx_blocks_are_refused_before_parsing() {
    let dir = Scratch::new("nested");
    let conf = dir.0.join("nginx.conf");
    let depth = 5_000;
    let text = format!(
        "http {{ {} }}\n",
        "location / { ".repeat(depth) + &"}".repeat(depth)
    );
    std::fs::write(&conf, text).unwrap();
    let report = inspect(ServerInputs {
        proxy_config: Some(conf.clone()),
        ..Default::default()
    })
    .await;
    let text = all_text(&report);
    assert!(text.contains("nested more than 64 deep"), "{text}");
    assert!(text.contains(&conf.display().to_string()), "{text}");
}

#[tokio::test]
async fn an_include_of_a_device_or_a_huge_file_is_an_error_naming_it() {
    let dir = Scratch::new("include");
    let huge = dir.0.join("huge.conf");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(64 << 20).unwrap(); // sparse: 64 MB of nothing on disk
    let conf = dir.0.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "events {{}}\nhttp {{\n  include /dev/zero;\n  include {};\n  server {{ listen 80; }}\n}}\n",
            huge.display()
        ),
    )
    .unwrap();
    let started = Instant::now();
    let report = inspect(ServerInputs {
        proxy_config: Some(conf),
        ..Default::default()
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = all_text(&report);
    assert!(text.contains("/dev/zero is not a regular file"), "{text}");
    assert!(
        text.contains(&format!("{} is larger than 4 MB", huge.display())),
        "{text}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_fifo_given_as_a_log_is_an_error_not_a_block() {
    let dir = Scratch::new("fifo");
    let fifo = dir.0.join("server.log");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let started = Instant::now();
    let report = inspect(ServerInputs {
        logs: vec![fifo.clone()],
        ..Default::default()
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let text = all_text(&report);
    assert!(
        text.contains(&format!("{} is not a regular file", fifo.display())),
        "{text}"
    );
}

#[tokio::test]
async fn a_ca_file_that_is_a_device_is_refused_plainly() {
    let options = CheckOptions {
        url: "ws://127.0.0.1:9/".into(),
        ca_file: Some("/dev/zero".into()),
        use_env_proxy: false,
        ..CheckOptions::default()
    };
    let error = tokio::time::timeout(Duration::from_secs(5), run_check(&options, None))
        .await
        .expect("no block")
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("/dev/zero is not a regular file"),
        "{error}"
    );
}

#[tokio::test]
async fn a_cookie_file_that_is_a_device_or_holds_no_cookie_is_the_fields_error() {
    let scratch = Scratch::new("cookies");
    let empty = scratch.0.join("empty.txt");
    std::fs::write(&empty, "# Netscape HTTP Cookie File\n# nothing here\n").unwrap();
    let broken_har = scratch.0.join("broken.har");
    std::fs::write(&broken_har, "{\"log\": {\"entries\": [").unwrap();
    for (file, says) in [
        (
            std::path::PathBuf::from("/dev/zero"),
            "/dev/zero is not a regular file",
        ),
        (empty, "holds no cookie"),
        (broken_har, "not valid JSON"),
    ] {
        let options = CheckOptions {
            url: "ws://127.0.0.1:9/".into(),
            cookie_file: Some(file),
            use_env_proxy: false,
            ..CheckOptions::default()
        };
        let error = tokio::time::timeout(Duration::from_secs(5), run_check(&options, None))
            .await
            .expect("no block")
            .unwrap_err();
        assert_eq!(error.field(), Some("cookieFile"));
        assert!(error.to_string().contains(says), "{error}");
    }
}

/// A scan of a large project stops when the run is dropped (the app's Cancel aborts the run's task):
/// the progress channel closes soon after, where a full scan takes much longer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_scan_stops_when_the_run_is_cancelled() {
    let dir = Scratch::new("project");
    for d in 0..40 {
        let sub = dir.0.join(format!("src/m{d}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..500 {
            std::fs::write(
                sub.join(format!("f{f}.js")),
                "const socket = new WebSocket(`wss://${location.host}/ws`);\nsocket.onclose = () => setTimeout(connect, 1000);\n",
            )
            .unwrap();
        }
    }
    let options = CheckOptions {
        server: ServerInputs {
            project: Some(dir.0.clone()),
            ..Default::default()
        },
        use_env_proxy: false,
        ..CheckOptions::default()
    };

    // The whole scan, for scale.
    let started = Instant::now();
    run_check(&options, None).await.unwrap();
    let full = started.elapsed();

    // The same run, aborted at once: its progress channel closes when the scan stops.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let run = {
        let options = options.clone();
        tokio::spawn(async move { run_check(&options, Some(tx)).await })
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    let aborted = Instant::now();
    run.abort();
    while rx.recv().await.is_some() {}
    let stopped = aborted.elapsed();
    assert!(
        stopped < full / 2,
        "the scan went on after the cancel: stopped in {stopped:?}, a full scan takes {full:?}"
    );
}
