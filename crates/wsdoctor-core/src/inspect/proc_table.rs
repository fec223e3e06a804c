//! What the kernel says about processes and sockets on this machine, read from /proc (through `procfs`).
//!
//! Everything here can be partly unreadable (other users' processes without root); callers get what could
//! be read plus the list of what could not, so a report says "could not inspect" instead of guessing.

use std::collections::HashMap;
use std::net::SocketAddr;

use procfs::process::{FDTarget, Process};

/// A running process.
#[derive(Debug, Clone)]
pub(crate) struct ProcInfo {
    pub pid: i32,
    pub name: String,
    pub cmdline: String,
    pub uid: Option<u32>,
    pub uptime_secs: Option<u64>,
}

impl ProcInfo {
    fn read(process: &Process) -> Option<Self> {
        let stat = process.stat().ok()?;
        let cmdline = process
            .cmdline()
            .map(|args| args.join(" "))
            .unwrap_or_default();
        let uptime_secs = procfs::boot_time_secs().ok().and_then(|boot| {
            let started = boot + stat.starttime / procfs::ticks_per_second();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            now.checked_sub(started)
        });
        Some(ProcInfo {
            pid: process.pid,
            name: stat.comm,
            cmdline,
            uid: process.uid().ok(),
            uptime_secs,
        })
    }

    /// `node (PID 1234, uid 1000, up 3 h 2 min): node server.js`
    pub fn describe(&self) -> String {
        let uptime = self
            .uptime_secs
            .map(|s| format!(", up {}", human_duration(s)))
            .unwrap_or_default();
        let uid = self.uid.map(|u| format!(", uid {u}")).unwrap_or_default();
        let cmd = if self.cmdline.is_empty() {
            String::new()
        } else {
            format!(": {}", shorten(&self.cmdline, 160))
        };
        format!("{} (PID {}{uid}{uptime}){cmd}", self.name, self.pid)
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

pub(crate) fn human_duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// Processes matching `spec`: a PID, or a name matched against the command name and the command line
/// (as `ps aux | grep NAME` would, minus this process itself).
pub(crate) fn find(spec: &str) -> Vec<ProcInfo> {
    if let Ok(pid) = spec.trim().parse::<i32>() {
        return Process::new(pid)
            .ok()
            .and_then(|p| ProcInfo::read(&p))
            .into_iter()
            .collect();
    }
    let me = std::process::id() as i32;
    let needle = spec.trim();
    let Ok(all) = procfs::process::all_processes() else {
        return Vec::new();
    };
    all.filter_map(Result::ok)
        .filter(|p| p.pid != me)
        .filter_map(|p| ProcInfo::read(&p))
        .filter(|info| info.name == needle || info.cmdline.contains(needle))
        .collect()
}

/// A listening TCP socket.
#[derive(Debug, Clone)]
pub(crate) struct Listener {
    pub addr: SocketAddr,
    pub inode: u64,
}

/// Every listening TCP socket (IPv4 and IPv6), optionally only on `port`.
pub(crate) fn listeners(port: Option<u16>) -> Vec<Listener> {
    let mut entries = procfs::net::tcp().unwrap_or_default();
    entries.extend(procfs::net::tcp6().unwrap_or_default());
    entries
        .into_iter()
        .filter(|e| e.state == procfs::net::TcpState::Listen)
        .filter(|e| port.is_none_or(|p| e.local_address.port() == p))
        .map(|e| Listener {
            addr: e.local_address,
            inode: e.inode,
        })
        .collect()
}

/// Which process owns each socket inode, and which processes could not be inspected.
pub(crate) struct SocketOwners {
    pub by_inode: HashMap<u64, (i32, String)>,
    pub unreadable: Vec<(i32, String)>,
}

pub(crate) fn socket_owners(wanted: &[u64]) -> SocketOwners {
    let mut owners = SocketOwners {
        by_inode: HashMap::new(),
        unreadable: Vec::new(),
    };
    let Ok(all) = procfs::process::all_processes() else {
        return owners;
    };
    for process in all.filter_map(Result::ok) {
        let name = process
            .stat()
            .map(|s| s.comm)
            .unwrap_or_else(|_| "?".to_string());
        match process.fd() {
            Ok(fds) => {
                for fd in fds.filter_map(Result::ok) {
                    if let FDTarget::Socket(inode) = fd.target
                        && wanted.contains(&inode)
                    {
                        owners.by_inode.insert(inode, (process.pid, name.clone()));
                    }
                }
            }
            Err(_) => owners.unreadable.push((process.pid, name)),
        }
    }
    owners
}

/// Open descriptors and the soft limit of a process.
pub(crate) fn fd_usage(pid: i32) -> Result<(usize, Option<u64>), String> {
    let process = Process::new(pid).map_err(|e| e.to_string())?;
    let open = process.fd_count().map_err(|e| {
        format!("cannot read /proc/{pid}/fd ({e}); run as the process's user or root")
    })?;
    let limit = process
        .limits()
        .ok()
        .and_then(|l| match l.max_open_files.soft_limit {
            procfs::process::LimitValue::Value(v) => Some(v),
            procfs::process::LimitValue::Unlimited => None,
        });
    Ok((open, limit))
}

/// A process's environment.
pub(crate) fn environ(pid: i32) -> Result<HashMap<String, String>, String> {
    let process = Process::new(pid).map_err(|e| e.to_string())?;
    process
        .environ()
        .map(|vars| {
            vars.into_iter()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect()
        })
        .map_err(|e| format!("cannot read /proc/{pid}/environ ({e})"))
}
