//! The built-in lab, as the target picker lists it.

use tauri::State;
use wsdoctor_core::lab::LabEndpoint;

use crate::state::AppState;

#[tauri::command]
pub fn lab_endpoints(state: State<'_, AppState>) -> Vec<LabEndpoint> {
    state.lab.endpoints()
}
