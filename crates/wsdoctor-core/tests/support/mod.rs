//! What the integration tests share: check options with short timeouts and a run that must end in time,
//! the root cause of a report; and raw servers, a listener on 127.0.0.1 that serves each connection with a
//! behaviour written for the case, with the few protocol pieces those behaviours need (read a request
//! head, answer the upgrade, write a frame). Shared so each test file states only its cases.
#![allow(dead_code)] // each test file uses the part it needs

pub mod mosquitto;
pub mod nginx;
pub mod real_servers;
pub mod reverse_proxies;
pub mod squid;
pub mod timing;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::console::{
    ConsoleSession, Direction, Entry, EntryKind, Limits, SessionConfig, SessionState,
};
use wsdoctor_core::report::{CheckStatus, Report};

/// A port of 127.0.0.1 that was free a moment ago, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Distinct ports of 127.0.0.1 that were free a moment ago, for a server that listens on several: they
/// are held together while chosen, so no two are the same.
pub fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<std::net::TcpListener> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1"))
        .collect();
    std::array::from_fn(|i| held[i].local_addr().expect("a bound port").port())
}

/// Waits until `child` accepts connections on every one of `ports`, for up to `within`. A port chosen
/// free can be taken by another test before the server binds it, and the server then exits: the error
/// says whether it exited or was still not listening, with what its `logs` hold, for the caller to start
/// it again on fresh ports ([`start_retrying`]).
pub fn wait_listening(
    child: &mut Child,
    ports: &[u16],
    within: Duration,
    logs: &[std::path::PathBuf],
) -> Result<(), String> {
    let deadline = std::time::Instant::now() + within;
    let failed = |why: String| {
        let logs: String = logs
            .iter()
            .map(|log| std::fs::read_to_string(log).unwrap_or_default())
            .collect();
        Err(format!("{why}: {logs}"))
    };
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return failed(format!("it exited ({status}) before listening"));
        }
        if ports
            .iter()
            .all(|port| std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok())
        {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return failed(format!(
                "it was not listening on {ports:?} after {within:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a server process with `attempt`, up to three times: each attempt chooses fresh ports, so a
/// port another test took in the meantime costs a restart, not the test. Panics with the last
/// attempt's error (which carries the server's log).
pub fn start_retrying<T>(what: &str, mut attempt: impl FnMut() -> Result<T, String>) -> T {
    let mut errors = Vec::new();
    for _ in 0..3 {
        match attempt() {
            Ok(started) => return started,
            Err(error) => errors.push(error),
        }
    }
    panic!(
        "{what} did not start listening in three attempts:\n{}",
        errors.join("\n---\n")
    )
}

/// A server process a test started, listening on `port`; killed when the test ends, pass or fail.
pub struct Spawned {
    pub child: Child,
    pub port: u16,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server run from a folder of its own (its config and logs): killed when the test ends, pass or fail,
/// and the folder removed.
pub struct InFolder {
    child: Child,
    pub dir: PathBuf,
}

impl InFolder {
    /// Starts `command` (its stderr to `stderr.log` in `dir`) and waits until it listens on every one of
    /// `ports`; when it does not, the error carries `stderr.log` and the server's own `log` in `dir`.
    pub fn start(
        mut command: Command,
        dir: PathBuf,
        ports: &[u16],
        within: Duration,
        log: &str,
    ) -> Result<Self, String> {
        let stderr = std::fs::File::create(dir.join("stderr.log")).unwrap();
        let child = command
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the server starts");
        let mut server = InFolder { child, dir };
        let logs = [server.dir.join("stderr.log"), server.dir.join(log)];
        wait_listening(&mut server.child, ports, within, &logs).map(|()| server)
    }
}

impl Drop for InFolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A console session's settings for `target`: no heartbeat, no reconnect, the default buffer.
pub fn console_config(target: CheckOptions) -> SessionConfig {
    SessionConfig {
        target,
        heartbeat: None,
        reconnect: None,
        limits: Limits::default(),
        spill_dir: None,
        follower: None,
        namespace: None,
        variables: Vec::new(),
    }
}

/// The session's JSON Lines export, as text.
pub fn jsonl(session: &ConsoleSession) -> String {
    let mut out = Vec::new();
    session.export_jsonl(&mut out).expect("the export writes");
    String::from_utf8(out).expect("the export is UTF-8")
}

/// The session's HAR export, as text.
pub fn har(session: &ConsoleSession) -> String {
    let mut out = Vec::new();
    session.export_har(&mut out).expect("the export writes");
    String::from_utf8(out).expect("the export is UTF-8")
}

/// Waits until `done` holds for the session's entries, or fails after 15 s showing them.
pub async fn wait_for(
    session: &ConsoleSession,
    what: &str,
    done: impl Fn(&[Entry]) -> bool,
) -> Vec<Entry> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let entries = session.entries_after(0, usize::MAX);
        if done(&entries) {
            return entries;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {entries:#?}"
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    }
}

/// Waits until the session is open, or fails after 10 s showing what it recorded.
pub async fn wait_open(session: &ConsoleSession) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while session.status().state != SessionState::Open {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the session did not open: {:#?}",
            session.entries_after(0, 100)
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), session.changed()).await;
    }
}

/// Options for a check of `url` in a test: the machine's proxy settings ignored, 2 s to connect and to
/// upgrade, half a second for a reply and for the close. Adjust with `..options(url)`.
pub fn options(url: impl Into<String>) -> CheckOptions {
    CheckOptions {
        url: url.into(),
        use_env_proxy: false,
        connect_timeout: Duration::from_secs(2),
        handshake_timeout: Duration::from_secs(2),
        reply_timeout: Duration::from_millis(500),
        close_timeout: Duration::from_millis(500),
        ..CheckOptions::default()
    }
}

/// Runs a check that must end within `limit` and accept its input.
pub async fn run(options: &CheckOptions, limit: Duration) -> Report {
    let report = tokio::time::timeout(limit, run_check(options, None))
        .await
        .expect("the check ends in time")
        .expect("valid input");
    assert_failures_named(&report);
    report
}

/// Whatever the target, an item that failed is never left without a named cause: a report that calls a
/// failed run healthy would send a ticket the wrong way. Every run of the tests is held to it.
pub fn assert_failures_named(report: &Report) {
    use wsdoctor_core::catalog::Severity;
    use wsdoctor_core::report::CheckStatus;
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        failed.is_empty()
            || report
                .diagnoses
                .iter()
                .any(|d| matches!(d.severity, Severity::Error | Severity::Warning)),
        "{failed:?} failed with no cause named: {:#?}",
        report.checks
    );
}

/// The report's root cause is `code`, and its first piece of evidence quotes `quoted`.
pub fn assert_named(report: &Report, code: &str, quoted: &str) {
    assert_eq!(root(report), code, "{:#?}", report.checks);
    assert!(
        report.diagnoses[0].evidence[0].content.contains(quoted),
        "{code}: {:?}",
        report.diagnoses[0].evidence
    );
}

/// The report's root cause is `code`, and one of its pieces of evidence (a follow-up, a header) quotes
/// `quoted`.
pub fn assert_named_anywhere(report: &Report, code: &str, quoted: &str) {
    assert_eq!(root(report), code, "{:#?}", report.checks);
    assert!(
        report.diagnoses[0]
            .evidence
            .iter()
            .any(|e| e.content.contains(quoted)),
        "{code}: {:?}",
        report.diagnoses[0].evidence
    );
}

/// The first ranked cause's code: the root cause.
pub fn root(report: &Report) -> &str {
    report
        .diagnoses
        .first()
        .map(|d| d.code.as_str())
        .unwrap_or("(none)")
}

/// The item `id` of a report (the test fails, listing the items, when there is none).
pub fn item<'a>(report: &'a Report, id: &str) -> &'a wsdoctor_core::report::Check {
    report
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} item in {:#?}", report.checks))
}

