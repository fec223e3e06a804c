//! The real servers the tests start from `tests/servers/` (Python `websockets`, Node `ws` and Socket.IO),
//! each in a mode of its own, on a free port it reports; they stop with the test.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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

pub fn node(mode: &str) -> Spawned {
    assert!(
        repo().join("tests/servers/node_modules/ws").exists(),
        "Node ws is missing: run `make deps`"
    );
    start(PathBuf::from("node"), "node_server.mjs", mode)
}
