//! A one-shot round trip (connect, send, wait, close), streamed to the UI step by step.

use tauri::ipc::Channel;
use tokio::sync::mpsc;
use wsdoctor_core::try_connect::{self, ConnectEvent, Timeouts, TryConnectRequest};

use crate::error::IpcError;

/// How many events may wait between the engine and the webview.
const EVENT_BUFFER: usize = 256;

#[tauri::command]
pub async fn try_connect(
    request: TryConnectRequest,
    on_event: Channel<Vec<ConnectEvent>>,
) -> Result<(), IpcError> {
    let target = try_connect::parse_target(&request.url)?;
    tracing::info!(host = %target.host, port = target.port, path = target.url.path(), "try_connect");
    let (tx, mut rx) = mpsc::channel(EVENT_BUFFER);
    let engine = tauri::async_runtime::spawn(async move {
        try_connect::try_connect(&request, Timeouts::default(), &tx).await
    });
    // Forward whatever has arrived as one batch, so a burst costs one IPC message.
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, EVENT_BUFFER).await > 0 {
        if on_event.send(std::mem::take(&mut batch)).is_err() {
            // The webview is gone; dropping `rx` ends the engine's work at its next event.
            break;
        }
    }
    drop(rx);
    engine
        .await
        .map_err(|e| IpcError {
            kind: "internal".into(),
            message: e.to_string(),
        })?
        .map_err(IpcError::from)
}
