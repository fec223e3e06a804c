//! A real squid for the tests of forward proxies: Debian's `squid` (the Makefile installs it), run in the
//! foreground as a child of the test with its own config and password file, killed when the test ends.
//! Three ports: `strict` allows CONNECT to port 443 only (squid's shipped rule), `auth` asks for Basic
//! credentials and then allows any port, `open` allows any port to anyone.

use std::process::Command;
use std::time::Duration;

use super::{InFolder, free_port, free_ports, start_retrying};

const SQUID: &str = "/usr/sbin/squid";
/// The user and password the `auth` port takes.
pub const USER: &str = "tester";
pub const PASSWORD: &str = "sq-pass-7781";
/// A name only squid knows (its hosts file says 127.0.0.1): a target that is not loopback by name, so
/// that a browser's rules send it through a proxy.
pub const PROXIED_NAME: &str = "lab.proxied.test";

pub struct Squid {
    /// The process, run from its own folder.
    pub process: InFolder,
    /// CONNECT to 443 only, no credentials.
    pub strict_port: u16,
    /// Basic credentials ([`USER`], [`PASSWORD`]), any port.
    pub auth_port: u16,
    /// Any port, no credentials.
    pub open_port: u16,
}

pub fn start_squid() -> Squid {
    assert!(
        std::path::Path::new(SQUID).exists(),
        "squid is not installed: run `make deps` (Debian package squid)"
    );
    start_retrying("squid", attempt)
}

fn attempt() -> Result<Squid, String> {
    let dir = std::env::temp_dir().join(format!(
        "wsdoctor-squid-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    // An APR1 (Apache MD5) hash, which squid's basic_ncsa_auth reads.
    let hash = Command::new("openssl")
        .args(["passwd", "-apr1", PASSWORD])
        .output()
        .expect("openssl runs");
    assert!(hash.status.success(), "openssl passwd failed");
    let passwd = dir.join("passwd");
    std::fs::write(
        &passwd,
        format!("{USER}:{}", String::from_utf8_lossy(&hash.stdout).trim()),
    )
    .unwrap();
    let [strict_port, auth_port, open_port] = free_ports();
    let d = dir.display();
    let conf = format!(
        r#"
http_port 127.0.0.1:{strict_port} name=strict
http_port 127.0.0.1:{auth_port} name=auth
http_port 127.0.0.1:{open_port} name=open
auth_param basic program /usr/lib/squid/basic_ncsa_auth {passwd}
auth_param basic realm WS Doctor test proxy
acl strict_port myportname strict
acl auth_port myportname auth
acl open_port myportname open
acl SSL_ports port 443
acl CONNECT method CONNECT
acl authed proxy_auth REQUIRED
http_access deny CONNECT strict_port !SSL_ports
http_access allow strict_port
http_access allow auth_port authed
http_access allow open_port
http_access deny all
cache deny all
pid_filename none
access_log none
cache_log {d}/cache.log
hosts_file {d}/hosts
logfile_rotate 0
shutdown_lifetime 0 seconds
coredump_dir {d}
"#,
        passwd = passwd.display()
    );
    std::fs::write(dir.join("hosts"), format!("127.0.0.1 {PROXIED_NAME}\n")).unwrap();
    let conf_file = dir.join("squid.conf");
    std::fs::write(&conf_file, conf).unwrap();
    let mut command = Command::new(SQUID);
    command.arg("-N").arg("-f").arg(&conf_file);
    let ports = [strict_port, auth_port, open_port];
    let process = InFolder::start(command, dir, &ports, Duration::from_secs(20), "cache.log")?;
    Ok(Squid {
        process,
        strict_port,
        auth_port,
        open_port,
    })
}
