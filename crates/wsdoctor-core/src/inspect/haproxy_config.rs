//! HAProxy configuration: each backend (and `listen` section) judged for what cuts or breaks a WebSocket
//! through it. Once upgraded, HAProxy times the connection with `timeout tunnel`; without one the
//! shorter of `timeout client` (of the frontends using the backend) and `timeout server` cuts every
//! silent WebSocket. A rule that removes `Upgrade` or closes the connection breaks the upgrade itself.
//! The fix is the section as written with the tunnel timeout added and those rules left out.

use std::collections::HashMap;
use std::path::Path;

use crate::report::{Evidence, Recorder, SourceLocation};

/// A tunnel timeout at or under this many seconds cuts idle WebSockets too soon.
const SHORT_TIMEOUT_SECS: u64 = 60;

/// Whether a file is HAProxy's: it opens a `frontend`, `backend`, `listen` or `defaults` section, and
/// has no nginx block (nginx has `listen 80;`, and `{` ending a line, which HAProxy never has).
pub(super) fn recognised(text: &str) -> bool {
    let lines = || {
        text.lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
    };
    let nginx_block = lines().any(|line| line.ends_with('{') || line == "}");
    !nginx_block
        && lines().any(|line| {
            let first = line.split_whitespace().next();
            matches!(first, Some("frontend" | "backend" | "listen" | "defaults"))
                && !line.ends_with(';')
        })
}

/// One section: its kind (`defaults`, `frontend`, `backend`, `listen`), name, first line and lines.
struct HaproxySection {
    kind: String,
    name: String,
    line: usize,
    lines: Vec<(usize, String)>,
    /// The `defaults` section in force where this one starts.
    defaults: Option<usize>,
}

impl HaproxySection {
    /// The arguments of the last `keyword …` line whose words start with `keyword`.
    fn setting(&self, keyword: &[&str]) -> Option<Vec<String>> {
        self.lines.iter().rev().find_map(|(_, line)| {
            let words: Vec<&str> = line.split_whitespace().collect();
            (words.len() > keyword.len() && words[..keyword.len()] == *keyword).then(|| {
                words[keyword.len()..]
                    .iter()
                    .map(|w| w.to_string())
                    .collect()
            })
        })
    }

    fn timeout(&self, which: &str) -> Option<u64> {
        millis(self.setting(&["timeout", which])?.first()?)
    }
}

/// An HAProxy time (`50000` is milliseconds; `50s`, `1m`, `1h`, `1d`, `100ms`, `500us`), in ms.
fn millis(value: &str) -> Option<u64> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: u64 = number.parse().ok()?;
    Some(match unit {
        "" | "ms" => n,
        "us" => n / 1000,
        "s" => n * 1000,
        "m" => n * 60_000,
        "h" => n * 3_600_000,
        "d" => n * 86_400_000,
        _ => return None,
    })
}

fn sections(text: &str) -> Vec<HaproxySection> {
    let mut out: Vec<HaproxySection> = Vec::new();
    let mut defaults = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if matches!(
            first,
            "global" | "defaults" | "frontend" | "backend" | "listen"
        ) {
            if first == "defaults" {
                defaults = Some(out.len());
            }
            out.push(HaproxySection {
                kind: first.to_string(),
                name: words.next().unwrap_or("").to_string(),
                line: index + 1,
                lines: Vec::new(),
                defaults: if first == "defaults" { None } else { defaults },
            });
        } else if let Some(section) = out.last_mut() {
            section.lines.push((index + 1, line.to_string()));
        }
    }
    out
}

/// Whether a rule removes the upgrade: deletes `Upgrade`/`Connection`, or sets `Connection: close`.
fn strips_upgrade(line: &str) -> bool {
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    w(0) == "http-request"
        && ((w(1) == "del-header" && matches!(w(2), "upgrade" | "connection"))
            || (matches!(w(1), "set-header" | "replace-header")
                && w(2) == "connection"
                && w(3).contains("close")))
}

