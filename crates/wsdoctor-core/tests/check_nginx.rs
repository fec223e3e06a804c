//! The check behind a real nginx: a correct WebSocket proxy is healthy, and the classic proxy mistakes
//! (upgrade headers not forwarded, a short proxy_read_timeout, a dead upstream, a TLS-only port) are each
//! named. nginx comes from Debian's `nginx-light` (the Makefile installs it) and runs as a child process
//! of the test with its own prefix directory.

mod support;

use support::real_servers::node;
use support::{options, root, run};

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{CertificateParams, KeyPair};
use wsdoctor_core::check::CheckOptions;
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::{Report, Verdict};

const NGINX: &str = "/usr/sbin/nginx";

struct Nginx {
    child: Child,
    prefix: PathBuf,
    port: u16,
    tls_port: u16,
    ca_file: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.prefix);
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The locations every test uses, proxying to the lab at `lab`.
fn config(
    prefix: &std::path::Path,
    port: u16,
    tls_port: u16,
    lab: SocketAddr,
    dead: u16,
) -> String {
    let p = prefix.display();
    format!(
        r#"{}
    server {{
        listen 127.0.0.1:{port};
        location /good/ {{
            proxy_pass http://{lab}/;
            {UPGRADE}
        }}
        location /noupgrade/ {{
            proxy_pass http://{lab}/;
        }}
        location /short/ {{
            proxy_pass http://{lab}/;
            {UPGRADE}
            proxy_read_timeout 1s;
        }}
        location /dead/ {{
            proxy_pass http://127.0.0.1:{dead}/;
            {UPGRADE}
        }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        location / {{
            proxy_pass http://{lab}/;
            {UPGRADE}
        }}
    }}
}}
"#,
        preamble(prefix)
    )
}

/// What the upgrade needs from a proxied location.
const UPGRADE: &str = "proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n            proxy_set_header Host $host;";

/// The start of every test config, up to the `http` block's servers (left open).
fn preamble(prefix: &std::path::Path) -> String {
    let p = prefix.display();
    format!(
        r#"
error_log {p}/error.log info;
pid {p}/nginx.pid;
worker_processes 1;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {p}/tmp-body;
    proxy_temp_path {p}/tmp-proxy;
    fastcgi_temp_path {p}/tmp-fastcgi;
    uwsgi_temp_path {p}/tmp-uwsgi;
    scgi_temp_path {p}/tmp-scgi;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}"#
    )
}

fn start_nginx(lab: SocketAddr) -> Nginx {
    let dead = free_port();
    start_nginx_with(|prefix, port, tls_port| config(prefix, port, tls_port, lab, dead))
}

/// nginx with the config `conf` writes for its prefix, port and TLS port (a certificate for 127.0.0.1 is
/// in the prefix as `cert.pem` and `key.pem`).
fn start_nginx_with(conf: impl FnOnce(&std::path::Path, u16, u16) -> String) -> Nginx {
    assert!(
        std::path::Path::new(NGINX).exists(),
        "nginx is not installed: run `make deps` (Debian package nginx-light)"
    );
    let prefix = std::env::temp_dir().join(format!(
        "wsdoctor-nginx-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&prefix).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    std::fs::write(prefix.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(prefix.join("key.pem"), key.serialize_pem()).unwrap();
    let ca_file = prefix.join("ca.pem");
    std::fs::write(&ca_file, cert.pem()).unwrap();
    let (port, tls_port) = (free_port(), free_port());
    let text = conf(&prefix, port, tls_port);
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, text).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off; master_process off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx {
        child,
        prefix,
        port,
        tls_port,
        ca_file,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    nginx
}

fn nginx_options(url: String) -> CheckOptions {
    CheckOptions {
        handshake_timeout: Duration::from_secs(3),
        ..options(url)
    }
}

async fn check(options: CheckOptions) -> Report {
    run(&options, Duration::from_secs(30)).await
}

#[tokio::test]
async fn nginx_proxy_cases() {
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let nginx = start_nginx(lab.addr());
    let base = format!("ws://127.0.0.1:{}", nginx.port);

    // A correct proxy: healthy, and the report says nginx answered.
    let report = check(nginx_options(format!("{base}/good/echo"))).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    let handshake = report.checks.iter().find(|c| c.id == "handshake").unwrap();
    assert!(handshake.summary.contains("nginx"), "{}", handshake.summary);

    // Upgrade headers not forwarded: the backend sees plain HTTP and answers 426 through nginx.
    let mut stripped = nginx_options(format!("{base}/noupgrade/echo"));
    stripped.direct = Some(lab.url("/echo"));
    let report = check(stripped).await;
    assert_eq!(
        root(&report),
        "proxy.upgrade_stripped",
        "{:#?}",
        report.diagnoses
    );
    let evidence: String = report.diagnoses[0]
        .evidence
        .iter()
        .map(|e| e.content.clone())
        .collect();
    assert!(
        evidence.contains("HTTP 101"),
        "the backend, probed directly, accepts: {evidence}"
    );
    assert!(
        report.diagnoses[0]
            .snippet
            .as_deref()
            .unwrap_or("")
            .contains("proxy_set_header Upgrade")
    );

    // A short proxy_read_timeout cuts an idle connection.
    let mut idle = nginx_options(format!("{base}/short/echo"));
    idle.idle = Some(Duration::from_secs(4));
    let report = check(idle).await;
    assert_eq!(root(&report), "idle.timeout", "{:#?}", report.diagnoses);

    // A dead upstream: nginx answers 502.
    let report = check(nginx_options(format!("{base}/dead/echo"))).await;
    assert_eq!(root(&report), "proxy.bad_gateway");

    // Refusals from the backend keep their real cause behind the proxy.
    let report = check(nginx_options(format!("{base}/good/subprotocol"))).await;
    assert_eq!(root(&report), "subprotocol.required");
    let report = check(nginx_options(format!("{base}/good/auth"))).await;
    assert_eq!(root(&report), "handshake.auth_required");

    // ws:// to the TLS-only port: nginx's "plain HTTP request was sent to HTTPS port".
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/echo",
        nginx.tls_port
    )))
    .await;
    assert_eq!(root(&report), "url.needs_wss", "{:#?}", report.diagnoses);

    // wss:// through nginx's TLS, trusting its certificate.
    let mut tls = nginx_options(format!("wss://127.0.0.1:{}/echo", nginx.tls_port));
    tls.ca_file = Some(nginx.ca_file.clone());
    let report = check(tls).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
}

/// Two Socket.IO nodes behind nginx: round-robin loses the session between requests; `ip_hash` keeps it.
#[tokio::test]
async fn socketio_nodes_without_affinity_lose_the_session() {
    let (a, b) = (node("socketio"), node("socketio"));
    let nginx = start_nginx_with(|prefix, port, _| {
        format!(
            r#"{}
    upstream round_robin {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    upstream sticky {{ ip_hash; server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{port};
        location /rr/ {{ proxy_pass http://round_robin/; {UPGRADE} }}
        location /sticky/ {{ proxy_pass http://sticky/; {UPGRADE} }}
    }}
}}
"#,
            preamble(prefix),
            a = a.port,
            b = b.port,
        )
    });
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/rr/socket.io/",
        nginx.port
    )))
    .await;
    assert_eq!(
        root(&report),
        "socketio.session_unknown",
        "{:#?}",
        report.checks
    );
    let report = check(nginx_options(format!(
        "ws://127.0.0.1:{}/sticky/socket.io/",
        nginx.port
    )))
    .await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.checks);
}
