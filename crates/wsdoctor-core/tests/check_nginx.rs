//! The check behind a real nginx: a correct WebSocket proxy is healthy, and the classic proxy mistakes
//! (upgrade headers not forwarded, a short proxy_read_timeout, a dead upstream, a TLS-only port) are each
//! named. nginx comes from Debian's `nginx-light` (the Makefile installs it) and runs as a child process
//! of the test with its own prefix directory.

mod support;

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
    let upgrade = "proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n            proxy_set_header Host $host;";
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
    }}
    server {{
        listen 127.0.0.1:{port};
        location /good/ {{
            proxy_pass http://{lab}/;
            {upgrade}
        }}
        location /noupgrade/ {{
            proxy_pass http://{lab}/;
        }}
        location /short/ {{
            proxy_pass http://{lab}/;
            {upgrade}
            proxy_read_timeout 1s;
        }}
        location /dead/ {{
            proxy_pass http://127.0.0.1:{dead}/;
            {upgrade}
        }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {p}/cert.pem;
        ssl_certificate_key {p}/key.pem;
        location / {{
            proxy_pass http://{lab}/;
            {upgrade}
        }}
    }}
}}
"#
    )
}

fn start_nginx(lab: SocketAddr) -> Nginx {
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
    let (port, tls_port, dead) = (free_port(), free_port(), free_port());
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config(&prefix, port, tls_port, lab, dead)).unwrap();
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
