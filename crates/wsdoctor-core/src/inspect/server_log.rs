//! The server's log: the tail of each file, scanned for what explains a WebSocket failure (the port it
//! listens on, crashes, EADDRINUSE, EMFILE, nginx's upstream errors, refused origins), each finding quoted
//! with its line numbers.
//!
//! Only the last 8 MB of a file is read, so a multi-gigabyte log costs the same as a small one.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

/// How much of the end of a log is read.
pub const TAIL_BYTES: u64 = 8 * 1024 * 1024;
/// How many findings of one kind are quoted.
const QUOTES_PER_KIND: usize = 3;
/// Lines of context quoted after a crash's first line.
const CRASH_CONTEXT: usize = 6;

struct Pattern {
    code: &'static str,
    regex: LazyLock<Regex>,
}

macro_rules! pattern {
    ($code:literal, $regex:literal) => {
        Pattern {
            code: $code,
            regex: LazyLock::new(|| Regex::new($regex).expect("valid pattern")),
        }
    };
}

static PATTERNS: [Pattern; 6] = [
    pattern!(
        "log.port_in_use",
        r"(?i)EADDRINUSE|address already in use|Only one usage of each socket address"
    ),
    pattern!("log.fd_exhausted", r"(?i)EMFILE|too many open files"),
    pattern!(
        "log.proxy_timeout",
        r"upstream timed out .*while (?:proxying upgraded connection|reading upstream)"
    ),
    pattern!(
        "log.upstream_refused",
        r"connect\(\) failed \(111|upstream prematurely closed connection|no live upstreams"
    ),
    pattern!(
        "log.origin_rejected",
        r"(?i)request origin not allowed|origin not allowed|websocket: request origin|CheckOrigin|rejected origin|invalid origin|WebSocket REJECT|Origin .* is not allowed|not in ALLOWED_ORIGINS"
    ),
    pattern!(
        "log.crash",
        r"^Traceback \(most recent call last\):|^panic: |thread '.*' panicked at|^Exception in thread |^(?:Uncaught|Unhandled)[A-Za-z ]*(?:Error|Exception|Rejection)|^\S*(?:Error|Exception): .+|UnhandledPromiseRejection|uncaughtException|^fatal error: |FATAL ERROR:"
    ),
];

static LISTENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:listening|listens|running|started|serving|bound|server (?:is )?(?:up|ready)).{0,60}?(?:port[ :=]+|https?://[^\s:/]+:|wss?://[^\s:/]+:|\]:|0\.0\.0\.0:|127\.0\.0\.1:|localhost:|\*:)(\d{2,5})\b",
    )
    .expect("valid pattern")
});

static WEBSOCKET_INIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)websocket(?:server)?\b.{0,40}(?:started|listening|initiali[sz]ed|ready|attached)|socket\.io.{0,40}(?:listening|started|attached)|ws server")
        .expect("valid pattern")
});

/// Reads the tail of a file: the text, the line number of its first line when the whole file was read
/// (else `None`), and the file's size.
fn read_tail(path: &Path) -> Result<(String, Option<usize>, u64), String> {
    // A FIFO or a device given as a log would block or never end: regular files only.
    let (mut file, size) = crate::input_file::open_regular(path, "log file")?;
    let start = size.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))
        .map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity((size - start) as usize);
    file.take(TAIL_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let sample = bytes.get(..8192).unwrap_or(&bytes);
    if sample.contains(&0) {
        return Err(format!(
            "{} is not a text log (it contains binary data)",
            path.display()
        ));
    }
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if start > 0 {
        // Drop the partial first line.
        let cut = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
        text.drain(..cut);
        Ok((text, None, size))
    } else {
        Ok((text, Some(1), size))
    }
}

fn line_label(first: Option<usize>, index: usize) -> String {
    match first {
        Some(first) => format!("line {}", first + index),
        None => format!("tail line {}", index + 1),
    }
}

