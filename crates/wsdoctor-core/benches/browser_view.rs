//! `cargo bench -p wsdoctor-core --bench browser_view`: the time to a verdict for what this issue made a
//! check see as a browser does, each on a real server with the default timeouts: compression agreed and
//! inflated (Python websockets; Node ws echoing 480 KB compressed), the page's CSP (real nginx), a forward
//! proxy that asks for credentials (real squid), the browser's cookies. Target: at most 1.5 s each. Then
//! the bench's peak RSS (target: under 200 MB).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use support::nginx::{UPGRADE, start_nginx_server};
use support::real_servers::{node, python};
use support::squid::start_squid;
use support::timing::print_time_to_verdict;
use wsdoctor_core::check::CheckOptions;

const RUNS: usize = 10;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

#[tokio::main]
async fn main() {
    let websockets = python("echo");
    let deflate = node("deflate");
    let lab = wsdoctor_core::lab::Lab::start(Default::default())
        .await
        .expect("the lab starts");
    let lab_port = lab.addr().port();
    let nginx = start_nginx_server(|_| {
        format!(
            r#"
        default_type text/html;
        location = /app.html {{
            add_header Content-Security-Policy "default-src 'self'; connect-src 'self'";
            return 200 '<html><body>app</body></html>';
        }}
        location /ws/ {{ proxy_pass http://127.0.0.1:{lab_port}/; {UPGRADE} }}
"#
        )
    });
    let squid = start_squid();
    let jar = std::env::temp_dir().join(format!("wsdoctor-bench-jar-{}", std::process::id()));
    std::fs::write(&jar, "127.0.0.1\tFALSE\t/\tTRUE\t0\tsid\tbench-session\n").unwrap();

    let base = |url: String| CheckOptions {
        url,
        use_env_proxy: false,
        ..CheckOptions::default()
    };
    let cases: Vec<(&str, CheckOptions)> = vec![
        (
            "compressed echo, 3 KB",
            CheckOptions {
                message: "wsdoctor check ".repeat(200),
                ..base(format!("ws://127.0.0.1:{}/", websockets.port))
            },
        ),
        (
            "compressed echo, 480 KB",
            CheckOptions {
                message: "wsdoctor check ".repeat(32 * 1024),
                ..base(format!("ws://127.0.0.1:{}/", deflate.port))
            },
        ),
        (
            "page CSP allows ('self')",
            CheckOptions {
                page_url: Some(format!("http://127.0.0.1:{}/app.html", nginx.port)),
                ..base(format!("ws://127.0.0.1:{}/ws/echo", nginx.port))
            },
        ),
        (
            "page CSP blocks",
            CheckOptions {
                page_url: Some(format!("http://127.0.0.1:{}/app.html", nginx.port)),
                ..base(lab.url("/echo"))
            },
        ),
        (
            "squid asks for credentials",
            CheckOptions {
                proxy: Some(format!("http://127.0.0.1:{}", squid.auth_port)),
                ..base(lab.url("/echo"))
            },
        ),
        (
            "cookie jar (Secure, 127.0.0.1)",
            CheckOptions {
                cookie_file: Some(jar.clone()),
                ..base(lab.url("/echo"))
            },
        ),
    ];
    println!(
        "browser_view: time to a verdict, median of {RUNS} checks, default timeouts (target <= 1500 ms)"
    );
    for (name, options) in cases {
        print_time_to_verdict(name, &options, RUNS, Duration::from_millis(1500)).await;
    }
    let peak = peak_rss_mb();
    println!(
        "  peak RSS of the bench: {peak:.0} MB{}",
        if peak < 200.0 { "" } else { "  OVER TARGET" }
    );
    let _ = std::fs::remove_file(&jar);
}
