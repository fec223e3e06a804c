//! The real servers the tests start: from `tests/servers/` (Python `websockets`, Node `ws`, Socket.IO,
//! SockJS, graphql-ws), each in a mode of its own, on a free port it reports; and RabbitMQ with its
//! Web-STOMP plugin, a real STOMP broker over WebSocket. They stop with the test.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::free_ports;

use super::Spawned;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn start(program: PathBuf, script: &str, mode: &str) -> Spawned {
    assert!(
        program.exists() || program.components().count() == 1,
        "{} is missing: run `make deps`",
        program.display()
    );
    let mut child = Command::new(&program)
        .arg(repo().join("tests/servers").join(script))
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} {script}: {e} (run `make deps`)",
                program.display()
            )
        });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            panic!("{script} {mode} did not report its port (got {line:?}); run `make deps`")
        });
    Spawned { child, port }
}

pub fn python(mode: &str) -> Spawned {
    let python = std::env::var_os("WSDOCTOR_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/py/bin/python"));
    start(python, "py_server.py", mode)
}

/// Which Python the ASGI servers run on: `Standard` has a WebSocket library (`websockets`, as
/// `uvicorn[standard]` brings), `Bare` none (plain `pip install uvicorn`).
#[derive(Debug, Clone, Copy)]
pub enum Asgi {
    Standard,
    Bare,
}

/// An ASGI server from tests/servers/asgi_server.py (uvicorn, daphne) in `mode`.
pub fn asgi(venv: Asgi, mode: &str) -> Spawned {
    let python = match venv {
        Asgi::Standard => repo().join("target/py/bin/python"),
        Asgi::Bare => repo().join("target/py-bare/bin/python"),
    };
    start(python, "asgi_server.py", mode)
}

pub fn node(mode: &str) -> Spawned {
    assert!(
        repo().join("tests/servers/node_modules/ws").exists(),
        "Node ws is missing: run `make deps`"
    );
    start(PathBuf::from("node"), "node_server.mjs", mode)
}

/// A RabbitMQ node of the test's own (its own name, folders and ports) with Web-STOMP on a free port,
/// `ws://127.0.0.1:PORT/ws`, and STOMP over plain TCP on `stomp_port` (for the gateways the tests put in
/// front of it); the whole process group is stopped when the test ends.
pub struct Broker {
    child: std::process::Child,
    dir: PathBuf,
    pub port: u16,
    pub stomp_port: u16,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn rabbitmq() -> Broker {
    use std::os::unix::process::CommandExt;
    let server = PathBuf::from("/usr/lib/rabbitmq/bin/rabbitmq-server");
    assert!(
        server.exists(),
        "RabbitMQ is not installed: run `make deps` (Debian package rabbitmq-server)"
    );
    let [port, dist, stomp_port] = free_ports();
    let dir = std::env::temp_dir().join(format!("wsdoctor-rabbitmq-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("enabled_plugins"), "[rabbitmq_web_stomp].\n").unwrap();
    std::fs::write(
        dir.join("rabbitmq.conf"),
        format!(
            "listeners.tcp = none\nweb_stomp.tcp.port = {port}\nweb_stomp.tcp.ip = 127.0.0.1\nstomp.listeners.tcp.1 = 127.0.0.1:{stomp_port}\n"
        ),
    )
    .unwrap();
    let child = Command::new(&server)
        .env("RABBITMQ_NODENAME", format!("wsdoctor-{port}@localhost"))
        .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
        .env("RABBITMQ_LOG_BASE", dir.join("log"))
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("enabled_plugins"))
        .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq"))
        .env("RABBITMQ_PID_FILE", dir.join("pid"))
        .env("RABBITMQ_DIST_PORT", dist.to_string())
        .env("HOME", &dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("rabbitmq-server starts");
    let broker = Broker {
        child,
        dir,
        port,
        stomp_port,
    };
    // Erlang boots in seconds, longer on a loaded machine.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        || std::net::TcpStream::connect(("127.0.0.1", stomp_port)).is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "RabbitMQ did not start listening in 90 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    broker
}
