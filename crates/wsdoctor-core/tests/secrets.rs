//! The secrets property: generated secrets, planted in every place a secret can be given or quoted (the
//! URL's user name, password and token-like query values in raw and percent-encoded form, headers, a
//! subprotocol token, an environment variable's expected value, a project's `.env` and source, a server
//! log, and a server that echoes the whole request back), never appear in any output: the report as JSON,
//! Markdown and HTML, the history files, the progress events, and the log at trace level (tungstenite logs
//! the upgrade request there).
//!
//! Each case draws new secrets from a seeded generator (the seed is printed on failure), with characters
//! that must be encoded in a URL (`+`, `/`, `=`) and short ones, which are looked for as whole words.

mod support;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use support::{console_config, read_head, server, wait_open};
use tokio::io::AsyncWriteExt;
use wsdoctor_core::check::{CheckOptions, run_check};
use wsdoctor_core::console::ConsoleSession;
use wsdoctor_core::history::HistoryStore;
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report;

/// A small deterministic generator (xorshift), so a failing case can be replayed from its seed.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A secret of `len` characters with a fixed prefix that no output holds by chance.
    fn secret(&mut self, len: usize, special: bool) -> String {
        const PLAIN: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        const SPECIAL: &[u8] = b"+/=";
        let mut out = String::from("Qz");
        while out.len() < len {
            let pick = self.next() as usize;
            if special && pick.is_multiple_of(5) {
                out.push(SPECIAL[pick / 5 % SPECIAL.len()] as char);
            } else {
                out.push(PLAIN[pick / 5 % PLAIN.len()] as char);
            }
        }
        out
    }
}

