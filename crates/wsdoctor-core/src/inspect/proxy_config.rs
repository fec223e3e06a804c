//! Reverse-proxy configuration: nginx parsed for real (nginx-lint-parser, following `include`), each
//! location that proxies and can carry WebSockets judged, with the corrected block as the fix. HAProxy
//! and Apache files go to their own audits (`haproxy_config.rs`, `apache_config.rs`); Caddyfiles are
//! recognised, with a note of what is and is not checked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use nginx_lint_parser::ast::{Config, Directive};

use super::config_file::{WEBSOCKET_PATH, read_config};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section, SourceLocation};

/// `proxy_read_timeout` at or under this many seconds closes idle WebSockets too soon.
const SHORT_TIMEOUT_SECS: u64 = 60;
const MAX_INCLUDE_DEPTH: usize = 16;
/// Config files read in all, includes counted.
const MAX_CONFIG_FILES: usize = 256;

/// One directive as read, with where it came from.
#[derive(Debug, Clone)]
struct ReadDirective {
    name: String,
    args: Vec<String>,
    file: PathBuf,
    line: usize,
    children: Vec<ReadDirective>,
}

impl ReadDirective {
    fn arg(&self, i: usize) -> &str {
        self.args.get(i).map(String::as_str).unwrap_or("")
    }

    fn render(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        if self.children.is_empty() && self.name != "location" && self.name != "server" {
            format!("{pad}{} {};", self.name, self.args.join(" "))
        } else {
            let inner: Vec<String> = self.children.iter().map(|c| c.render(indent + 4)).collect();
            format!(
                "{pad}{} {} {{\n{}\n{pad}}}",
                self.name,
                self.args.join(" "),
                inner.join("\n")
            )
        }
    }
}

struct Loader {
    root_dir: PathBuf,
    visited: HashSet<PathBuf>,
    errors: Vec<String>,
    files: Vec<PathBuf>,
}

impl Loader {
    fn load(&mut self, path: &Path, depth: usize) -> Vec<ReadDirective> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if depth > MAX_INCLUDE_DEPTH || !self.visited.insert(canonical) {
            return Vec::new();
        }
        if self.files.len() >= MAX_CONFIG_FILES {
            self.errors.push(format!(
                "{}: not read: more than {MAX_CONFIG_FILES} config files are included",
                path.display()
            ));
            return Vec::new();
        }
        self.files.push(path.to_path_buf());
        let text = match read_config(path) {
            Ok(text) => text,
            Err(error) => {
                self.errors.push(error);
                return Vec::new();
            }
        };
        let (config, errors): (Config, _) = nginx_lint_parser::parse_string_with_errors(&text);
        for error in errors.iter().take(3) {
            let before = &text.as_bytes()[..error.offset.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            self.errors
                .push(format!("{}:{line}: {}", path.display(), error.message));
        }
        config
            .directives()
            .flat_map(|d| self.convert(d, path, depth))
            .collect()
    }

    fn convert(&mut self, directive: &Directive, file: &Path, depth: usize) -> Vec<ReadDirective> {
        if directive.name == "include" {
            let pattern = directive.first_arg().unwrap_or("");
            return self
                .expand(pattern, file)
                .into_iter()
                .flat_map(|p| self.load(&p, depth + 1))
                .collect();
        }
        let children = directive
            .block
            .as_ref()
            .map(|b| {
                b.directives()
                    .flat_map(|d| self.convert(d, file, depth))
                    .collect()
            })
            .unwrap_or_default();
        vec![ReadDirective {
            name: directive.name.clone(),
            args: directive
                .args
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            file: file.to_path_buf(),
            line: directive.span.start.line,
            children,
        }]
    }

