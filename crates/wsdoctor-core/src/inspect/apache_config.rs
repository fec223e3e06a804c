//! Apache httpd configuration: each `ProxyPass` that can carry WebSockets judged for the upgrade
//! (`upgrade=websocket`, or mod_proxy_wstunnel and a `ws://` target, or a RewriteRule proxying to one) and
//! for the timeout that cuts an idle tunnel (`timeout=`, else `ProxyTimeout`, else `Timeout`, 60 s by
//! default), with the corrected line as the fix. Debian's layout (`apache2.conf` and the `*-enabled`
//! folders) is read as one configuration, so the modules loaded are known.

use std::path::{Path, PathBuf};

use super::config_file::{WEBSOCKET_PATH, read_config};
use crate::report::{Evidence, Recorder, SourceLocation};

/// A tunnel timeout at or under this many seconds cuts idle WebSockets too soon.
const SHORT_TIMEOUT_SECS: u64 = 60;
/// Apache's `Timeout` when none is set.
const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Files read from Debian's `*-enabled` folders, in all.
const MAX_ENABLED_FILES: usize = 256;

/// Whether a file is Apache's, by name or content.
pub(super) fn recognised(file: &Path, text: &str) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(name, "apache2.conf" | "httpd.conf")
        || text.contains("ProxyPass")
        || text.contains("<VirtualHost")
}

/// Debian's layout in `dir`: `apache2.conf`, then what `mods-enabled`, `conf-enabled` and
/// `sites-enabled` hold (the files its `IncludeOptional` lines name).
pub(super) fn debian_layout(dir: &Path) -> Option<Vec<PathBuf>> {
    let main = dir.join("apache2.conf");
    if !main.is_file() {
        return None;
    }
    let mut files = vec![main];
    for folder in ["mods-enabled", "conf-enabled", "sites-enabled"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "conf" || e == "load"))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        files.extend(found);
    }
    files.truncate(MAX_ENABLED_FILES);
    Some(files)
}

/// One directive: its file and line, name and arguments (quotes removed).
struct Directive {
    file: PathBuf,
    line: usize,
    text: String,
    name: String,
    args: Vec<String>,
}

/// The directives of `files`, continuation lines joined, comments left out, with the `<Location>` each
/// sits in.
fn directives(files: &[(PathBuf, String)]) -> Vec<(Directive, Option<String>)> {
    let mut out = Vec::new();
    for (file, text) in files {
        let mut location: Option<String> = None;
        let mut pending = String::new();
        let mut start = 0;
        for (index, raw) in text.lines().enumerate() {
            if pending.is_empty() {
                start = index + 1;
            }
            let trimmed = raw.trim();
            if let Some(continued) = trimmed.strip_suffix('\\') {
                pending.push_str(continued);
                pending.push(' ');
                continue;
            }
            pending.push_str(trimmed);
            let line = std::mem::take(&mut pending);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line
                .split_whitespace()
                .map(|w| w.trim_matches('"').to_string());
            let name = words.next().unwrap_or_default();
            let args: Vec<String> = words.collect();
            let lower = name.to_ascii_lowercase();
            if lower == "<location" || lower == "<locationmatch" {
                location = args
                    .first()
                    .map(|a| a.trim_end_matches('>').trim_matches('"').to_string());
            } else if lower == "</location>" || lower == "</locationmatch>" {
                location = None;
            }
            out.push((
                Directive {
                    file: file.clone(),
                    line: start,
                    text: line,
                    name,
                    args,
                },
                location.clone(),
            ));
        }
    }
    out
}

