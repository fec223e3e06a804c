//! The desktop's proxy settings, which browsers on Linux follow when the environment names none: GNOME's
//! `org.gnome.system.proxy` (read with `gsettings`, so whichever backend the desktop uses answers). A
//! manual proxy is used like one from the environment, its `ignore-hosts` honoured (names, `*.` and `.`
//! suffixes, CIDR ranges); an automatic one (a PAC URL) is said plainly, since PAC scripts are not run.
//!
//! Running `gsettings` costs about 7 ms, more than a whole local check, so the settings are read once
//! and kept: [`prefetch`] reads them off the hot path when a front end starts, and a reading older than
//! [`FRESH_FOR`] is renewed in the background while the kept one still answers (the app runs for hours;
//! a desktop's proxy changes rarely).

use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long `gsettings` may take before it is given up on.
const GSETTINGS_DEADLINE: Duration = Duration::from_secs(2);
/// How long a reading is used before it is renewed (in the background).
const FRESH_FOR: Duration = Duration::from_secs(30);

/// The last reading: when, and what `gsettings` printed (`None`: no GNOME schema, or no answer).
static KEPT: Mutex<Option<(Instant, Option<String>)>> = Mutex::new(None);
/// Held while `gsettings` runs, so that readers wait for one run rather than start their own.
static READING: Mutex<()> = Mutex::new(());
/// A background renewal is under way.
static RENEWING: AtomicBool = AtomicBool::new(false);
/// The most of its output read.
const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// What GNOME says about proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Desktop {
    /// `mode` is `none`, or nothing could be read.
    Direct,
    /// `mode` is `manual`: the proxy for this scheme (`host:port`), and the hosts that go direct.
    Manual {
        proxy: Option<String>,
        ignore: Vec<String>,
    },
    /// `mode` is `auto`: a PAC file at this URL picks the proxy.
    Auto { pac_url: String },
}

/// GNOME's proxy settings for a `secure` (wss/https) or plain connection to `host`. A loopback host
/// is always reached direct, as browsers reach it whatever the desktop says (Chrome's implicit bypass
/// rules, Firefox's `network.proxy.allow_hijacking_localhost` off): the settings are not even read.
pub(crate) fn gnome(host: &str, secure: bool) -> Desktop {
    if always_direct(host) {
        return Desktop::Direct;
    }
    match listing() {
        Some(listing) => parse(&listing, secure),
        None => Desktop::Direct,
    }
}

/// Reads the desktop's proxy settings on a thread of their own, so that the first check finds them
/// read. Front ends call it when they start.
pub fn prefetch() {
    let _ = std::thread::Builder::new()
        .name("desktop-proxy".into())
        .spawn(reread);
}

/// Reads the desktop's proxy settings again, now (for a caller that has just changed them).
pub fn reread() {
    let _one = READING.lock().unwrap_or_else(|p| p.into_inner());
    let listing = run_gsettings();
    *KEPT.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), listing));
}

/// The kept reading (renewed in the background when old), or a first one, read now.
fn listing() -> Option<String> {
    let kept = KEPT.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match kept {
        Some((at, listing)) => {
            if at.elapsed() > FRESH_FOR && !RENEWING.swap(true, Ordering::AcqRel) {
                let renewal = std::thread::Builder::new()
                    .name("desktop-proxy".into())
                    .spawn(|| {
                        reread();
                        RENEWING.store(false, Ordering::Release);
                    });
                if renewal.is_err() {
                    RENEWING.store(false, Ordering::Release);
                }
            }
            listing
        }
        None => {
            // A prefetch may be running: wait for it rather than run gsettings twice.
            drop(READING.lock().unwrap_or_else(|p| p.into_inner()));
            if let Some((_, listing)) = KEPT.lock().unwrap_or_else(|p| p.into_inner()).clone() {
                return listing;
            }
            reread();
            KEPT.lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .and_then(|(_, listing)| listing)
        }
    }
}

