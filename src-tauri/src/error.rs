//! The error shape every command returns to the webview: `{kind, message}`, nothing else.
//!
//! Only this type crosses IPC as an error, so no internal detail (a path, a secret in a source error) can
//! leak through a `Debug` format by accident.

use serde::Serialize;
use ts_rs::TS;

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    /// A stable word the UI can branch on (`invalid_input`, `io`, `tls`, `internal`).
    pub kind: String,
    /// A sentence for the user.
    pub message: String,
}

impl From<wsdoctor_core::Error> for IpcError {
    fn from(error: wsdoctor_core::Error) -> Self {
        IpcError {
            kind: error.kind().to_string(),
            message: error.to_string(),
        }
    }
}

impl From<tauri::Error> for IpcError {
    fn from(error: tauri::Error) -> Self {
        IpcError {
            kind: "internal".into(),
            message: error.to_string(),
        }
    }
}