/// Every cause's code, in rank order.
pub fn codes(report: &Report) -> Vec<&str> {
    report.diagnoses.iter().map(|d| d.code.as_str()).collect()
}

/// Serves every connection with `behaviour` until the test ends.
pub async fn server<F, Fut>(behaviour: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let behaviour = Arc::new(behaviour);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            tokio::spawn(async move { behaviour(stream).await });
        }
    });
    addr
}

/// Reads a request head whole (up to 16 KB), byte by byte so nothing after it is consumed.
pub async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n")
        && head.len() < 16 * 1024
        && stream.read(&mut byte).await.unwrap_or(0) == 1
    {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Reads a request head and returns the `Sec-WebSocket-Key` in it.
pub async fn read_key(stream: &mut TcpStream) -> String {
    read_head(stream)
        .await
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: ").map(str::to_string))
        .unwrap_or_default()
}

/// Reads the upgrade request and accepts it with a valid 101.
pub async fn switch(stream: &mut TcpStream) {
    let key = read_key(stream).await;
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    let _ = stream.write_all(response.as_bytes()).await;
}

/// A server frame (unmasked) with the given first byte (FIN, RSV bits, opcode) and payload.
pub fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![first];
    match payload.len() {
        n if n < 126 => bytes.push(n as u8),
        n if n < 65_536 => {
            bytes.push(126);
            bytes.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            bytes.push(127);
            bytes.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    bytes.extend_from_slice(payload);
    bytes
}

/// Writes pings as fast as the socket takes them for `lasting`, never reading: the pongs owed pile up on
/// the other side.
pub async fn flood_pings(stream: &mut TcpStream, payload: &[u8], lasting: Duration) {
    let ping = frame(0x89, payload);
    let batch: Vec<u8> = ping
        .iter()
        .copied()
        .cycle()
        .take(ping.len() * 500)
        .collect();
    let until = std::time::Instant::now() + lasting;
    while std::time::Instant::now() < until && stream.write_all(&batch).await.is_ok() {
        tokio::task::yield_now().await;
    }
}

/// A check of `url` with 3 s to upgrade and 1 s for a reply, `adjust`ed, that must end within 30 s.
pub async fn check_with(url: String, adjust: impl FnOnce(&mut CheckOptions)) -> Report {
    let mut options = CheckOptions {
        handshake_timeout: Duration::from_secs(3),
        reply_timeout: Duration::from_secs(1),
        ..options(url)
    };
    adjust(&mut options);
    run(&options, Duration::from_secs(30)).await
}

/// The status of item `id`.
pub fn status(report: &Report, id: &str) -> CheckStatus {
    item(report, id).status
}

/// A console session's settings for `url`, the machine's proxy settings ignored.
pub fn session_config(url: String) -> SessionConfig {
    console_config(CheckOptions {
        url,
        use_env_proxy: false,
        ..CheckOptions::default()
    })
}

/// The data frames the server sent, in order.
pub fn received(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| {
            e.direction == Direction::In && matches!(e.kind, EntryKind::Text | EntryKind::Binary)
        })
        .collect()
}

/// A session to `url`, once it is open.
pub async fn open_session(url: String) -> ConsoleSession {
    let session = ConsoleSession::start(session_config(url)).unwrap();
    wait_for(&session, "open", |e| {
        e.iter().any(|e| e.kind == EntryKind::Open)
    })
    .await;
    session
}

/// A check of the raw server at `addr` (800 ms to upgrade), that must end within 20 s; and how long it took.
pub async fn check_raw_server(addr: SocketAddr) -> (Report, Duration) {
    let options = CheckOptions {
        handshake_timeout: Duration::from_millis(800),
        ..options(format!("ws://{addr}/socket"))
    };
    let started = Instant::now();
    let report = run(&options, Duration::from_secs(20)).await;
    (report, started.elapsed())
}
