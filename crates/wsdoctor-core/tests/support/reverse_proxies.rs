//! Real HAProxy and Apache httpd in front of a test's server: Debian's `haproxy` and `apache2` (the
//! Makefile installs them), each in the foreground as a child of the test with a config of the test's own
//! in a folder of its own, killed when the test ends.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{InFolder, free_port, start_retrying};

pub struct ReverseProxy {
    /// The process, run from its own folder.
    pub process: InFolder,
    pub port: u16,
    /// The config it runs, for the audit to read.
    pub config: PathBuf,
}

fn own_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "wsdoctor-{what}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command` from the folder of its `config`; `log` is its own log there.
fn started(
    command: Command,
    config: PathBuf,
    port: u16,
    log: &str,
) -> Result<ReverseProxy, String> {
    let dir = config
        .parent()
        .expect("the config is in its folder")
        .to_path_buf();
    let process = InFolder::start(command, dir, &[port], Duration::from_secs(10), log)?;
    Ok(ReverseProxy {
        process,
        port,
        config,
    })
}

/// HAProxy listening on a free port of 127.0.0.1, with `body` (everything after `global`; `{port}` in it
/// is the port to bind).
pub fn start_haproxy(body: impl Fn(u16) -> String) -> ReverseProxy {
    const HAPROXY: &str = "/usr/sbin/haproxy";
    assert!(
        Path::new(HAPROXY).exists(),
        "haproxy is not installed: run `make deps` (Debian package haproxy)"
    );
    start_retrying("haproxy", || {
        let dir = own_dir("haproxy");
        let port = free_port();
        let conf = dir.join("haproxy.cfg");
        std::fs::write(&conf, format!("global\n    maxconn 100\n{}", body(port))).unwrap();
        let mut command = Command::new(HAPROXY);
        command.arg("-db").arg("-f").arg(&conf);
        started(command, conf, port, "none.log")
    })
}

/// Apache httpd (the event MPM, mod_proxy and mod_proxy_http; no mod_proxy_wstunnel) listening on a free
/// port of 127.0.0.1, with `body` appended to the base config.
pub fn start_apache(body: &str) -> ReverseProxy {
    const APACHE: &str = "/usr/sbin/apache2";
    assert!(
        Path::new(APACHE).exists(),
        "apache2 is not installed: run `make deps` (Debian package apache2)"
    );
    start_retrying("apache", || {
        let dir = own_dir("apache");
        let port = free_port();
        let d = dir.display();
        let modules = "/usr/lib/apache2/modules";
        let conf = dir.join("httpd.conf");
        std::fs::write(
        &conf,
        format!(
            "ServerRoot {d}\nServerName 127.0.0.1\nPidFile {d}/httpd.pid\nErrorLog {d}/error.log\n\
             Listen 127.0.0.1:{port}\n\
             LoadModule mpm_event_module {modules}/mod_mpm_event.so\n\
             LoadModule authz_core_module {modules}/mod_authz_core.so\n\
             LoadModule proxy_module {modules}/mod_proxy.so\n\
             LoadModule proxy_http_module {modules}/mod_proxy_http.so\n\
             User nobody\nGroup nogroup\n{body}\n"
        ),
    )
    .unwrap();
        let mut command = Command::new(APACHE);
        command.arg("-X").arg("-f").arg(&conf);
        started(command, conf, port, "error.log")
    })
}
