//! The server's environment: NODE_ENV, PORT and the like, as the running process sees them.

use std::collections::HashMap;

use super::proc_table::{self, ProcInfo};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

/// Variables checked by default when a process is known.
const DEFAULT_NAMES: &[&str] = &["NODE_ENV", "FLASK_ENV", "DJANGO_SETTINGS_MODULE", "PORT"];

/// Variables whose values are never shown (only whether they are set).
fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    crate::redact::is_secret_name(name)
        || ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL"]
            .iter()
            .any(|w| upper.contains(w))
}

/// `specs` are `NAME` or `NAME=EXPECTED`; with none, the defaults are checked (only when a process is known).
pub(crate) fn check(
    rec: &mut Recorder,
    specs: &[String],
    process: Option<&ProcInfo>,
    target_port: Option<u16>,
) {
    let explicit = !specs.is_empty();
    if !explicit && process.is_none() {
        return;
    }
    let mut step = rec.start("env", Section::ServerHealth, "Environment");
    let (vars, source): (HashMap<String, String>, String) =
        match process.map(|p| (p, proc_table::environ(p.pid))) {
            Some((p, Ok(vars))) => (
                vars,
                format!("the environment of PID {} ({})", p.pid, p.name),
            ),
            Some((p, Err(error))) => (
                std::env::vars().collect(),
                format!(
                    "this shell's environment, because PID {} could not be read: {error}",
                    p.pid
                ),
            ),
            None => (
                std::env::vars().collect(),
                "this shell's environment (no --process given)".to_string(),
            ),
        };
    let wanted: Vec<(String, Option<String>)> = if explicit {
        specs
            .iter()
            .map(|s| match s.split_once('=') {
                Some((name, value)) => (name.trim().to_string(), Some(value.to_string())),
                None => (s.trim().to_string(), None),
            })
            .collect()
    } else {
        DEFAULT_NAMES
            .iter()
            .map(|n| (n.to_string(), None))
            .collect()
    };

    let mut lines = Vec::new();
    let mut unset = Vec::new();
    let mut mismatched = Vec::new();
    for (name, expected) in &wanted {
        let expected = expected.clone().or_else(|| {
            (name == "PORT")
                .then(|| target_port.map(|p| p.to_string()))
                .flatten()
        });
        match (vars.get(name), expected) {
            (None, _) => {
                // The defaults are a hint list: only an explicitly asked-for variable is reported unset.
                if explicit {
                    unset.push(name.clone());
                }
                lines.push(format!("{name}: (not set)"));
            }
            (Some(value), Some(expected)) if *value != expected && looks_secret(name) => {
                // Neither value is shown: a mismatch of a secret is said, never quoted.
                rec.redactor
                    .remember(value, format!("environment variable {name}"));
                rec.redactor
                    .remember(&expected, format!("environment variable {name}"));
                mismatched.push(format!("{name} (set, but not to the expected value)"));
                lines.push(format!(
                    "{name}={}  ≠ the expected value",
                    crate::redact::REDACTED
                ));
            }
            (Some(value), Some(expected)) if *value != expected => {
                mismatched.push(format!("{name}={value} (expected {expected})"));
                lines.push(format!("{name}={value}  ≠ expected {expected}"));
            }
            (Some(value), _) if looks_secret(name) => {
                rec.redactor
                    .remember(value, format!("environment variable {name}"));
                lines.push(format!("{name}={}", crate::redact::REDACTED))
            }
            (Some(value), _) => lines.push(format!("{name}={}", rec.redactor.text(value))),
        }
    }
    step.evidence.push(Evidence::new(
        format!("Read from {source}"),
        lines.join("\n"),
    ));
    if !mismatched.is_empty() {
        rec.diagnose(
            "env.mismatch",
            vec![Evidence::new("Values", mismatched.join("\n"))],
        );
    }
    if !unset.is_empty() {
        rec.diagnose(
            "env.unset",
            vec![Evidence::new("Not set", unset.join(", "))],
        );
    }
    let (status, summary) = match (mismatched.is_empty(), unset.is_empty()) {
        (false, _) => (
            CheckStatus::Warn,
            format!("Unexpected: {}.", mismatched.join(", ")),
        ),
        (true, false) => (
            CheckStatus::Info,
            format!("Not set: {} (from {source}).", unset.join(", ")),
        ),
        (true, true) => (
            CheckStatus::Pass,
            format!("{} (from {source}).", lines.join(", ")),
        ),
    };
    rec.finish(step, status, summary);
}