fn form(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A server that refuses every upgrade with 401 and quotes the whole request back in the body.
async fn echoing_server() -> SocketAddr {
    server(|mut stream| async move {
        let body = read_head(&mut stream).await;
        let response = format!(
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
    })
    .await
}

/// Everything written to the log at trace level, through the same policy the front ends install.
fn captured_log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        use tracing_subscriber::filter::filter_fn;
        use tracing_subscriber::prelude::*;
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || Writer(sink.clone()))
            .with_filter(filter_fn(|meta| {
                wsdoctor_core::log_policy::allowed(meta.target(), meta.level())
            }));
        tracing_subscriber::registry()
            .with(tracing_subscriber::EnvFilter::new("trace"))
            .with(layer)
            .try_init()
            .expect("the test's subscriber is the only one");
        buffer
    })
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Asserts no secret is in `output`: long ones anywhere, short ones as a whole word.
fn assert_clean(secrets: &[String], output: &str, what: &str, seed: u64) {
    for secret in secrets {
        let encoded = form(secret);
        for form in [secret.as_str(), encoded.as_str()] {
            let leaked = if form.chars().count() >= 4 {
                output.contains(form)
            } else {
                output.match_indices(form).any(|(at, _)| {
                    let before = output.get(..at).and_then(|b| b.chars().next_back());
                    let after = output.get(at + form.len()..).and_then(|a| a.chars().next());
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                })
            };
            assert!(
                !leaked,
                "seed {seed}: the secret {form:?} leaked into the {what}:\n{}",
                output
                    .lines()
                    .filter(|l| l.contains(form))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wsd-secrets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_secrets_never_reach_any_output() {
    let log = captured_log();
    let addr = echoing_server().await;
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    for seed in [
        0x9E37_79B9_7F4A_7C15u64,
        42,
        7_777_777,
        0xDEAD_BEEF,
        123_456_789,
        31_337,
    ] {
        let mut draw = Draw(seed);
        let mut secrets = Vec::new();
        let mut new = |len: usize, special: bool, secrets: &mut Vec<String>| {
            let s = draw.secret(len, special);
            secrets.push(s.clone());
            s
        };
        let user = new(12, false, &mut secrets);
        let password = new(10, true, &mut secrets);
        let token = new(24, true, &mut secrets);
        let client_secret = new(18, true, &mut secrets);
        let amz = new(20, false, &mut secrets);
        let code = new(16, false, &mut secrets);
        let sid = new(14, false, &mut secrets);
        let apikey = new(16, true, &mut secrets);
        let bearer = new(32, true, &mut secrets);
        let tenant = new(15, false, &mut secrets);
        let k8s = new(28, false, &mut secrets);
        let env_expected = new(12, false, &mut secrets);
        let env_actual = new(12, false, &mut secrets);
        let dotenv = new(20, false, &mut secrets);
        let source_token = new(22, false, &mut secrets);
        let log_token = new(18, false, &mut secrets);
        let log_bearer = new(26, false, &mut secrets);
        let redis_password = new(11, false, &mut secrets);
        let passphrase = new(9, false, &mut secrets);
        let auth_token = new(21, true, &mut secrets);
        let stomp_login = new(13, false, &mut secrets);
        let stomp_passcode = new(17, true, &mut secrets);
        let page_token = new(19, true, &mut secrets);
        let cookie_secret = new(23, false, &mut secrets);
        let console_auth = new(25, true, &mut secrets);
        let console_variable = new(16, false, &mut secrets);
        let console_proxy_password = new(14, true, &mut secrets);
        // Short secrets (1 to 3 characters): looked for as whole words.
        let pin = format!("Q{}", (draw.next() % 90 + 10));
        secrets.push(pin.clone());

        let project = temp_dir(&format!("project-{seed}"));
        std::fs::write(
            project.join(".env"),
            format!("API_KEY={dotenv}\nNODE_ENV=production\n"),
        )
        .unwrap();
        std::fs::create_dir_all(project.join("src")).unwrap();
        std::fs::write(
            project.join("src/app.js"),
            format!("const socket = new WebSocket(\"wss://example.test/ws?access_token={source_token}\");\n"),
        )
        .unwrap();
        // A folder named like a secret header's value: a static finding's location (file path) holds it.
        std::fs::create_dir_all(project.join("src").join(&tenant)).unwrap();
        std::fs::write(
            project.join("src").join(&tenant).join("live.js"),
            "const live = new WebSocket(\"ws://localhost:8080/live\");\n",
        )
        .unwrap();
        let logs = temp_dir(&format!("logs-{seed}"));
        let log_file = logs.join("server.log");
        std::fs::write(
            &log_file,
            format!(
                "2026-11-30T10:00:00Z connecting with token={log_token}\n\
                 2026-11-30T10:00:01Z header Authorization: Bearer {log_bearer}\n\
                 2026-11-30T10:00:02Z REDIS_URL=redis://:{redis_password}@cache:6379/0\n\
                 2026-11-30T10:00:03Z Error: listen EADDRINUSE: address already in use :::{}\n",
                addr.port()
            ),
        )
        .unwrap();
        // The browser's jar: the session cookie goes with the handshake (and the server echoes it back).
        let jar = logs.join("cookies.txt");
        std::fs::write(
            &jar,
            format!("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t{cookie_secret}\n"),
        )
        .unwrap();
        let env_name = format!("WSD_SECRETS_TEST_API_TOKEN_{seed}");
        // SAFETY: the variable is this test's own; nothing else reads or writes it.
        unsafe { std::env::set_var(&env_name, &env_actual) };

        let options = CheckOptions {
            url: format!(
                "ws://{user}:{}@{addr}/socket?room=1&token={}&client_secret={}&X-Amz-Signature={amz}&code={code}&sid={sid}&apikey={}",
                form(&password),
                form(&token),
                form(&client_secret),
                form(&apikey)
            ),
            cookie_file: Some(jar.clone()),
            // The page is fetched for its Content-Security-Policy: its URL is quoted hop by hop.
            page_url: Some(format!(
                "http://{addr}/app?access_token={}&tab=2",
                form(&page_token)
            )),
            headers: vec![
                ("Authorization".into(), format!("Bearer {bearer}")),
                ("X-Tenant".into(), tenant.clone()),
                ("X-Pin".into(), pin.clone()),
            ],
            secret_headers: vec!["x-tenant".into(), "x-pin".into()],
            subprotocols: vec![
                format!("base64url.bearer.authorization.k8s.io.{k8s}"),
                "v4.channel.k8s.io".into(),
            ],
            key_passphrase: Some(wsdoctor_core::profile::Sensitive::new(passphrase.clone())),
            auth: Some(wsdoctor_core::profile::Sensitive::new(
                serde_json::json!({ "token": auth_token }).to_string(),
            )),
            use_env_proxy: false,
            connect_timeout: Duration::from_secs(2),
            handshake_timeout: Duration::from_secs(2),
            reply_timeout: Duration::from_millis(300),
            close_timeout: Duration::from_millis(300),
            server: wsdoctor_core::inspect::ServerInputs {
                env: vec![format!("{env_name}={env_expected}")],
                logs: vec![log_file.clone()],
                project: Some(project.clone()),
                ..Default::default()
            },
            ..CheckOptions::default()
        };
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let report = tokio::time::timeout(
            Duration::from_secs(60),
            run_check(&options, Some(events_tx)),
        )
        .await
        .expect("the check ends")
        .expect("valid input");
        assert!(
            report.redactions >= 10,
            "seed {seed}: {:?}",
            report.redacted
        );
        // The echo was received and quoted (redacted), so the test did plant the secrets there.
        assert!(
            report.to_json().contains("Bearer [REDACTED]"),
            "seed {seed}: the echoed request is missing from the report"
        );
        assert!(
            report.to_json().contains("Cookie: [REDACTED]"),
            "seed {seed}: the jar's cookie was not sent"
        );

        let mut event_text = String::new();
        while let Ok(event) = events.try_recv() {
            event_text.push_str(&serde_json::to_string(&event).unwrap());
        }

        // Framework sessions quote their exchanges: Socket.IO's polling requests and answers (the lab's
        // socketioxide, with the auth payload and a bearer header on every request), and STOMP frames (the
        // lab's echo sends the CONNECT, with its login and passcode, back as the answer).
        let mut framework_text = String::new();
        for (url, protocol, auth) in [
            (
                lab.url("/sio-auth/socket.io/"),
                wsdoctor_core::framework::Protocol::Socketio,
                serde_json::json!({ "token": auth_token }),
            ),
            (
                lab.url("/echo"),
                wsdoctor_core::framework::Protocol::Stomp,
                serde_json::json!({ "login": stomp_login, "passcode": stomp_passcode }),
            ),
        ] {
            let (tx, mut framework_events) = tokio::sync::mpsc::unbounded_channel();
            let options = CheckOptions {
                url,
                protocol,
                headers: vec![("Authorization".into(), format!("Bearer {bearer}"))],
                auth: Some(wsdoctor_core::profile::Sensitive::new(auth.to_string())),
                use_env_proxy: false,
                handshake_timeout: Duration::from_secs(2),
                reply_timeout: Duration::from_millis(300),
                close_timeout: Duration::from_millis(300),
                ..CheckOptions::default()
            };
            let framework_report = run_check(&options, Some(tx)).await.expect("valid input");
            assert!(
                framework_report.checks.iter().any(|c| c
                    .evidence
                    .iter()
                    .any(|e| e.label == "Exchanges" || e.label == "CONNECT frame")),
                "seed {seed}: the exchanges are quoted"
            );
            framework_text.push_str(&framework_report.to_json());
            framework_text.push_str(&report::markdown(&framework_report));
            while let Ok(event) = framework_events.try_recv() {
                framework_text.push_str(&serde_json::to_string(&event).unwrap());
            }
        }
        let history_dir = temp_dir(&format!("history-{seed}"));
        HistoryStore::new(&history_dir).save(&report).unwrap();
        let mut history_text = String::new();
        for entry in walk(&history_dir) {
            history_text.push_str(&std::fs::read_to_string(entry).unwrap());
        }

        // A console session logs the upgrade request through tungstenite at trace level; it sends the
        // jar's cookies for the lab's host too.
        let console_jar = logs.join("console-cookies.txt");
        std::fs::write(
            &console_jar,
            format!("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t{cookie_secret}\n"),
        )
        .unwrap();
        let console_url = format!("{}?token={}", lab.url("/echo"), form(&token));
        // Both sessions keep one entry in memory and spill the rest to files, which are read while
        // the session is open (they go when it closes).
        let spill_dir = temp_dir(&format!("spill-{seed}"));
        let spilling = |mut config: wsdoctor_core::console::SessionConfig| {
            config.limits.window_entries = 1;
            config.spill_dir = Some(spill_dir.clone());
            config
        };
        let session = ConsoleSession::start(spilling(console_config(CheckOptions {
            url: console_url,
            cookie_file: Some(console_jar.clone()),
            headers: vec![("Authorization".into(), format!("Bearer {bearer}"))],
            use_env_proxy: false,
            ..CheckOptions::default()
        })))
        .unwrap();
        wait_open(&session).await;
        let mut console_text = support::jsonl(&session) + &support::har(&session);
        let mut spill_text = String::new();
        for file in wsdoctor_core::console::spill_files(&spill_dir) {
            spill_text.push_str(&std::fs::read_to_string(file).unwrap());
        }
        assert!(
            console_text.to_ascii_lowercase().contains("\"cookie\""),
            "seed {seed}: the console sent the jar's cookie: {console_text}"
        );
        session.stop();

        // A framework session sends the auth payload itself (Socket.IO's CONNECT), and fills a profile's
        // secret variable into an emit: the entries, decoded and raw, and the exports show neither.
        let mut framework_console = console_config(CheckOptions {
            url: lab.url("/socket.io/"),
            protocol: wsdoctor_core::framework::Protocol::Socketio,
            auth: Some(wsdoctor_core::profile::Sensitive::new(format!(
                r#"{{"token": "{}"}}"#,
                console_auth.replace('\\', "\\\\").replace('"', "\\\"")
            ))),
            use_env_proxy: false,
            ..CheckOptions::default()
        });
        framework_console.variables = vec![(
            "api_key".into(),
            Some(wsdoctor_core::profile::Sensitive::new(
                console_variable.clone(),
            )),
        )];
        let session = ConsoleSession::start(spilling(framework_console)).unwrap();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while !session.status().joined {
            assert!(
                tokio::time::Instant::now() < deadline,
                "seed {seed}: the Socket.IO session joins"
            );
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(50), session.changed()).await;
        }
        session
            .act(wsdoctor_core::console::Action::Emit {
                event: "note".into(),
                args: r#""key {{api_key}}""#.into(),
                ack: false,
            })
            .unwrap();
        while !support::jsonl(&session).contains("\"name\":\"note\"") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "seed {seed}: the emit is recorded"
            );
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(50), session.changed()).await;
        }
        console_text.push_str(&support::jsonl(&session));
        console_text.push_str(&support::har(&session));
        for file in wsdoctor_core::console::spill_files(&spill_dir) {
            spill_text.push_str(&std::fs::read_to_string(file).unwrap());
        }
        assert!(
            spill_text.contains("sec-websocket-key") && spill_text.contains("\"kind\":\"connect\""),
            "seed {seed}: the sessions spilled their handshakes and the auth payload: {spill_text}"
        );
        session.stop();

        // A session through a proxy that asks for credentials in its URL, and refuses the connection:
        // its entries say the proxy failed, never its password (the console learns the options'
        // secrets as the check does).
        let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy_port = refusing.local_addr().unwrap().port();
        drop(refusing);
        let session = ConsoleSession::start(console_config(CheckOptions {
            url: lab.url("/echo"),
            proxy: Some(format!(
                "http://agent:{}@127.0.0.1:{proxy_port}",
                form(&console_proxy_password)
            )),
            use_env_proxy: false,
            ..CheckOptions::default()
        }))
        .unwrap();
        let entries = support::wait_for(&session, "the proxy's refusal", |entries| {
            entries
                .iter()
                .any(|e| e.kind == wsdoctor_core::console::EntryKind::Error)
        })
        .await;
        console_text.push_str(&format!("{entries:?}"));
        console_text.push_str(&support::jsonl(&session));
        session.stop();

        let log_text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
        for (what, output) in [
            ("JSON report", report.to_json()),
            ("Markdown report", report::markdown(&report)),
            ("HTML report", report::html(&report)),
            ("JUnit report", report::junit(&report)),
            ("SARIF report", report::sarif(&report)),
            ("progress events", event_text),
            ("framework reports and events", framework_text),
            ("history files", history_text),
            ("console exports", console_text),
            ("console spill files", spill_text),
            ("log at trace level", log_text),
        ] {
            assert_clean(&secrets, &output, what, seed);
        }
        unsafe { std::env::remove_var(&env_name) };
        for dir in [project, logs, history_dir, spill_dir] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `--direct` names the backend to compare with: secret headers go to it only when it is the target's own
/// host, never to another host named in a ticket or a profile.
#[tokio::test]
async fn the_direct_backend_gets_secret_headers_only_on_the_targets_own_host() {
    // The target refuses the upgrade with 426, which makes the check try the backend directly.
    let target = server(|mut stream| async move {
        let _ = read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n")
            .await;
    })
    .await;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let heads = seen.clone();
    let backend = server(move |mut stream| {
        let heads = heads.clone();
        async move {
            let head = read_head(&mut stream).await;
            heads.lock().unwrap().push(head);
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    })
    .await;
    for (direct_host, gets_secret) in [("localhost", false), ("127.0.0.1", true)] {
        seen.lock().unwrap().clear();
        let options = CheckOptions {
            url: format!("ws://{target}/ws"),
            direct: Some(format!("ws://{direct_host}:{}/ws", backend.port())),
            headers: vec![("Authorization".into(), "Bearer direct-secret-77".into())],
            use_env_proxy: false,
            connect_timeout: Duration::from_secs(2),
            handshake_timeout: Duration::from_secs(2),
            ..CheckOptions::default()
        };
        let report = run_check(&options, None).await.unwrap();
        let heads = seen.lock().unwrap().join("\n");
        assert!(!heads.is_empty(), "the backend was asked ({direct_host})");
        assert_eq!(
            heads.contains("direct-secret-77"),
            gets_secret,
            "{direct_host}: {heads}"
        );
        let said = report.to_json().contains("not sent to the backend");
        assert_eq!(said, !gets_secret, "the report says what was withheld");
    }
}
