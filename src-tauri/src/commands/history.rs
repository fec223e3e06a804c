//! The run history: the last 20 runs per target, each reopened read-only.

use tauri::State;
use wsdoctor_core::history::HistoryEntry;
use wsdoctor_core::report::Report;

use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub fn history_list(state: State<'_, AppState>, target: Option<String>) -> Vec<HistoryEntry> {
    state.history.list(target.as_deref())
}

#[tauri::command]
pub fn history_load(state: State<'_, AppState>, id: String) -> Result<Report, IpcError> {
    Ok(state.history.load(&id)?)
}