    /// Files an `include` names: relative to the main config's directory, `*` in the file name.
    fn expand(&self, pattern: &str, from: &Path) -> Vec<PathBuf> {
        let path = Path::new(pattern);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root_dir.join(path)
        };
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Vec::new();
        };
        if !name.contains('*') {
            if path.exists() {
                return vec![path];
            }
            // nginx resolves relative includes against its prefix; also try the including file's directory.
            let sibling = from
                .parent()
                .map(|d| d.join(pattern))
                .filter(|p| p.exists());
            return sibling.into_iter().collect();
        }
        let (before, after) = name.split_once('*').unwrap_or((name, ""));
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut matches: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_file()
                            && p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| n.starts_with(before) && n.ends_with(after))
                    })
                    .collect()
            })
            .unwrap_or_default();
        matches.sort();
        matches
    }
}

/// The directives in effect for a location: its own, else inherited from the enclosing blocks (nginx
/// inherits `proxy_set_header` only when a level sets none of its own).
struct Effective<'a> {
    chain: Vec<&'a ReadDirective>,
}

impl Effective<'_> {
    fn find(&self, name: &str) -> Option<&ReadDirective> {
        self.chain
            .iter()
            .rev()
            .find_map(|level| level.children.iter().rev().find(|c| c.name == name))
    }

    fn headers(&self) -> Vec<&ReadDirective> {
        for level in self.chain.iter().rev() {
            let set: Vec<&ReadDirective> = level
                .children
                .iter()
                .filter(|c| c.name == "proxy_set_header")
                .collect();
            if !set.is_empty() {
                return set;
            }
        }
        Vec::new()
    }
}

fn seconds(value: &str) -> Option<u64> {
    let value = value.trim();
    let (number, unit) = value.split_at(
        value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len()),
    );
    let n: u64 = number.parse().ok()?;
    Some(match unit {
        "" | "s" => n,
        "ms" => n / 1000,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return None,
    })
}

struct Finding {
    code: &'static str,
    what: String,
}

fn judge(
    location: &ReadDirective,
    effective: &Effective,
    target_path: Option<&str>,
) -> Option<(Vec<Finding>, String)> {
    let proxy_pass = location.children.iter().find(|c| c.name == "proxy_pass")?;
    let path = location.args.last().cloned().unwrap_or_default();
    let headers = effective.headers();
    let header = |name: &str| {
        headers
            .iter()
            .find(|h| h.arg(0).eq_ignore_ascii_case(name))
            .map(|h| h.arg(1).to_string())
    };
    let upgrade = header("Upgrade");
    let connection = header("Connection");
    let carries_websockets = upgrade.is_some()
        || WEBSOCKET_PATH.is_match(&path)
        || target_path.is_some_and(|t| {
            !path.is_empty()
                && path != "/"
                && t.starts_with(path.trim_start_matches(['=', '~', '^', ' ']))
        })
        || proxy_pass.arg(0).starts_with("ws");
    if !carries_websockets {
        return None;
    }
    let at = format!(
        "{}:{} location {path}",
        location.file.display(),
        location.line
    );
    let mut findings = Vec::new();
    if upgrade.is_none() || connection.is_none() {
        findings.push(Finding {
            code: "config.nginx_no_upgrade",
            what: format!("{at}: no `proxy_set_header Upgrade`/`Connection`"),
        });
    }
    if effective
        .find("proxy_http_version")
        .map(|d| d.arg(0).to_string())
        .as_deref()
        != Some("1.1")
    {
        findings.push(Finding {
            code: "config.nginx_http10",
            what: format!("{at}: no `proxy_http_version 1.1`"),
        });
    }
    let timeout = effective
        .find("proxy_read_timeout")
        .and_then(|d| seconds(d.arg(0)));
    if timeout.is_none_or(|t| t <= SHORT_TIMEOUT_SECS) {
        let said = timeout
            .map(|t| format!("{t} s"))
            .unwrap_or_else(|| "the 60 s default".to_string());
        findings.push(Finding {
            code: "config.nginx_short_timeout",
            what: format!("{at}: proxy_read_timeout is {said}"),
        });
    }
    if let Some(value) = &connection
        && value.eq_ignore_ascii_case("upgrade")
        && !WEBSOCKET_PATH.is_match(&path)
    {
        findings.push(Finding {
            code: "config.nginx_hardcoded_connection",
            what: format!(
                "{at}: `Connection \"upgrade\"` on a location that also serves plain HTTP"
            ),
        });
    }
    if header("Host").is_none() {
        findings.push(Finding {
            code: "config.nginx_no_host",
            what: format!("{at}: `Host` is not forwarded"),
        });
    }
    if findings.is_empty() {
        return Some((findings, String::new()));
    }
    // The corrected block: what the location had, plus what a WebSocket location needs.
    let fixed_names = ["proxy_http_version", "proxy_read_timeout"];
    let mut kept: Vec<String> = location
        .children
        .iter()
        .filter(|c| !fixed_names.contains(&c.name.as_str()))
        .filter(|c| {
            !(c.name == "proxy_set_header"
                && ["upgrade", "connection", "host"]
                    .contains(&c.arg(0).to_ascii_lowercase().as_str()))
        })
        .map(|c| c.render(4))
        .collect();
    kept.extend(
        [
            "proxy_http_version 1.1;",
            "proxy_set_header Upgrade $http_upgrade;",
            "proxy_set_header Connection $connection_upgrade;",
            "proxy_set_header Host $host;",
            "proxy_read_timeout 3600s;",
        ]
        .iter()
        .map(|l| format!("    {l}")),
    );
    let block = format!(
        "# in the http block, once:\nmap $http_upgrade $connection_upgrade {{\n    default upgrade;\n    ''      close;\n}}\n\nlocation {} {{\n{}\n}}",
        location.args.join(" "),
        kept.join("\n")
    );
    Some((findings, block))
}

