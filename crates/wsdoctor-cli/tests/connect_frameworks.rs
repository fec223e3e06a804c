//! `wsdoctor connect --protocol …` as a script runs it, against the real Node servers of
//! `tests/servers/`: Socket.IO events and acks, a GraphQL subscription, and refusals that exit 1 with
//! their catalog code on stderr.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;
use wsdoctor_core::{assert_contains, assert_lacks};

mod support;

use support::Run;

/// A Node test server in `mode`, stopped when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn node(mode: &str) -> Server {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/servers/node_server.mjs");
    let mut child = std::process::Command::new("node")
        .arg(script)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (make deps)");
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{mode}: no port in {line:?} (make deps)"));
    Server { child, port }
}

async fn connect(args: &[&str], input: &str) -> Run {
    support::connect_with(
        args,
        &["--wait", "0.5", "--no-env-proxy"],
        input,
        Duration::from_secs(30),
    )
    .await
}

#[tokio::test]
async fn socketio_scripts_emit_print_events_and_acks_and_exit_0() {
    let server = node("socketio");
    let url = format!("http://127.0.0.1:{}/", server.port);
    let run = connect(
        &[&url, "--protocol", "socketio", "--ack-timeout", "0.5"],
        "emit echo {\"text\": \"hi\"} 2\nemit-ack echo \"acked\"\nemit-ack no-ack 1\n",
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Events and acks as the protocol reads them; the heartbeats hidden.
    assert_contains!(run.stdout, r#"← event echo [{"text":"hi"},2]"#);
    assert!(
        run.stdout
            .contains(r#"← ack echo 1 ["acked"]  (acknowledges emit echo"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ack_timeout no-ack 2  (no ack for emit no-ack"),
        "{}",
        run.stdout
    );
    assert_lacks!(run.stdout, "heartbeat");
    assert_lacks!(run.stdout, "← ping");

    // --json: every entry, decoded and raw.
    let run = connect(&[&url, "--protocol", "socketio", "--json"], "emit echo 1\n").await;
    let echo = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["direction"] == "in" && e["decoded"]["name"] == "echo")
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(echo["text"], r#"42["echo",1]"#);
    assert_eq!(echo["decoded"]["body"], "[1]");

    // A line that is no Socket.IO command is bad input (2), said with the commands there are.
    let run = connect(&[&url, "--protocol", "socketio"], "hello\n").await;
    assert_eq!(run.code, 2);
    assert_contains!(run.stderr, "emit EVENT");
}

#[tokio::test]
async fn a_refusal_exits_1_with_its_catalog_code() {
    let server = node("socketio");
    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/admin", server.port),
            "--protocol",
            "socketio",
        ],
        "emit hello\n",
    )
    .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_contains!(run.stderr, "socketio.connect_rejected");
    assert_contains!(run.stdout, "connect_error /admin");

    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/admin", server.port),
            "--protocol",
            "socketio",
            "--auth",
            r#"{"token": "admin-token"}"#,
        ],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains!(run.stdout, r#"← event welcome [{"namespace":"/admin"}]"#);
    assert_lacks!(run.stdout, "admin-token");

    let graphql = node("graphql");
    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/", graphql.port),
            "--protocol",
            "graphql-ws",
        ],
        "",
    )
    .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_contains!(run.stderr, "graphql.connection_rejected");
}

#[tokio::test]
async fn graphql_scripts_subscribe_and_print_results_by_operation() {
    let server = node("graphql");
    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/", server.port),
            "--protocol",
            "graphql-ws",
            "--auth",
            r#"{"token": "gql-token"}"#,
        ],
        "subscribe subscription Count($n: Int) { tick(n: $n) } {\"n\": 2}\n",
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains!(run.stdout, r#"← next 1 {"data":{"tick":1}}"#);
    assert_contains!(run.stdout, r#"← next 1 {"data":{"tick":2}}"#);
    assert_contains!(run.stdout, "← complete 1");
}