/// Scans one log file; `target_port` is compared with the port the server says it listens on.
/// `index` numbers the logs of one run (`log:1`, `log:2`, ...).
pub(crate) fn check(rec: &mut Recorder, index: usize, path: &Path, target_port: Option<u16>) {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut step = rec.start(
        format!("log:{index}"),
        Section::ServerHealth,
        format!("Server log {file_name}"),
    );
    let name = path.display().to_string();
    let (text, first_line, size) = match read_tail(path) {
        Ok(read) => read,
        Err(error) => {
            rec.finish(step, CheckStatus::Warn, format!("{error}: not scanned."));
            return;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let scope = match first_line {
        Some(_) => format!("{name} ({} lines)", lines.len()),
        None => format!(
            "{name} (last 8 MB of {:.1} MB; line numbers count from there)",
            size as f64 / 1_048_576.0
        ),
    };

    let mut found: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut last_port: Option<(u16, String)> = None;
    let mut websocket_lines = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some(port) = LISTENING
            .captures(line)
            .and_then(|c| c[1].parse::<u16>().ok())
        {
            last_port = Some((
                port,
                format!("{}: {}", line_label(first_line, index), line.trim_end()),
            ));
        }
        if websocket_lines.len() < QUOTES_PER_KIND && WEBSOCKET_INIT.is_match(line) {
            websocket_lines.push(format!(
                "{}: {}",
                line_label(first_line, index),
                line.trim_end()
            ));
        }
        let mut consumed = 1;
        for pattern in &PATTERNS {
            if !pattern.regex.is_match(line) {
                continue;
            }
            let quote = if pattern.code == "log.crash" {
                // Quote the error line and the stack frames after it.
                let end = (index + 1 + CRASH_CONTEXT).min(lines.len());
                let block: Vec<String> = (index..end)
                    .take_while(|&i| i == index || !lines[i].trim().is_empty())
                    .map(|i| format!("{}: {}", line_label(first_line, i), lines[i].trim_end()))
                    .collect();
                consumed = block.len().max(1);
                block.join("\n")
            } else {
                format!("{}: {}", line_label(first_line, index), line.trim_end())
            };
            match found.iter_mut().find(|(code, _)| *code == pattern.code) {
                Some((_, quotes)) if quotes.len() < QUOTES_PER_KIND => quotes.push(quote),
                Some(_) => {}
                None => found.push((pattern.code, vec![quote])),
            }
            break;
        }
        index += consumed;
    }

    let mut problems = Vec::new();
    for (code, quotes) in &found {
        rec.diagnose(
            code,
            vec![Evidence::new(format!("From {name}"), quotes.join("\n"))],
        );
        problems.push(*code);
        step.evidence.push(Evidence::new(
            format!("{code} in {name}"),
            quotes.join("\n"),
        ));
    }
    if let (Some((port, quote)), Some(target)) = (&last_port, target_port)
        && *port != target
    {
        rec.diagnose(
            "log.port_mismatch",
            vec![Evidence::new(
                format!("From {name}"),
                format!("{quote}\nthe target uses port {target}"),
            )],
        );
        problems.push("log.port_mismatch");
    }
    if let Some((_, quote)) = &last_port {
        step.evidence.push(Evidence::new("Start-up", quote.clone()));
    }
    if !websocket_lines.is_empty() {
        step.evidence.push(Evidence::new(
            "WebSocket server",
            websocket_lines.join("\n"),
        ));
    }
    let listening = last_port
        .as_ref()
        .map(|(p, _)| format!(" The server says it listens on port {p}."))
        .unwrap_or_default();
    if problems.is_empty() {
        rec.finish(
            step,
            CheckStatus::Pass,
            format!("{scope}: nothing that explains a failure.{listening}"),
        );
    } else {
        let errors = problems
            .iter()
            .any(|c| crate::catalog::entry(c).severity == crate::catalog::Severity::Error);
        let status = if errors {
            CheckStatus::Fail
        } else {
            CheckStatus::Warn
        };
        rec.finish(
            step,
            status,
            format!("{scope}: {}.{listening}", problems.join(", ")),
        );
    }
}
