//! Electron code: the webPreferences that let a page reach Node, and preload bridges that expose every
//! IPC channel (the pattern many troubleshooting guides show). WS Doctor itself avoids this class of
//! problem with Tauri's capabilities: see docs/security.md.

use std::sync::LazyLock;

use regex::Regex;

use super::project::{Project, SourceFile};
use crate::report::Recorder;
use crate::report::{CheckStatus, Evidence, Section};

static CONTEXT_ISOLATION_OFF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"contextIsolation\s*:\s*false").unwrap());
static NODE_INTEGRATION_ON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"nodeIntegration(?:InWorker|InSubFrames)?\s*:\s*true").unwrap());
static SANDBOX_OFF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bsandbox\s*:\s*false").unwrap());
/// `exposeInMainWorld('x', ipcRenderer)` or `{ ipcRenderer }`: the whole object handed to the page.
static EXPOSES_IPC_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"exposeInMainWorld\s*\(\s*['`\x22][^'`\x22]+['`\x22]\s*,\s*(?:ipcRenderer\b|\{\s*ipcRenderer\s*[,}]|\{[^}]*\bipcRenderer\s*:\s*ipcRenderer\b)").unwrap()
});
/// `(channel, ...args) => ipcRenderer.send(channel, ...args)`: any channel name passed through.
static PASSES_ANY_CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\s*(\w+)\s*,[^)]*\)\s*=>\s*\{?\s*(?:return\s+)?ipcRenderer\.(?:send|sendSync|invoke|on|once)\s*\(\s*(\w+)").unwrap()
});
static ALLOW_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\.includes\(\s*channel|allowed|validChannels|whitelist|allowlist").unwrap()
});
static NEW_WEBSOCKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"new\s+WebSocket\s*\(").unwrap());

fn is_electron(project: &Project) -> bool {
    project.files.iter().any(|f| {
        (f.name() == "package.json" && f.text.contains("\"electron\""))
            || f.text.contains("require('electron')")
            || f.text.contains("require(\"electron\")")
            || f.text.contains("from 'electron'")
            || f.text.contains("from \"electron\"")
    })
}

fn is_main_process(file: &SourceFile) -> bool {
    file.text.contains("BrowserWindow") || file.text.contains("ipcMain")
}

pub(crate) fn check(rec: &mut Recorder, project: &Project) {
    if !is_electron(project) {
        return;
    }
    let mut step = rec.start("electron", Section::DesktopApp, "Electron security");
    let mut isolation = Vec::new();
    let mut node = Vec::new();
    let mut sandbox = Vec::new();
    let mut bridge = Vec::new();
    let mut renderer_sockets = Vec::new();
    for file in project.files.iter().filter(|f| !f.is_test()) {
        for m in CONTEXT_ISOLATION_OFF.find_iter(&file.text) {
            isolation.push(file.quote(m.start()));
        }
        for m in NODE_INTEGRATION_ON.find_iter(&file.text) {
            node.push(file.quote(m.start()));
        }
        for m in SANDBOX_OFF.find_iter(&file.text) {
            sandbox.push(file.quote(m.start()));
        }
        if file.text.contains("exposeInMainWorld") {
            if let Some(m) = EXPOSES_IPC_OBJECT.find(&file.text) {
                bridge.push(
                    file.quote(m.start())
                        .noted(" (the whole ipcRenderer is exposed)"),
                );
            }
            for caps in PASSES_ANY_CHANNEL.captures_iter(&file.text) {
                if caps[1] == caps[2] && !ALLOW_LIST.is_match(&file.text) {
                    let at = caps.get(0).map(|m| m.start()).unwrap_or(0);
                    bridge.push(
                        file.quote(at)
                            .noted(" (any channel name is passed through)"),
                    );
                }
            }
        }
        if !is_main_process(file)
            && !file.text.contains("exposeInMainWorld")
            && let Some(m) = NEW_WEBSOCKET.find(&file.text)
        {
            renderer_sockets.push(file.quote(m.start()));
        }
    }
    let renderer_sockets = if node.is_empty() {
        Vec::new()
    } else {
        renderer_sockets
    };

    let problems = super::name_findings(
        rec,
        &[
            ("electron.node_integration_on", &node),
            ("electron.context_isolation_off", &isolation),
            ("electron.open_ipc_bridge", &bridge),
            ("electron.sandbox_off", &sandbox),
            ("electron.renderer_websocket_with_node", &renderer_sockets),
        ],
    );
    if problems.is_empty() {
        rec.finish(
            step,
            CheckStatus::Pass,
            "webPreferences keep isolation and the sandbox, and the preload exposes no open IPC channel.",
        );
    } else {
        step.evidence
            .push(Evidence::new("Problems", problems.join(", ")));
        rec.finish(
            step,
            super::status_of(&problems),
            format!("Found {}.", problems.join(", ")),
        );
    }
}
