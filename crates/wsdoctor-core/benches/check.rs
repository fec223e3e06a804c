//! `cargo bench -p wsdoctor-core --bench check`: how long a check takes against the built-in lab.
//!
//! Prints the median (and spread) of many checks of the healthy echo: with default options (the
//! environment's and the desktop's proxy settings consulted, as a front end reads them at start) the
//! median must stay at or under 10 ms (the whole `wsdoctor check` process: the `check_process` bench of
//! the CLI). Then one check of each broken endpoint with the default timeouts (connect 5 s, handshake 5 s, reply
//! 1 s, close 2 s), which must each end within those timeouts.

use std::time::{Duration, Instant};

use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::lab::{Lab, LabConfig};

const HEALTHY_RUNS: usize = 200;

fn options(url: String) -> CheckOptions {
    CheckOptions {
        url,
        use_env_proxy: false,
        ..CheckOptions::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The median of `runs` timings of `once`.
async fn median<F: std::future::Future<Output = ()>>(
    runs: usize,
    once: impl Fn() -> F,
) -> (Duration, Vec<Duration>) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        once().await;
        times.push(started.elapsed());
    }
    times.sort();
    (percentile(&times, 0.5), times)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // As the CLI and the app do when they start.
    wsdoctor_core::net::prefetch_desktop_proxy();
    runtime.block_on(async {
        let lab = Lab::start(LabConfig::default()).await.unwrap();

        let url = lab.url("/echo");
        let defaults = CheckOptions {
            url: url.clone(),
            ..CheckOptions::default()
        };
        let (check, times) = median(HEALTHY_RUNS, || async {
            let report = run_check(&defaults, None).await.unwrap();
            assert_eq!(report.verdict.word(), "healthy");
        })
        .await;
        println!(
            "healthy /echo, default options, {HEALTHY_RUNS} checks: median {:.2} ms, p90 {:.2} ms (target: median <= 10 ms)",
            ms(check),
            ms(percentile(&times, 0.9)),
        );

        let mut times = Vec::with_capacity(HEALTHY_RUNS);
        for _ in 0..HEALTHY_RUNS {
            let started = Instant::now();
            let report = run_check(&options(lab.url("/echo")), None).await.unwrap();
            times.push(started.elapsed());
            assert_eq!(report.verdict.word(), "healthy");
        }
        times.sort();
        println!(
            "healthy /echo, {HEALTHY_RUNS} checks: median {:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms (target: median <= 300 ms)",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.9).as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
        );

        println!("broken endpoints, default timeouts (connect 5 s, handshake 5 s, reply 1 s, close 2 s):");
        for path in ["/close-1011", "/http", "/auth", "/origin", "/subprotocol", "/bad-accept", "/redirect", "/no-pong", "/hang"] {
            let started = Instant::now();
            let report = run_check(&options(lab.url(path)), None).await.unwrap();
            let code = report.diagnoses.first().map(|d| d.code.clone()).unwrap_or_default();
            println!("  {path:<13} {:>8.1} ms  {code}", started.elapsed().as_secs_f64() * 1e3);
        }
        let refused = {
            let url = lab.url("/echo");
            lab.shutdown().await;
            let started = Instant::now();
            let report = run_check(&options(url), None).await.unwrap();
            (started.elapsed(), report.diagnoses[0].code.clone())
        };
        println!("  {:<13} {:>8.1} ms  {}", "(stopped)", refused.0.as_secs_f64() * 1e3, refused.1);
    });
}