/// Audits the Apache files given; returns the line for the audit's "Files read".
pub(super) fn check(rec: &mut Recorder, paths: &[PathBuf]) -> String {
    let files: Vec<(PathBuf, String)> = paths
        .iter()
        .filter_map(|p| read_config(p).ok().map(|text| (p.clone(), text)))
        .collect();
    let all = directives(&files);
    let named = |name: &'static str| {
        all.iter()
            .filter(move |(d, _)| d.name.eq_ignore_ascii_case(name))
    };
    let last_seconds = |name: &'static str| {
        named(name)
            .rev()
            .find_map(|(d, _)| d.args.first()?.parse::<u64>().ok())
    };
    let (timeout, proxy_timeout) = (last_seconds("Timeout"), last_seconds("ProxyTimeout"));
    let modules_listed = named("LoadModule").next().is_some();
    let wstunnel_loaded = named("LoadModule")
        .any(|(d, _)| d.args.first().is_some_and(|m| m == "proxy_wstunnel_module"));
    // `RewriteCond %{HTTP:Upgrade} websocket` + `RewriteRule … ws://backend/… [P]`: upgrades go that way.
    let rewrites_to_ws = named("RewriteRule").any(|(d, _)| {
        d.args
            .get(1)
            .is_some_and(|t| t.starts_with("ws://") || t.starts_with("wss://"))
    });

    let mut checked = 0;
    let (mut no_upgrade, mut short) = (Vec::new(), Vec::new());
    for (directive, location) in named("ProxyPass").chain(named("ProxyPassMatch")) {
        // Inside <Location> the path is the location's and the first argument is the backend.
        let (path, rest) = match location {
            Some(path) => (path.clone(), &directive.args[..]),
            None if directive.args.len() >= 2 => (directive.args[0].clone(), &directive.args[1..]),
            None => continue,
        };
        let Some(backend) = rest.first() else {
            continue;
        };
        if backend == "!" {
            continue;
        }
        let params: Vec<&String> = rest[1..].iter().collect();
        let ws_target = backend.starts_with("ws://") || backend.starts_with("wss://");
        let upgrade_param = params.iter().any(|p| p.starts_with("upgrade="));
        if !ws_target && !upgrade_param && !WEBSOCKET_PATH.is_match(&path) {
            continue;
        }
        checked += 1;
        let own_timeout = params
            .iter()
            .find_map(|p| p.strip_prefix("timeout=")?.parse::<u64>().ok());
        let effective = own_timeout
            .or(proxy_timeout)
            .or(timeout)
            .unwrap_or(DEFAULT_TIMEOUT_SECS);
        let where_ = format!(
            "{}:{}: {}",
            directive.file.display(),
            directive.line,
            directive.text
        );
        let here = SourceLocation::new(directive.file.display().to_string(), directive.line);
        let upgrade_missing = if ws_target {
            modules_listed && !wstunnel_loaded
        } else {
            !upgrade_param && !rewrites_to_ws
        };
        let timeout_short = effective <= SHORT_TIMEOUT_SECS;
        let mut corrected: Vec<String> = vec![directive.name.clone()];
        if location.is_none() {
            corrected.push(path.clone());
        }
        corrected.push(backend.clone());
        corrected.extend(
            params
                .iter()
                .filter(|p| !p.starts_with("timeout=") && !p.starts_with("upgrade="))
                .map(|p| p.to_string()),
        );
        if !ws_target {
            corrected.push("upgrade=websocket".into());
        }
        corrected.push("timeout=3600".into());
        let corrected = corrected.join(" ");
        if upgrade_missing {
            let why = if ws_target {
                "a ws:// target, and no LoadModule proxy_wstunnel_module among the modules loaded"
            } else {
                "no upgrade=websocket, and no RewriteRule proxies upgrades to ws://"
            };
            no_upgrade.push((
                where_.clone(),
                why.to_string(),
                corrected.clone(),
                here.clone(),
            ));
        }
        if timeout_short {
            let from = match (own_timeout, proxy_timeout, timeout) {
                (Some(_), ..) => "its timeout=",
                (None, Some(_), _) => "ProxyTimeout",
                (None, None, Some(_)) => "Timeout",
                _ => "Apache's default Timeout",
            };
            short.push((
                where_,
                format!("an idle tunnel is cut after {effective} s ({from})"),
                corrected,
                here,
            ));
        }
    }
    for (code, findings) in [
        ("config.apache_no_wstunnel", no_upgrade),
        ("config.apache_short_timeout", short),
    ] {
        if findings.is_empty() {
            continue;
        }
        let evidence = vec![
            Evidence::new(
                "Where",
                findings
                    .iter()
                    .map(|(w, why, ..)| format!("{w}\n  {why}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Evidence::new(
                "Corrected lines",
                findings
                    .iter()
                    .map(|(_, _, c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ];
        let locations = findings.into_iter().map(|(.., at)| at).collect();
        rec.diagnose_at(code, evidence, locations);
    }
    let names = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{names}: Apache; {checked} WebSocket ProxyPass line(s) checked for the upgrade and the tunnel's timeout"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::Redactor;

    fn audit(text: &str) -> Recorder {
        let dir = std::env::temp_dir().join(format!("wsdoctor-apache-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("site-{}.conf", text.len()));
        std::fs::write(&file, text).unwrap();
        let mut rec = Recorder::new(Redactor::default(), None);
        check(&mut rec, &[file]);
        rec
    }

    #[test]
    fn a_location_block_a_ws_target_and_a_rewrite_each_count() {
        let rec = audit(
            "Timeout 300\n<Location /ws/>\n  ProxyPass http://127.0.0.1:3000/ws/ upgrade=websocket\n</Location>\n",
        );
        assert!(!rec.has("config.apache_no_wstunnel") && !rec.has("config.apache_short_timeout"));
        let rec = audit(
            "Timeout 300\nRewriteEngine on\nRewriteCond %{HTTP:Upgrade} websocket [NC]\nRewriteRule /(.*) ws://127.0.0.1:3000/$1 [P,L]\nProxyPass /socket/ http://127.0.0.1:3000/socket/\n",
        );
        assert!(!rec.has("config.apache_no_wstunnel"));
        let rec = audit(
            "LoadModule proxy_module m.so\nProxyPass /live/ \\\n    ws://127.0.0.1:3000/live/ timeout=30\n",
        );
        assert!(rec.has("config.apache_no_wstunnel") && rec.has("config.apache_short_timeout"));
    }
}
