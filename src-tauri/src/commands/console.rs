//! Console sessions: opened, fed and closed by the UI, their entries streamed in batches at most every
//! ~33 ms. The webview holds a window of recent entries and pages older ones by sequence number.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{State, Window};
use ts_rs::TS;
use wsdoctor_core::check::TargetRequest;
use wsdoctor_core::console::{
    Action, ConsoleDefaults, ConsoleRequest, ConsoleSession, Entry, Follow, Frame, MAX_SEND_BYTES,
    Outgoing, SessionStatus,
};
use wsdoctor_core::profile::resolve;

use crate::commands::checklist::{ProfileRef, with_profile};
use crate::dialogs::PickKind;
use crate::error::IpcError;
use crate::state::AppState;

/// The most entries one batch carries; beyond that the UI pages back for the rest.
const BATCH_ENTRIES: usize = 2_000;
/// The shortest gap between two batches.
const BATCH_INTERVAL: Duration = Duration::from_millis(33);

/// New entries and the current status, as one IPC message.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleBatch {
    pub entries: Vec<Entry>,
    pub status: SessionStatus,
    /// Entries between the previous batch and this one that were skipped to keep up (page back for them).
    #[ts(type = "number")]
    pub skipped: u64,
}

fn session(state: &AppState, id: &str) -> Result<Arc<ConsoleSession>, IpcError> {
    state.consoles().get(id).cloned().ok_or_else(|| IpcError {
        kind: "not_found".into(),
        message: "this console session has ended".into(),
        field: None,
    })
}

#[tauri::command]
pub async fn console_open(
    state: State<'_, AppState>,
    mut request: ConsoleRequest,
    profile: Option<ProfileRef>,
    on_batch: Channel<ConsoleBatch>,
) -> Result<String, IpcError> {
    // The environment's variables fill `{{name}}` in what the session sends (secret ones from the keyring,
    // inside the core: they never cross IPC).
    let variables = match &profile {
        Some(reference) => {
            let (id, environment) = (reference.id.clone(), reference.environment.clone());
            crate::commands::profiles::blocking(&state, move |profiles| {
                let saved = profiles.store.find(&id)?;
                let environment = resolve::environment_name(&saved, environment.as_deref())?;
                Ok(resolve::console_variables(
                    &saved,
                    environment.as_deref(),
                    &profiles.vault,
                )?)
            })
            .await?
        }
        None => Vec::new(),
    };
    request.target = with_profile(&state, request.target, profile).await?.0;
    let mut config = request.into_config()?;
    config.variables = variables;
    // Beyond a window of the newest entries, the session's log lives in a file there (deleted on close).
    config.spill_dir = Some(state.console_spill_dir.clone());
    let session = Arc::new(ConsoleSession::start(config)?);
    let id = format!("c{}", state.next_console_id());
    state.consoles().insert(id.clone(), session.clone());
    tracing::info!(console = %id, "console session opened");
    tokio::spawn(async move {
        let mut follow = Follow::window(BATCH_ENTRIES);
        while let Some(batch) = follow.next(&session).await {
            let batch = ConsoleBatch {
                entries: batch.entries,
                status: batch.status,
                skipped: batch.skipped,
            };
            if on_batch.send(batch).is_err() {
                break;
            }
            tokio::time::sleep(BATCH_INTERVAL).await;
        }
    });
    Ok(id)
}

#[tauri::command]
pub fn console_send(
    state: State<'_, AppState>,
    id: String,
    message: Outgoing,
) -> Result<(), IpcError> {
    Ok(session(&state, &id)?.send(&message)?)
}

/// A framework session's action: an emit, a SUBSCRIBE or SEND, a GraphQL operation or its stop.
#[tauri::command]
pub fn console_act(state: State<'_, AppState>, id: String, action: Action) -> Result<(), IpcError> {
    Ok(session(&state, &id)?.act(action)?)
}

#[tauri::command]
pub fn console_ping(
    state: State<'_, AppState>,
    id: String,
    payload: String,
) -> Result<(), IpcError> {
    Ok(session(&state, &id)?.ping(payload.as_bytes())?)
}

#[tauri::command]
pub fn console_close(
    state: State<'_, AppState>,
    id: String,
    code: u16,
    reason: String,
) -> Result<(), IpcError> {
    Ok(session(&state, &id)?.close(code, &reason)?)
}

/// Ends a session at once and forgets it.
#[tauri::command]
pub fn console_forget(state: State<'_, AppState>, id: String) {
    if let Some(session) = state.consoles().remove(&id) {
        session.stop();
    }
}

/// Older entries: up to `count` before `before_seq`.
#[tauri::command]
pub fn console_page(
    state: State<'_, AppState>,
    id: String,
    before_seq: f64,
    count: u32,
) -> Result<Vec<Entry>, IpcError> {
    Ok(session(&state, &id)?.entries_before(before_seq as u64, count.min(5_000) as usize))
}

/// Sends a file's bytes as one binary message (chosen with a native dialog; at most 16 MB).
#[tauri::command]
pub async fn console_send_file(
    window: Window,
    state: State<'_, AppState>,
    id: String,
) -> Result<Option<String>, IpcError> {
    let session = session(&state, &id)?;
    let Some(path) = state
        .dialogs
        .pick(&window, "Send a file as one binary message", PickKind::File)
        .await
    else {
        return Ok(None);
    };
    let bytes =
        wsdoctor_core::input_file::read_capped(&path, MAX_SEND_BYTES as u64, "file to send")
            .map_err(|message| IpcError {
                kind: "invalid_input".into(),
                message,
                field: None,
            })?;
    session.send_frame(Frame::Binary(bytes))?;
    Ok(Some(path.display().to_string()))
}

/// The two export formats of a session.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionExport {
    JsonLines,
    Har,
}

#[tauri::command]
pub async fn console_export(
    window: Window,
    state: State<'_, AppState>,
    id: String,
    format: SessionExport,
) -> Result<Option<String>, IpcError> {
    let session = session(&state, &id)?;
    let (name, filter) = match format {
        SessionExport::JsonLines => (
            format!("wsdoctor-session-{id}.jsonl"),
            ("JSON Lines", "jsonl"),
        ),
        SessionExport::Har => (format!("wsdoctor-session-{id}.har"), ("HAR", "har")),
    };
    let Some(path) = state
        .dialogs
        .save(&window, "Export the console session", &name, filter)
        .await
    else {
        return Ok(None);
    };
    // A long capture is read from disk and written in chunks, off the async runtime.
    let path = super::on_blocking_thread(move || {
        wsdoctor_core::atomic_file::write_atomically_with(&path, |file| match format {
            SessionExport::JsonLines => session.export_jsonl(file),
            SessionExport::Har => session.export_har(file),
        })?;
        Ok(path)
    })
    .await?;
    Ok(Some(path.display().to_string()))
}

/// What an empty console setting means for `target` (its dialect's backoff, the namespace its URL names):
/// the Console and the profile editor show it as the fields' placeholders.
#[tauri::command]
pub fn console_defaults(target: TargetRequest) -> ConsoleDefaults {
    ConsoleDefaults::for_target(&target)
}