/// Audits an HAProxy file; returns the line for the audit's "Files read".
pub(super) fn check(rec: &mut Recorder, file: &Path, text: &str) -> String {
    let all = sections(text);
    let defaults_of = |s: &HaproxySection| s.defaults.map(|i| &all[i]);
    let timeout = |s: &HaproxySection, which: &str| {
        s.timeout(which)
            .or_else(|| defaults_of(s).and_then(|d| d.timeout(which)))
    };
    // The frontends that send traffic to each backend, for their client timeouts.
    let mut users: HashMap<&str, Vec<&HaproxySection>> = HashMap::new();
    for frontend in all.iter().filter(|s| s.kind == "frontend") {
        for (_, line) in &frontend.lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            if matches!(words.first(), Some(&"default_backend" | &"use_backend"))
                && let Some(name) = words.get(1)
            {
                users.entry(name).or_default().push(frontend);
            }
        }
    }

    let mut judged = 0;
    for section in all
        .iter()
        .filter(|s| s.kind == "backend" || s.kind == "listen")
    {
        judged += 1;
        let where_ = format!(
            "{}:{} {} {}",
            file.display(),
            section.line,
            section.kind,
            section.name
        );
        let client = if section.kind == "listen" {
            timeout(section, "client")
        } else {
            users
                .get(section.name.as_str())
                .into_iter()
                .flatten()
                .filter_map(|f| timeout(f, "client"))
                .min()
                .or_else(|| defaults_of(section).and_then(|d| d.timeout("client")))
        };
        let server = timeout(section, "server");
        let tunnel = timeout(section, "tunnel");
        let strippers: Vec<String> = section
            .lines
            .iter()
            .chain(
                users
                    .get(section.name.as_str())
                    .into_iter()
                    .flatten()
                    .flat_map(|f| f.lines.iter()),
            )
            .filter(|(_, l)| strips_upgrade(l))
            .map(|(n, l)| format!("line {n}: {l}"))
            .collect();
        let idle_cut = match tunnel {
            Some(ms) => Some(ms),
            None => [client, server].into_iter().flatten().min(),
        };
        let mut findings: Vec<(&str, String)> = Vec::new();
        if !strippers.is_empty() {
            findings.push(("config.haproxy_upgrade_stripped", strippers.join("\n")));
        }
        match (tunnel, idle_cut) {
            (None, Some(ms)) if ms <= SHORT_TIMEOUT_SECS * 1000 => findings.push((
                "config.haproxy_no_tunnel_timeout",
                format!(
                    "no timeout tunnel: an idle WebSocket is cut after {} s (timeout client {}, timeout server {})",
                    ms as f64 / 1000.0,
                    shown(client),
                    shown(server)
                ),
            )),
            (Some(ms), _) if ms <= SHORT_TIMEOUT_SECS * 1000 => findings.push((
                "config.haproxy_short_timeout",
                format!("timeout tunnel {} s cuts an idle WebSocket", ms as f64 / 1000.0),
            )),
            _ => {}
        }
        if findings.is_empty() {
            continue;
        }
        let corrected = corrected(section);
        for (code, what) in findings {
            rec.diagnose_at(
                code,
                vec![
                    Evidence::new("Where", format!("{where_}: {what}")),
                    Evidence::new("Corrected section", corrected.clone()),
                ],
                vec![SourceLocation::new(
                    file.display().to_string(),
                    section.line,
                )],
            );
        }
    }
    format!(
        "{}: HAProxy; {judged} backend/listen section(s) checked for timeout tunnel and rules that remove the upgrade",
        file.display()
    )
}

fn shown(ms: Option<u64>) -> String {
    ms.map_or("not set".to_string(), |ms| {
        format!("{} s", ms as f64 / 1000.0)
    })
}

/// The section with `timeout tunnel 1h` in place of any shorter one, and no rule removing the upgrade.
fn corrected(section: &HaproxySection) -> String {
    let mut out = vec![format!("{} {}", section.kind, section.name)];
    let mut added = false;
    for (_, line) in &section.lines {
        if strips_upgrade(line) {
            continue;
        }
        if line.split_whitespace().take(2).eq(["timeout", "tunnel"]) {
            out.push("    timeout tunnel 1h".into());
            added = true;
            continue;
        }
        out.push(format!("    {line}"));
    }
    if !added {
        out.insert(1, "    timeout tunnel 1h".into());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haproxy_times_read_as_haproxy_reads_them() {
        assert_eq!(millis("50000"), Some(50_000));
        assert_eq!(millis("50s"), Some(50_000));
        assert_eq!(millis("1h"), Some(3_600_000));
        assert_eq!(millis("100ms"), Some(100));
        assert_eq!(millis("soon"), None);
    }

    #[test]
    fn haproxy_is_told_from_nginx() {
        assert!(recognised(
            "defaults\n    mode http\nbackend app\n    server a 10.0.0.1:80\n"
        ));
        assert!(!recognised(
            "server {\n    listen 80;\n    location / { proxy_pass http://a; }\n}\n"
        ));
    }

    #[test]
    fn rules_that_remove_the_upgrade_are_told_from_others() {
        assert!(strips_upgrade("http-request del-header Upgrade"));
        assert!(strips_upgrade("http-request set-header Connection close"));
        assert!(!strips_upgrade(
            "http-request set-header X-Forwarded-Proto https"
        ));
        assert!(!strips_upgrade("http-request del-header X-Upgrade"));
    }
}