/// `gsettings list-recursively org.gnome.system.proxy`, or `None` where there is no GNOME schema.
fn run_gsettings() -> Option<String> {
    let mut child = Command::new("gsettings")
        .args(["list-recursively", "org.gnome.system.proxy"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if started.elapsed() > GSETTINGS_DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let mut out = Vec::new();
    use std::io::Read;
    child
        .stdout
        .take()?
        .take(MAX_OUTPUT_BYTES as u64)
        .read_to_end(&mut out)
        .ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Reads the listing: `org.gnome.system.proxy[.child] key value` per line.
fn parse(listing: &str, secure: bool) -> Desktop {
    let value = |schema: &str, key: &str| {
        listing.lines().find_map(|line| {
            let rest = line.strip_prefix(schema)?.strip_prefix(' ')?;
            rest.strip_prefix(key)?.strip_prefix(' ').map(str::trim)
        })
    };
    let text = |v: Option<&str>| v.map(|v| v.trim_matches('\'').to_string());
    match text(value("org.gnome.system.proxy", "mode")).as_deref() {
        Some("manual") => {
            let scheme = if secure {
                "org.gnome.system.proxy.https"
            } else {
                "org.gnome.system.proxy.http"
            };
            let host = text(value(scheme, "host")).filter(|h| !h.is_empty());
            let port = value(scheme, "port").and_then(|p| p.parse::<u16>().ok());
            let proxy = match (host, port) {
                (Some(host), Some(port)) if port != 0 => Some(format!("{host}:{port}")),
                _ => None,
            };
            let ignore = value("org.gnome.system.proxy", "ignore-hosts")
                .map(strings)
                .unwrap_or_default();
            Desktop::Manual { proxy, ignore }
        }
        Some("auto") => Desktop::Auto {
            pac_url: text(value("org.gnome.system.proxy", "autoconfig-url")).unwrap_or_default(),
        },
        _ => Desktop::Direct,
    }
}

/// The strings of a GVariant string array as gsettings prints it: `['a', 'b']`.
fn strings(array: &str) -> Vec<String> {
    array
        .trim()
        .trim_start_matches('@')
        .trim_start_matches("as ")
        .trim_matches(['[', ']'])
        .split(',')
        .map(|s| s.trim().trim_matches('\'').trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The hosts browsers never send through a proxy: `localhost` and `*.localhost`, the loopback addresses
/// (127.0.0.0/8, ::1) and the link-local ones (169.254.0.0/16, fe80::/10).
pub(crate) fn always_direct(host: &str) -> bool {
    let host = host
        .trim_matches(['[', ']'])
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.is_link_local(),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.is_unicast_link_local(),
        Err(_) => false,
    }
}

/// Whether GNOME's `ignore-hosts` sends `host` direct: an exact name, `*.suffix` or `.suffix`, an
/// address, or an address range in CIDR form.
pub(crate) fn ignored(ignore: &[String], host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    let address = host.parse::<IpAddr>().ok();
    ignore.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        if let Some((net, bits)) = entry.split_once('/') {
            return match (address, net.parse::<IpAddr>(), bits.parse::<u32>()) {
                (Some(ip), Ok(net), Ok(bits)) => in_range(ip, net, bits),
                _ => false,
            };
        }
        if let Some(suffix) = entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')) {
            return host.ends_with(&format!(".{suffix}"));
        }
        host == entry
    })
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANUAL: &str = "org.gnome.system.proxy autoconfig-url ''\n\
        org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '::1', '*.corp.test']\n\
        org.gnome.system.proxy mode 'manual'\n\
        org.gnome.system.proxy.http host 'proxy.corp.test'\n\
        org.gnome.system.proxy.http port 8080\n\
        org.gnome.system.proxy.https host 'secure-proxy.corp.test'\n\
        org.gnome.system.proxy.https port 3129\n";

    #[test]
    fn gnome_settings_are_read_per_scheme() {
        let Desktop::Manual { proxy, ignore } = parse(MANUAL, true) else {
            panic!("manual")
        };
        assert_eq!(proxy.as_deref(), Some("secure-proxy.corp.test:3129"));
        assert_eq!(ignore.len(), 4);
        assert!(
            matches!(parse(MANUAL, false), Desktop::Manual { proxy: Some(p), .. } if p == "proxy.corp.test:8080")
        );
        let auto = "org.gnome.system.proxy mode 'auto'\norg.gnome.system.proxy autoconfig-url 'http://wpad.corp.test/wpad.dat'\n";
        assert_eq!(
            parse(auto, true),
            Desktop::Auto {
                pac_url: "http://wpad.corp.test/wpad.dat".into()
            }
        );
        assert_eq!(
            parse("org.gnome.system.proxy mode 'none'\n", true),
            Desktop::Direct
        );
    }

    #[test]
    fn loopback_and_link_local_hosts_are_always_direct() {
        for host in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.8.0.1",
            "[::1]",
            "169.254.1.1",
            "[fe80::1]",
            "LOCALHOST.",
        ] {
            assert!(always_direct(host), "{host}");
            assert_eq!(gnome(host, true), Desktop::Direct, "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "[2001:db8::1]",
        ] {
            assert!(!always_direct(host), "{host}");
        }
    }

    #[test]
    fn ignore_hosts_match_names_suffixes_and_ranges() {
        let ignore =
            strings("['localhost', '127.0.0.0/8', '::1', '*.corp.test', '.lan', '10.1.0.0/16']");
        for host in [
            "localhost",
            "127.0.0.2",
            "[::1]",
            "api.corp.test",
            "nas.lan",
            "10.1.200.3",
        ] {
            assert!(ignored(&ignore, host), "{host}");
        }
        for host in ["corp.test", "example.com", "10.2.0.1", "128.0.0.1"] {
            assert!(!ignored(&ignore, host), "{host}");
        }
    }
}
