//! The server process: is it running, since when, as whom, what does it listen on, and how close is it to
//! its open-file limit (the EMFILE failure, before it happens).

use super::proc_table::{self, ProcInfo};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

/// Share of the open-file limit above which a process is reported as close to it.
const FD_WARNING_SHARE: f64 = 0.9;

pub(crate) fn check(rec: &mut Recorder, spec: &str) -> Vec<ProcInfo> {
    let mut step = rec.start("process", Section::ServerHealth, "Server process");
    let found = proc_table::find(spec);
    if found.is_empty() {
        rec.diagnose(
            "process.not_running",
            vec![Evidence::new(
                "Looked for",
                format!("a process named or numbered `{spec}`"),
            )],
        );
        rec.finish(
            step,
            CheckStatus::Fail,
            format!("No running process matches `{spec}`."),
        );
        return found;
    }
    let listening = proc_table::listeners(None);
    let owners = proc_table::socket_owners(&listening.iter().map(|l| l.inode).collect::<Vec<_>>());
    let mut lines = Vec::new();
    let mut near_limit = Vec::new();
    let mut unreadable = Vec::new();
    for info in found.iter().take(10) {
        let ports: Vec<String> = listening
            .iter()
            .filter(|l| {
                owners
                    .by_inode
                    .get(&l.inode)
                    .is_some_and(|(pid, _)| *pid == info.pid)
            })
            .map(|l| l.addr.to_string())
            .collect();
        let listens = if ports.is_empty() {
            "listens on no TCP port".to_string()
        } else {
            format!("listens on {}", ports.join(", "))
        };
        let fds = match proc_table::fd_usage(info.pid) {
            Ok((open, Some(limit))) => {
                if open as f64 >= limit as f64 * FD_WARNING_SHARE {
                    near_limit.push(format!(
                        "PID {}: {open} of {limit} file descriptors open",
                        info.pid
                    ));
                }
                format!("{open} of {limit} file descriptors open")
            }
            Ok((open, None)) => format!("{open} file descriptors open (no limit)"),
            Err(error) => {
                unreadable.push(format!("PID {}: {error}", info.pid));
                "file descriptors not readable".to_string()
            }
        };
        lines.push(format!("{}\n  {listens}; {fds}", info.describe()));
    }
    if found.len() > 10 {
        lines.push(format!("… and {} more", found.len() - 10));
    }
    step.evidence
        .push(Evidence::new("Processes", lines.join("\n")));
    if !unreadable.is_empty() {
        step.evidence
            .push(Evidence::new("Could not inspect", unreadable.join("\n")));
    }
    let count = if found.len() == 1 {
        "1 process".to_string()
    } else {
        format!("{} processes", found.len())
    };
    let first = found[0].describe();
    if near_limit.is_empty() {
        rec.finish(
            step,
            CheckStatus::Pass,
            format!("{count} running; {first}."),
        );
    } else {
        rec.diagnose(
            "process.fd_near_limit",
            vec![Evidence::new("Descriptors", near_limit.join("\n"))],
        );
        rec.finish(
            step,
            CheckStatus::Warn,
            format!(
                "{count} running, close to the open-file limit: {}.",
                near_limit.join("; ")
            ),
        );
    }
    found
}
