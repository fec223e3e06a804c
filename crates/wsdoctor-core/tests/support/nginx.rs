//! A real nginx for the tests that put one in front of a server: nginx comes from Debian's `nginx-light`
//! (the Makefile installs it) and runs as a child process of the test with its own prefix directory,
//! killed when the test ends.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use rcgen::{CertificateParams, KeyPair};

use super::{InFolder, free_port, free_ports, start_retrying};

const NGINX: &str = "/usr/sbin/nginx";

pub struct Nginx {
    /// The process, run from its prefix directory.
    pub process: InFolder,
    pub port: u16,
    pub tls_port: u16,
    pub ca_file: PathBuf,
}

/// The headers a WebSocket location forwards.
pub const UPGRADE: &str = "proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n            proxy_set_header Host $host;";

/// The start of every test config, up to the `http` block's servers (left open).
pub fn preamble(prefix: &std::path::Path) -> String {
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

/// nginx with one plain server on a free port of 127.0.0.1 (given to `locations`), whose body is what
/// `locations` writes.
pub fn start_nginx_server(locations: impl Fn(u16) -> String) -> Nginx {
    start_nginx_with(|prefix, port, _| {
        format!(
            "{}\n    server {{\n        listen 127.0.0.1:{port};\n{}\n    }}\n}}\n",
            preamble(prefix),
            locations(port)
        )
    })
}

/// nginx with the config `conf` writes for its prefix, port and TLS port (a certificate for 127.0.0.1 is
/// in the prefix as `cert.pem` and `key.pem`).
pub fn start_nginx_with(conf: impl Fn(&std::path::Path, u16, u16) -> String) -> Nginx {
    assert!(
        std::path::Path::new(NGINX).exists(),
        "nginx is not installed: run `make deps` (Debian package nginx-light)"
    );
    start_retrying("nginx", || attempt(&conf))
}

fn attempt(conf: &impl Fn(&std::path::Path, u16, u16) -> String) -> Result<Nginx, String> {
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
    let [port, tls_port] = free_ports();
    let text = conf(&prefix, port, tls_port);
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, &text).unwrap();
    let mut command = Command::new(NGINX);
    command
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off; master_process off;"]);
    // nginx listens on the ports it could bind while it retries the others, then exits: wait for every
    // port the config uses. What it says before its error log is open (a config it cannot read) goes to
    // stderr.
    let mut ports = vec![port];
    if text.contains(&format!(":{tls_port}")) {
        ports.push(tls_port);
    }
    let process = InFolder::start(
        command,
        prefix,
        &ports,
        Duration::from_secs(10),
        "error.log",
    )?;
    Ok(Nginx {
        process,
        port,
        tls_port,
        ca_file,
    })
}
