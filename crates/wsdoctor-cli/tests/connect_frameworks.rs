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

/// Debian's mosquitto with one anonymous MQTT-over-WebSocket listener (beside the plain MQTT listener it
/// needs to start), in a folder of its own; stopped and removed when dropped.
struct Broker {
    server: Server,
    dir: std::path::PathBuf,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.server.child.kill();
        let _ = self.server.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mosquitto() -> Broker {
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port")
    };
    let (plain, ws) = (free(), free());
    let dir = std::env::temp_dir().join(format!("wsdoctor-cli-mqtt-{}-{ws}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!(
            "user root\npersistence false\nlog_dest none\nlistener {plain} 127.0.0.1\nprotocol mqtt\nallow_anonymous true\nlistener {ws}\nprotocol websockets\nallow_anonymous true\n"
        ),
    )
    .unwrap();
    let child = std::process::Command::new("/usr/sbin/mosquitto")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto runs (make deps: Debian package mosquitto)");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", ws)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "mosquitto did not listen on {ws}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Broker {
        server: Server { child, port: ws },
        dir,
    }
}

/// `connect --protocol mqtt` speaks MQTT as it speaks STOMP: CONNECT (offering the `mqtt` subprotocol,
/// as MQTT.js does), then the script's SUBSCRIBE, PUBLISH (QoS 1, retained) and UNSUBSCRIBE, each
/// answer joined to what it answers, and the broker's message acknowledged.
#[tokio::test]
async fn mqtt_scripts_subscribe_publish_and_print_what_the_broker_says() {
    let broker = mosquitto();
    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/", broker.server.port),
            "--protocol",
            "mqtt",
        ],
        "subscribe wsdoctor/test 1\npublish -q 1 -r wsdoctor/test hello there\nunsubscribe wsdoctor/test\n",
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for expected in [
        "open: HTTP 101, subprotocol mqtt",
        "← CONNACK  (accepted: MQTT 3.1.1",
        "(answers SUBSCRIBE wsdoctor/test after",
        "← PUBLISH wsdoctor/test 1 hello there  (QoS 1)",
        "→ PUBACK 1  (acknowledges the broker's PUBLISH on wsdoctor/test)",
        "(answers PUBLISH wsdoctor/test after",
        "← UNSUBACK 3",
    ] {
        assert_contains!(run.stdout, expected);
    }
    // A line that is no MQTT command is bad input, said with the commands there are.
    let run = connect(
        &[
            &format!("ws://127.0.0.1:{}/mqtt", broker.server.port),
            "--protocol",
            "mqtt",
        ],
        "publish wsdoctor/+ x\n",
    )
    .await;
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert_contains!(run.stderr, "wildcards");
}
