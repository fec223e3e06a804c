//! The webview's reach is exactly the app's own commands: the capability file, the command list, the
//! command modules and the security settings of tauri.conf.json must agree, or this test fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wsdoctor_app::COMMANDS;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_only_capability_grants_exactly_the_command_list() {
    let dir = manifest_dir().join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["main.json"],
        "one capability file, for the main window"
    );

    let capability = read_json(&dir.join("main.json"));
    assert_eq!(capability["identifier"], "main");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(
        capability.get("remote").is_none(),
        "no remote URL may reach the IPC"
    );
    assert!(capability.get("webviews").is_none());

    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("permissions is a list")
        .iter()
        .map(|p| {
            p.as_str()
                .expect("permissions are plain identifiers, no scopes")
                .to_string()
        })
        .collect();
    let expected: BTreeSet<String> = COMMANDS
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    assert_eq!(
        granted, expected,
        "the capability must grant the command list, nothing more or less"
    );
    for permission in &granted {
        assert!(
            !permission.contains(':'),
            "{permission}: no core or plugin permission is granted"
        );
    }
}

#[test]
fn every_command_function_is_in_the_command_list_and_back() {
    let dir = manifest_dir().join("src/commands");
    let mut defined = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let mut lines = source.lines();
        while let Some(line) = lines.next() {
            if line.trim() == "#[tauri::command]" {
                let signature = lines.next().expect("a function follows #[tauri::command]");
                let name = signature
                    .split("fn ")
                    .nth(1)
                    .and_then(|rest| rest.split(['(', '<']).next())
                    .unwrap_or_else(|| panic!("cannot read the command in `{signature}`"));
                defined.insert(name.trim().to_string());
            }
        }
    }
    let listed: BTreeSet<String> = COMMANDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        defined, listed,
        "src/commands and src/command_list.rs disagree"
    );
    assert_eq!(listed.len(), COMMANDS.len(), "a command is listed twice");
}

#[test]
fn the_webview_is_locked_down() {
    let config = read_json(&manifest_dir().join("../tauri.conf.json"));
    let security = &config["app"]["security"];
    assert_eq!(config["app"]["withGlobalTauri"], false);
    assert_eq!(security["freezePrototype"], true);
    assert_eq!(security["capabilities"], serde_json::json!(["main"]));
    assert!(
        security
            .get("dangerousDisableAssetCspModification")
            .is_none()
    );
    let csp = &security["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["frame-src"], "'none'");
    assert_eq!(csp["base-uri"], "'none'");
    for (directive, value) in csp.as_object().unwrap() {
        let value = value.as_str().unwrap();
        assert!(!value.contains("unsafe"), "{directive} allows {value}");
        assert!(!value.contains('*'), "{directive} allows a wildcard");
        assert!(
            !value.contains("http:") || directive == "connect-src",
            "{directive}: {value}"
        );
    }
}

/// The test seams (scripted dialogs, the first-paint file, the crash hook) come only from the
/// `test-seams` features, which no default feature set and no dependency turns on: the builds users get
/// (`make run`, release) have none. `make test` runs every test with the seams on; the dialogs' unit
/// test shows they answer exactly when the feature is there.
#[test]
fn no_default_build_turns_the_test_seams_on() {
    let root = manifest_dir().join("..");
    for manifest in [
        "Cargo.toml",
        "src-tauri/Cargo.toml",
        "crates/wsdoctor-core/Cargo.toml",
        "crates/wsdoctor-cli/Cargo.toml",
    ] {
        let text = std::fs::read_to_string(root.join(manifest)).unwrap();
        for line in text.lines().map(str::trim) {
            if line.starts_with('#') || !line.contains("test-seams") {
                continue;
            }
            // Allowed: the feature's own definition, and one seam feature forwarding to the core's.
            let defines = line.starts_with("test-seams =");
            assert!(
                defines,
                "{manifest}: `{line}` would turn the test seams on outside the test-seams feature"
            );
        }
        let default = text
            .lines()
            .find(|l| l.trim_start().starts_with("default ="))
            .unwrap_or("");
        assert!(!default.contains("seams"), "{manifest}: {default}");
    }
}