fn walk<'a>(
    items: &'a [ReadDirective],
    chain: &mut Vec<&'a ReadDirective>,
    out: &mut Vec<(&'a ReadDirective, Vec<&'a ReadDirective>)>,
) {
    for item in items {
        if item.name == "location" {
            out.push((item, chain.clone()));
        }
        if !item.children.is_empty() {
            chain.push(item);
            walk(&item.children, chain, out);
            chain.pop();
        }
    }
}

/// Audits an nginx configuration file or directory (a directory: its nginx.conf, else every *.conf).
pub(crate) fn check(rec: &mut Recorder, path: &Path, target_path: Option<&str>) {
    let mut step = rec.start(
        "proxy_config",
        Section::ProxyAndHttps,
        "Proxy configuration",
    );
    // A folder: nginx's or HAProxy's main file, Debian's Apache layout, else every file in it.
    let apache_layout = path
        .is_dir()
        .then(|| super::apache_config::debian_layout(path))
        .flatten();
    let entry_files: Vec<PathBuf> = if let Some(files) = &apache_layout {
        files.clone()
    } else if path.is_dir() {
        let main = ["nginx.conf", "haproxy.cfg"]
            .iter()
            .map(|name| path.join(name))
            .find(|p| p.is_file());
        if let Some(main) = main {
            vec![main]
        } else {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|e| {
                    e.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            files
        }
    } else {
        vec![path.to_path_buf()]
    };
    if entry_files.is_empty() || !path.exists() {
        rec.finish(
            step,
            CheckStatus::Warn,
            format!(
                "{} does not exist or holds no configuration file: not checked.",
                path.display()
            ),
        );
        return;
    }

    // Caddy, HAProxy and Apache are recognised by name and content; nginx is everything else.
    let mut other_notes = Vec::new();
    let mut nginx_files = Vec::new();
    let mut apache_files = Vec::new();
    for file in &entry_files {
        let text = match read_config(file) {
            Ok(text) => text,
            Err(error) => {
                other_notes.push(error);
                continue;
            }
        };
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if apache_layout.is_some() {
            apache_files.push(file.clone());
        } else if name.eq_ignore_ascii_case("Caddyfile")
            || (text.contains("reverse_proxy") && !text.contains("proxy_pass"))
        {
            let sites: Vec<String> = text
                .lines()
                .filter(|l| l.contains("reverse_proxy"))
                .map(|l| l.trim().to_string())
                .collect();
            rec.diagnose(
                "config.caddy",
                vec![Evidence::new(file.display().to_string(), sites.join("\n"))],
            );
            other_notes.push(format!("{}: Caddy; reverse_proxy forwards upgrades on its own ({} proxy line(s)); timeouts not checked", file.display(), sites.len()));
        } else if super::haproxy_config::recognised(&text) {
            other_notes.push(super::haproxy_config::check(rec, file, &text));
        } else if super::apache_config::recognised(file, &text) {
            apache_files.push(file.clone());
        } else {
            nginx_files.push(file.clone());
        }
    }
    if !apache_files.is_empty() {
        other_notes.push(super::apache_config::check(rec, &apache_files));
    }

    let mut loader = Loader {
        root_dir: entry_files[0]
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        visited: HashSet::new(),
        errors: Vec::new(),
        files: Vec::new(),
    };
    let items: Vec<ReadDirective> = nginx_files.iter().flat_map(|f| loader.load(f, 0)).collect();
    let mut locations = Vec::new();
    walk(&items, &mut Vec::new(), &mut locations);

    let mut problems = 0;
    let mut judged = Vec::new();
    for (location, chain) in &locations {
        let mut levels = chain.clone();
        levels.push(location);
        let effective = Effective { chain: levels };
        let Some((findings, block)) = judge(location, &effective, target_path) else {
            continue;
        };
        let where_ = format!(
            "{}:{} location {}",
            location.file.display(),
            location.line,
            location.args.join(" ")
        );
        if findings.is_empty() {
            judged.push(format!("{where_}: passes upgrades correctly"));
            continue;
        }
        for finding in &findings {
            let mut evidence = vec![
                Evidence::new("Where", finding.what.clone()),
                Evidence::new("As written", location.render(0)),
            ];
            if !block.is_empty() {
                evidence.push(Evidence::new("Corrected block", block.clone()));
            }
            let here = SourceLocation::new(location.file.display().to_string(), location.line);
            rec.diagnose_at(finding.code, evidence, vec![here]);
            if crate::catalog::entry(finding.code).severity != crate::catalog::Severity::Info {
                problems += 1;
            }
        }
        judged.push(format!(
            "{where_}: {}",
            findings
                .iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !loader.errors.is_empty() {
        rec.diagnose(
            "config.syntax_error",
            vec![Evidence::new("Errors", loader.errors.join("\n"))],
        );
    }
    step.evidence.push(Evidence::new(
        "Files read",
        loader
            .files
            .iter()
            .map(|f| f.display().to_string())
            .chain(other_notes.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n"),
    ));
    if !judged.is_empty() {
        step.evidence
            .push(Evidence::new("WebSocket locations", judged.join("\n")));
    }
    let summary = if !loader.errors.is_empty() {
        format!("Syntax error: {}.", loader.errors[0])
    } else if locations.is_empty() && nginx_files.is_empty() {
        other_notes.join("; ")
    } else if judged.is_empty() {
        format!(
            "{} location(s) read; none proxies a WebSocket path.",
            locations.len()
        )
    } else if problems == 0 {
        format!(
            "{} WebSocket location(s) pass upgrades correctly.",
            judged.len()
        )
    } else {
        format!(
            "{problems} problem(s) in {} WebSocket location(s).",
            judged.len()
        )
    };
    let blocking = [
        "config.nginx_no_upgrade",
        "config.apache_no_wstunnel",
        "config.haproxy_upgrade_stripped",
    ];
    let warnings = [
        "config.apache_short_timeout",
        "config.haproxy_no_tunnel_timeout",
        "config.haproxy_short_timeout",
    ];
    let status = if !loader.errors.is_empty() || blocking.iter().any(|c| rec.has(c)) {
        CheckStatus::Fail
    } else if problems > 0 || warnings.iter().any(|c| rec.has(c)) {
        CheckStatus::Warn
    } else {
        CheckStatus::Pass
    };
    rec.finish(step, status, summary);
}
