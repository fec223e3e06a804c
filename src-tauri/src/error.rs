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
    /// The request field it is about (`url`, `caFile`, `timeoutSecs`, ...), so a form shows it there.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl From<wsdoctor_core::Error> for IpcError {
    fn from(error: wsdoctor_core::Error) -> Self {
        IpcError {
            kind: error.kind().to_string(),
            message: error.to_string(),
            field: error.field().map(str::to_string),
        }
    }
}

impl From<tauri::Error> for IpcError {
    fn from(error: tauri::Error) -> Self {
        IpcError {
            kind: "internal".into(),
            message: error.to_string(),
            field: None,
        }
    }
}
