//! The app's commands, one module per domain. Each is a thin call into `wsdoctor-core`.

pub mod app;
pub mod checklist;
pub mod console;
pub mod files;
pub mod history;
pub mod lab;
pub mod profiles;
pub mod report;

use crate::error::IpcError;

/// Runs `work` on a blocking thread: file and D-Bus work (a keyring prompt, a long export) must not hold
/// up the async runtime.
pub async fn on_blocking_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| IpcError {
            kind: "internal".into(),
            message: e.to_string(),
            field: None,
        })?
}
