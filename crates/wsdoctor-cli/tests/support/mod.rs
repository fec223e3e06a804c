//! What the CLI's tests share: the built `wsdoctor` and a run of it, its output and exit status kept.
#![allow(dead_code)] // each test file uses the part it needs

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_wsdoctor");

/// How a run of `wsdoctor` ended.
pub struct Run {
    /// The exit status (-1 when a signal ended it).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `wsdoctor connect ARGS`, `extra` after them, with `input` on its standard input (then closed); it must
/// end within `limit`.
pub async fn connect_with(args: &[&str], extra: &[&str], input: &str, limit: Duration) -> Run {
    let mut child = Command::new(BIN)
        .arg("connect")
        .args(args)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("wsdoctor runs");
    let mut stdin = child.stdin.take().expect("a piped stdin");
    stdin
        .write_all(input.as_bytes())
        .await
        .expect("stdin takes the script");
    drop(stdin);
    let output = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .expect("ends")
        .expect("wsdoctor runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
