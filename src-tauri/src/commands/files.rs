//! Picking files and folders for the server-side checks, with native dialogs opened from Rust.

use tauri::{State, Window};

use crate::dialogs::PickKind;
use crate::state::AppState;

/// The chosen path, or `None` when the user cancels.
#[tauri::command]
pub async fn pick_path(
    window: Window,
    state: State<'_, AppState>,
    kind: PickKind,
    title: String,
) -> Result<Option<String>, crate::IpcError> {
    Ok(state
        .dialogs
        .pick(&window, &title, kind)
        .await
        .map(|p| p.display().to_string()))
}
