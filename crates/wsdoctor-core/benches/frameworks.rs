//! `cargo bench -p wsdoctor-core --bench frameworks`: the time to a verdict for framework targets, each
//! on a real server (Node socket.io 4 and 2, sockjs, graphql-ws), with the default timeouts. Target: at
//! most 1.5 s each (no `--idle` is asked for).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::real_servers::node;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::framework::Protocol;
use wsdoctor_core::profile::Sensitive;

const RUNS: usize = 20;

#[tokio::main]
async fn main() {
    {
        let socketio = node("socketio");
        let polling_only = node("socketio-polling-only");
        let old = node("socketio-v2");
        let sockjs = node("sockjs");
        let graphql = node("graphql");
        let token = |t: &str| Some(Sensitive::new(format!(r#"{{"token":"{t}"}}"#)));
        let cases: Vec<(&str, CheckOptions)> = vec![
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
            "frameworks: time to a verdict, median of {RUNS} checks, default timeouts (target <= 1500 ms)"
        );
        for (name, options) in cases {
            let mut times = Vec::with_capacity(RUNS);
            let mut verdict = String::new();
            for _ in 0..RUNS {
                let started = Instant::now();
                let report = run_check(&options, None).await.unwrap();
                times.push(started.elapsed());
                verdict = format!(
                    "{} {}",
                    report.verdict.word(),
                    report
                        .diagnoses
                        .first()
                        .map(|d| d.code.as_str())
                        .unwrap_or("")
                );
            }
            times.sort();
            let median = times[times.len() / 2];
            println!(
                "  {name:<30} median {:>7.1} ms, max {:>7.1} ms  {verdict}{}",
                median.as_secs_f64() * 1e3,
                times[times.len() - 1].as_secs_f64() * 1e3,
                if median <= Duration::from_millis(1500) {
                    ""
                } else {
                    "  OVER TARGET"
                }
            );
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
