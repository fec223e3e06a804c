//! The `wsdoctor` binary as a user or a script runs it: exit statuses, output formats, files, and the lab.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use wsdoctor_core::assert_contains;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use wsdoctor_core::lab::{Lab, LabConfig};

mod support;

use support::{BIN, Run};

async fn wsdoctor(args: &[&str]) -> Run {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(BIN)
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .output(),
    )
    .await
    .expect("wsdoctor ends in time")
    .expect("wsdoctor runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.unwrap()
}

#[tokio::test]
async fn a_healthy_target_exits_0_with_a_readable_verdict() {
    let lab = lab().await;
    let run = wsdoctor(&["check", &lab.url("/echo")]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("Healthy: ws://127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert_contains!(run.stdout, "✔ pass  Upgrade handshake");
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when NO_COLOR is set or stdout is not a terminal"
    );
}

#[tokio::test]
async fn a_broken_target_exits_1_and_json_goes_to_stdout() {
    let lab = lab().await;
    let run = wsdoctor(&["check", &lab.url("/close-1011"), "--format", "json"]).await;
    assert_eq!(run.code, 1);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is the JSON report alone");
    assert_eq!(json["verdict"], "broken");
    assert_eq!(json["diagnoses"][0]["code"], "close.server_error");
}

/// JUnit XML as a CI system reads it (Python's XML parser): the suite's counts and each failure's type.
fn junit_summary(xml: &str) -> serde_json::Value {
    use std::io::Write;
    let script = "import sys, json, xml.etree.ElementTree as ET\n\
root = ET.fromstring(sys.stdin.read())\n\
suite = root.find('testsuite')\n\
cases = suite.findall('testcase')\n\
print(json.dumps({'tests': int(suite.get('tests')), 'failures': int(suite.get('failures')), 'cases': len(cases),\n\
  'failed': [[c.get('name'), f.get('type'), f.get('message'), f.text] for c in cases for f in c.findall('failure')]}))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "not well-formed XML:\n{xml}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn junit_gives_ci_a_test_case_per_check_and_the_cause_of_a_failure() {
    let lab = lab().await;
    let run = wsdoctor(&["check", &lab.url("/close-1011"), "--format", "junit"]).await;
    assert_eq!(run.code, 1);
    let summary = junit_summary(&run.stdout);
    assert_eq!(summary["tests"], summary["cases"]);
    assert!(summary["failures"].as_u64().unwrap() >= 1, "{summary}");
    let failed = summary["failed"].as_array().unwrap();
    assert!(
        failed
            .iter()
            .any(|f| f[1] == "close.server_error" && f[3].as_str().unwrap().contains("Fix:")),
        "{summary}"
    );

    // Healthy: no failure; the format also follows an output file's .xml extension.
    let dir = std::env::temp_dir().join(format!("wsdoctor-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("websocket.xml");
    let run = wsdoctor(&["check", &lab.url("/echo"), "-o", file.to_str().unwrap()]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = junit_summary(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(summary["failures"], 0);
    assert!(summary["cases"].as_u64().unwrap() >= 5, "{summary}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bad_input_exits_2_with_a_clear_message() {
    for (args, says) in [
        (vec!["check", "not a url"], "not a valid URL"),
        (
            vec!["check", "ws://127.0.0.1:9/", "-H", "no colon here"],
            "must look like `Name: value`",
        ),
        (
            vec![
                "check",
                "ws://127.0.0.1:9/",
                "--ca-file",
                "/nonexistent/ca.pem",
            ],
            "cannot read the CA file",
        ),
        (
            vec!["check", "ws://127.0.0.1:9/", "--timeout", "0"],
            "--timeout must be between",
        ),
        (
            vec!["check", "ws://127.0.0.1:9/", "--protocol", "amqp"],
            "not a protocol WS Doctor speaks",
        ),
        (
            vec!["check", "ws://127.0.0.1:9/", "--auth", "[\"token\"]"],
            "--auth: the auth payload must be a JSON object",
        ),
        (
            vec!["check", "ws://127.0.0.1:9/", "--socketio-path", "/rt?x=1"],
            "--socketio-path: `/rt?x=1` is not a path",
        ),
        (
            vec![
                "check",
                "ws://127.0.0.1:9/",
                "--proxy",
                "socks5://127.0.0.1:1080",
            ],
            "only http:// proxies",
        ),
        (
            vec!["check", "ftp://example.test/"],
            "not a WebSocket scheme",
        ),
    ] {
        let run = wsdoctor(&args).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn output_files_are_written_whole_in_the_format_their_name_says() {
    let lab = lab().await;
    let dir = std::env::temp_dir().join(format!("wsdoctor-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, starts) in [
        ("r.md", "# WS Doctor report"),
        ("r.html", "<!doctype html>"),
        ("r.json", "{"),
    ] {
        let path = dir.join(name);
        let run = wsdoctor(&[
            "check",
            &lab.url("/http"),
            "--output",
            path.to_str().unwrap(),
        ])
        .await;
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_contains!(run.stderr, "report written to");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(starts),
            "{name}: {}",
            &text[..text.len().min(80)]
        );
        assert!(text.contains("handshake.not_websocket"));
    }
    let leftovers: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A directory that does not exist: a clear error, and nothing half-written.
    let run = wsdoctor(&[
        "check",
        &lab.url("/echo"),
        "--output",
        "/nonexistent/dir/r.md",
    ])
    .await;
    assert_eq!(run.code, 1);
    assert_contains!(run.stderr, "cannot write /nonexistent/dir/r.md");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A name that does not resolve, checked inside a network namespace of its own (`unshare --net`), so the
/// lookup fails without any packet leaving the machine.
#[tokio::test]
async fn an_unresolvable_host() {
    let output = Command::new("unshare")
        .args([
            "--net",
            "--",
            BIN,
            "check",
            "ws://nothing.wsdoctor.test/socket",
            "--no-env-proxy",
            "--format",
            "json",
        ])
        .output()
        .await
        .expect("unshare (util-linux) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.code() == Some(1),
        "unshare --net needs root: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["diagnoses"][0]["code"], "dns.unresolved");
    assert_eq!(json["checks"][2]["status"], "skip");
}

#[tokio::test]
async fn the_lab_prints_its_endpoints_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["lab", "--json"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut json = String::new();
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await
    {
        json.push_str(&line);
        if line == "]" {
            break;
        }
    }
    let endpoints: serde_json::Value = serde_json::from_str(&json).unwrap();
    let echo = endpoints
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "echo")
        .unwrap();
    let url = echo["url"].as_str().unwrap().to_string();

    let run = wsdoctor(&["check", &url]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);

    let pid = child.id().unwrap().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the lab stops")
        .unwrap();
    assert!(status.success());
}

/// A server bound to 127.0.0.1 while clients use another name: inside a network namespace of its own,
/// so the name's failed lookup sends nothing anywhere.
#[tokio::test]
async fn a_server_on_loopback_only_while_clients_use_a_name() {
    let script = format!(
        "import socket, subprocess\n\
         s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
         port = s.getsockname()[1]\n\
         r = subprocess.run([{BIN:?}, 'check', f'ws://chat.wsdoctor.test:{{port}}/ws', '--port', str(port), '--no-env-proxy', '--format', 'json'], capture_output=True, text=True)\n\
         print(r.stdout)\n"
    );
    let output = Command::new("unshare")
        .args(["--net", "--", "python3", "-c", &script])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
    let codes: Vec<&str> = json["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"port.loopback_only"), "{codes:?}");
}

#[tokio::test]
async fn server_side_checks_work_without_a_url() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    let run = wsdoctor(&["check", "--nginx-conf", &format!("{fixtures}/nginx/bad")]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Broken: An nginx location proxies without upgrade headers (config.nginx_no_upgrade)"
        ),
        "{}",
        run.stdout
    );
    let run = wsdoctor(&["check", "--proxy-config", &format!("{fixtures}/nginx/good")]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = wsdoctor(&["check", "--log", "/nonexistent.log"]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("/nonexistent.log does not exist"));
    let run = wsdoctor(&["check"]).await;
    assert_eq!(run.code, 2);
    assert_contains!(run.stderr, "nothing to check");
}

async fn connect_script(args: &[&str], input: &str) -> Run {
    support::connect_with(args, &[], input, Duration::from_secs(20)).await
}

#[tokio::test]
async fn connect_as_a_script_sends_each_line_and_exits_with_what_happened() {
    let lab = lab().await;
    let run = connect_script(
        &[&lab.url("/echo"), "--wait", "0.5"],
        "hello\n/hex 00ff\n/ping abc\n/json {\"a\": 1}\n",
    )
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for expected in [
        "← text 5 B  hello",
        "← binary 2 B  00ff",
        "← pong 3 B rtt",
        "← text 7 B  {\"a\":1}",
        "← close 2 B  1000",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected} in {}",
            run.stdout
        );
    }

    let run = connect_script(&[&lab.url("/close-1011"), "--wait", "0.5"], "hi\n").await;
    assert_eq!(run.code, 1, "a server error close is not success");
    assert!(run.stdout.contains("1011: Internal error"));

    let run = connect_script(&["ws://127.0.0.1:9/"], "hi\n").await;
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("connection failed"));

    let run = connect_script(&[&lab.url("/echo"), "--wait", "0.2"], "/hex zz\n").await;
    assert_eq!(run.code, 2);
    assert_contains!(run.stderr, "not sent: not valid hex");

    let run = connect_script(&[&lab.url("/echo"), "--wait", "0.2", "--json"], "x\n").await;
    let first: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "connecting");
}

/// Runs `wsdoctor connect URL < /dev/null` and counts the message lines on its stdout, waiting `delay`
/// between reads (a slow pipe); returns the count, the exit code, whether the close came after the last
/// message, and the lines printed after it.
async fn connect_counting(url: &str, delay: Duration) -> (usize, i32, bool, String) {
    use tokio::io::AsyncReadExt;
    let mut child = Command::new(BIN)
        // The flood closes by itself; the wait only bounds a flood that would not.
        .args(["connect", url, "--wait", "60"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let counted = async {
        let mut lines = 0usize;
        let mut partial = Vec::new();
        // The lines printed since the last message (the close must be among them).
        let mut after_last = Vec::<String>::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = stdout.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            partial.extend_from_slice(&buf[..n]);
            // Whole lines only; the unfinished last one waits for the next read.
            let cut = partial
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let done: Vec<u8> = partial.drain(..cut).collect();
            for line in String::from_utf8_lossy(&done).lines() {
                if line.contains("← text 100 B") {
                    lines += 1;
                    after_last.clear();
                } else if after_last.len() < 50 {
                    after_last.push(line.to_string());
                }
            }
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
        (lines, after_last.join("\n"))
    };
    let ((lines, tail), status) = tokio::time::timeout(Duration::from_secs(120), async {
        let counted = counted.await;
        (counted, child.wait().await.unwrap())
    })
    .await
    .expect("the flood ends in time");
    let closed_last = tail.contains("← close") && tail.contains("lab: flood done");
    (lines, status.code().unwrap_or(-1), closed_last, tail)
}

/// `--wait N` closes N seconds after the last line, whatever the server still sends: a ticker (100
/// messages a second for hours) cannot keep a script running.
#[tokio::test]
async fn the_wait_after_the_last_line_ends_a_script_while_the_server_keeps_sending() {
    let lab = lab().await;
    let started = std::time::Instant::now();
    let run = connect_script(
        &[&lab.url("/flood?n=1000000&rate=100"), "--wait", "1"],
        "hello\n",
    )
    .await;
    let took = started.elapsed();
    assert_contains!(run.stdout, "← text 100 B");
    assert_contains!(run.stdout, "→ close 2 B  1000");
    // The lab's flood reads nothing, so our close goes unanswered: said, and not a clean end (exit 1).
    assert_contains!(
        run.stdout,
        "the server did not answer the close frame within 3 s"
    );
    assert_eq!(run.code, 1);
    assert!(
        took < Duration::from_secs(8),
        "ended {took:?} after it started, with --wait 1"
    );
}

/// Every message of a flood is printed, in order, then the close; exit 0 for the server's clean close.
#[tokio::test]
async fn connect_prints_every_message_of_a_flood_then_the_close() {
    let lab = lab().await;
    let (lines, code, closed_last, tail) =
        connect_counting(&lab.url("/flood?n=100000"), Duration::ZERO).await;
    assert_eq!(lines, 100_000);
    assert_eq!(code, 0);
    assert!(
        closed_last,
        "the close comes after the last message: {tail}"
    );
}

/// When stdout is slower than the socket, the session stops reading (TCP backpressure): still every
/// message, none dropped.
#[tokio::test]
async fn a_slow_reader_loses_nothing() {
    let lab = lab().await;
    let (lines, code, closed_last, tail) =
        connect_counting(&lab.url("/flood?n=20000"), Duration::from_millis(10)).await;
    assert_eq!(lines, 20_000);
    assert_eq!(code, 0);
    assert!(closed_last, "{tail}");
}

/// With `RUST_LOG=trace`, tungstenite would log the whole upgrade request; the CLI caps third-party
/// logs, so neither stderr nor the text report shows the token.
#[tokio::test]
async fn trace_logging_and_the_text_report_keep_secrets_out() {
    let lab = lab().await;
    let token = "Qz-trace-secret-4711";
    let url = format!("{}?access_token={token}", lab.url("/echo"));
    let header = format!("Authorization: Bearer {token}");
    for args in [
        vec![
            "connect",
            url.as_str(),
            "-H",
            header.as_str(),
            "--wait",
            "0.2",
        ],
        vec![
            "check",
            url.as_str(),
            "-H",
            header.as_str(),
            "--format",
            "text",
        ],
    ] {
        let output = tokio::time::timeout(
            Duration::from_secs(30),
            Command::new(BIN)
                .args(&args)
                .env("RUST_LOG", "trace")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .output(),
        )
        .await
        .expect("ends")
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stdout.contains(token), "{args:?} stdout: {stdout}");
        assert!(!stderr.contains(token), "{args:?} stderr: {stderr}");
    }
}
