//! The app itself: what the About panel shows, and the UI's report that it has painted.

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

/// What the About panel shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub log_dir: String,
    pub data_dir: String,
    /// The lab's `ws://` address.
    pub lab_address: String,
    /// The lab's `wss://` address.
    pub lab_tls_address: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        name: "WS Doctor".into(),
        version: wsdoctor_core::VERSION.into(),
        log_dir: state.log_dir.display().to_string(),
        data_dir: state.data_dir.display().to_string(),
        lab_address: state.lab.url(""),
        lab_tls_address: state.lab.tls_url(""),
    }
}

/// Called by the UI once, after its first paint. Logs the launch-to-paint time and, when
/// `WSDOCTOR_READY_FILE` is set (by `scripts/measure-app`), writes the paint time there as milliseconds
/// since the Unix epoch.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) {
    if state.ui_ready.swap(true, Ordering::SeqCst) {
        return;
    }
    let now = SystemTime::now();
    let since_launch = now.duration_since(state.launched_at).unwrap_or_default();
    tracing::info!(
        ms = since_launch.as_millis() as u64,
        "first paint of the UI"
    );
    if let Some(path) = ready_file() {
        let epoch_ms = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        if let Err(error) = std::fs::write(&path, epoch_ms.to_string()) {
            tracing::warn!(%error, "cannot write the ready file");
        }
    }
}

/// Where `scripts/measure-app` wants the first-paint time: only a `test-seams` build honours it.
pub(crate) fn ready_file() -> Option<std::ffi::OsString> {
    if cfg!(feature = "test-seams") {
        std::env::var_os("WSDOCTOR_READY_FILE")
    } else {
        None
    }
}
