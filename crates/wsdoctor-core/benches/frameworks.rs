//! `cargo bench -p wsdoctor-core --bench frameworks`: the time to a verdict for framework targets, each
//! on a real server (Node socket.io 4 and 2, the lab's socketioxide, sockjs, graphql-ws, RabbitMQ over
//! Web-STOMP, behind a STOMP gateway and inside SockJS, and the Phoenix stand-in), with the default
//! timeouts. Target: at most 1.5 s each beyond its `--idle`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use support::real_servers::{node, python, rabbitmq};
use support::timing::print_time_to_verdict;
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::profile::Sensitive;

const RUNS: usize = 20;
/// Runs of a case that holds the session idle (each lasts its idle time).
const IDLE_RUNS: usize = 5;

#[tokio::main]
async fn main() {
    {
        let socketio = node("socketio");
        let polling_only = node("socketio-polling-only");
        let old = node("socketio-v2");
        let sockjs = node("sockjs");
        let graphql = node("graphql");
        let broker = rabbitmq();
        let gateway = python(&format!("stomp-gateway:{}", broker.stomp_port));
        let relay = node(&format!("sockjs-stomp:{}", broker.stomp_port));
        let phoenix = python("phoenix");
        let lab = wsdoctor_core::lab::Lab::start(Default::default())
            .await
            .expect("the lab starts");
        let token = |t: &str| Some(Sensitive::new(format!(r#"{{"token":"{t}"}}"#)));
        let guest = || {
            Some(Sensitive::new(
                r#"{"login":"guest","passcode":"guest"}"#.to_string(),
            ))
        };
        let idle = |options: CheckOptions| CheckOptions {
            idle: Some(Duration::from_secs(2)),
            ..options
        };
        let cases: Vec<(&str, CheckOptions)> = vec![
            (
                "Socket.IO, held 2 s idle",
                idle(target(
                    format!("ws://127.0.0.1:{}/socket.io/", socketio.port),
                    Protocol::Auto,
                )),
            ),
            (
                "Socket.IO 2 client, 4 server",
                target(
                    format!("ws://127.0.0.1:{}/socket.io/?EIO=3", socketio.port),
                    Protocol::Auto,
                ),
            ),
            (
                "Socket.IO, lab (socketioxide)",
                target(lab.url("/socket.io/"), Protocol::Auto),
            ),
            (
                "STOMP, RabbitMQ",
                CheckOptions {
                    auth: guest(),
                    ..target(
                        format!("ws://127.0.0.1:{}/ws", broker.port),
                        Protocol::Stomp,
                    )
                },
            ),
            (
                "STOMP, heart-beats 2 s idle",
                idle(CheckOptions {
                    auth: guest(),
                    ..target(
                        format!("ws://127.0.0.1:{}/ws", broker.port),
                        Protocol::Stomp,
                    )
                }),
            ),
            (
                "STOMP, subprotocol required",
                CheckOptions {
                    auth: guest(),
                    ..target(format!("ws://127.0.0.1:{}/", gateway.port), Protocol::Stomp)
                },
            ),
            (
                "STOMP inside SockJS",
                CheckOptions {
                    auth: guest(),
                    ..target(
                        format!("http://127.0.0.1:{}/stomp", relay.port),
                        Protocol::Stomp,
                    )
                },
            ),
            (
                "Phoenix (stand-in)",
                target(
                    format!("ws://127.0.0.1:{}/socket/websocket?vsn=2.0.0", phoenix.port),
                    Protocol::Auto,
                ),
            ),
            (
                "Socket.IO, healthy",
                target(
                    format!("ws://127.0.0.1:{}/socket.io/", socketio.port),
                    Protocol::Auto,
                ),
            ),
            (
                "Socket.IO, unknown namespace",
                target(
                    format!("http://127.0.0.1:{}/nope", socketio.port),
                    Protocol::Socketio,
                ),
            ),
            (
                "Socket.IO, middleware refuses",
                target(
                    format!("http://127.0.0.1:{}/admin", socketio.port),
                    Protocol::Socketio,
                ),
            ),
            (
                "Socket.IO, polling only",
                target(
                    format!("ws://127.0.0.1:{}/socket.io/", polling_only.port),
                    Protocol::Auto,
                ),
            ),
            (
                "Socket.IO 2 server",
                target(
                    format!("ws://127.0.0.1:{}/socket.io/", old.port),
                    Protocol::Auto,
                ),
            ),
            (
                "SockJS, healthy",
                target(
                    format!("ws://127.0.0.1:{}/echo", sockjs.port),
                    Protocol::Sockjs,
                ),
            ),
            (
                "GraphQL, healthy",
                CheckOptions {
                    auth: token("gql-token"),
                    ..target(
                        format!("ws://127.0.0.1:{}/", graphql.port),
                        Protocol::GraphqlWs,
                    )
                },
            ),
            (
                "GraphQL, refused",
                target(
                    format!("ws://127.0.0.1:{}/", graphql.port),
                    Protocol::GraphqlWs,
                ),
            ),
        ];
        println!(
            "frameworks: time to a verdict, median of {RUNS} checks ({IDLE_RUNS} when held idle), default timeouts (target <= 1500 ms beyond --idle)"
        );
        for (name, options) in cases {
            let held = options.idle.unwrap_or_default();
            let runs = if held.is_zero() { RUNS } else { IDLE_RUNS };
            print_time_to_verdict(name, &options, runs, held + Duration::from_millis(1500)).await;
        }
    }
}

fn target(url: String, protocol: Protocol) -> CheckOptions {
    CheckOptions {
        url,
        protocol,
        use_env_proxy: false,
        ..CheckOptions::default()
    }
}
