//! The desktop's proxy settings, as GNOME keeps them, read through the real `gsettings` (with its
//! keyfile backend in a folder of the test's own, so the machine's settings are left alone): a manual
//! proxy (a real squid) is used and named as the source, its ignore-hosts honoured, and an automatic
//! (PAC) setting said plainly. One test in this file: it sets the process's environment.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::squid::{PROXIED_NAME, start_squid};
use support::{codes, options, run};
use wsdoctor_core::lab::{Lab, LabConfig};
use wsdoctor_core::report::Verdict;

/// Sets `key` of `schema` with the real gsettings, into the keyfile under `config`.
fn gsettings_set(schema: &str, key: &str, value: &str) {
    let status = Command::new("gsettings")
        .args(["set", schema, key, value])
        .status()
        .expect("gsettings runs (Debian package libglib2.0-bin)");
    assert!(status.success(), "gsettings set {schema} {key} {value}");
    // The engine keeps what it read (renewed in the background every 30 s): read the change now.
    wsdoctor_core::net::reread_desktop_proxy();
}

#[tokio::test]
async fn gnome_proxy_settings_are_followed_as_a_browser_follows_them() {
    let config = std::env::temp_dir().join(format!("wsdoctor-gsettings-{}", std::process::id()));
    std::fs::create_dir_all(&config).unwrap();
    // SAFETY: the only test of this binary; set before any thread reads them.
    unsafe {
        std::env::set_var("XDG_CONFIG_HOME", &config);
        std::env::set_var("GSETTINGS_BACKEND", "keyfile");
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            std::env::remove_var(name);
        }
    }
    let lab = Lab::start(LabConfig::default()).await.unwrap();
    let squid = start_squid();
    let system = |url: String| {
        let mut o = options(url);
        o.use_env_proxy = true;
        o
    };

    // Manual: a host that is not loopback by name goes through squid (which alone knows the name), the
    // source named.
    gsettings_set("org.gnome.system.proxy", "mode", "'manual'");
    gsettings_set("org.gnome.system.proxy.http", "host", "'127.0.0.1'");
    gsettings_set(
        "org.gnome.system.proxy.http",
        "port",
        &squid.open_port.to_string(),
    );
    gsettings_set(
        "org.gnome.system.proxy",
        "ignore-hosts",
        "['*.internal.test']",
    );
    let by_name = format!("ws://{PROXIED_NAME}:{}/echo", lab.addr().port());
    let report = run(&system(by_name.clone()), Duration::from_secs(20)).await;
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.diagnoses);
    assert_eq!(codes(&report), ["proxy.used"]);
    let proxy = report.target.proxy.clone().unwrap();
    assert!(proxy.contains("GNOME proxy settings"), "{proxy}");

    // A loopback target is reached direct whatever ignore-hosts says, as browsers reach it.
    let report = run(&system(lab.url("/echo")), Duration::from_secs(20)).await;
    assert!(report.diagnoses.is_empty(), "{:#?}", report.diagnoses);
    assert_eq!(report.target.proxy, None);

    // A name in ignore-hosts is reached direct (here: not at all, since only squid knows it).
    gsettings_set(
        "org.gnome.system.proxy",
        "ignore-hosts",
        "['localhost', '127.0.0.0/8', '::1', '*.proxied.test']",
    );
    let report = run(&system(by_name.clone()), Duration::from_secs(20)).await;
    assert_eq!(report.target.proxy, None);
    assert_eq!(
        codes(&report)[0],
        "dns.unresolved",
        "{:#?}",
        report.diagnoses
    );

    // Automatic: a PAC file decides; the check goes direct and says so (for a host that is not loopback:
    // browsers never ask the PAC file about one).
    gsettings_set("org.gnome.system.proxy", "mode", "'auto'");
    gsettings_set(
        "org.gnome.system.proxy",
        "autoconfig-url",
        "'http://wpad.internal.test/wpad.dat'",
    );
    let mut pinned = system(by_name);
    pinned.resolve = vec![
        wsdoctor_core::net::Pinned::parse(&format!(
            "{PROXIED_NAME}:{}:127.0.0.1",
            lab.addr().port()
        ))
        .unwrap(),
    ];
    let report = run(&pinned, Duration::from_secs(20)).await;
    assert_eq!(codes(&report), ["proxy.pac_not_evaluated"]);
    assert!(
        report.diagnoses[0].evidence[0]
            .content
            .contains("wpad.internal.test/wpad.dat")
    );
    assert_eq!(report.verdict, Verdict::Healthy);

    assert!(
        Path::new(&config)
            .join("glib-2.0/settings/keyfile")
            .exists(),
        "the keyfile backend was used"
    );
    let _ = std::fs::remove_dir_all(&config);
}
