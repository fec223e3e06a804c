//! The benches' timing of a check: how long it takes to a verdict, its median and worst over a number of
//! runs, printed beside the target it is held to.

use std::time::{Duration, Instant};

use wsdoctor_core::check::{CheckOptions, run_check};

/// Runs the check of `options` `runs` times and prints a line: the median and worst time to a verdict, the
/// verdict and first cause, and "OVER TARGET" when the median passes `target`.
pub async fn print_time_to_verdict(
    name: &str,
    options: &CheckOptions,
    runs: usize,
    target: Duration,
) {
    let mut times = Vec::with_capacity(runs);
    let mut verdict = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let report = run_check(options, None).await.expect("valid options");
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
        if median <= target {
            ""
        } else {
            "  OVER TARGET"
        }
    );
}
