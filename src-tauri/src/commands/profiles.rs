//! Saved profiles: the list, edits, imports and exports, and their secrets. Secret values only travel from
//! the UI to Rust (to be saved); the UI learns a secret's state, never its value.

use serde::{Deserialize, Serialize};
use tauri::{State, Window};
use ts_rs::TS;
use wsdoctor_core::check::CheckRequest;
use wsdoctor_core::profile::import::{self, Imported};
use wsdoctor_core::profile::{
    Profile, SecretSlot, SecretState, Sensitive, purge_secrets, resolve, save_secrets, transfer,
};

use crate::dialogs::PickKind;
use crate::error::IpcError;
use crate::state::AppState;

/// The profiles view's data: every profile, what happened to damaged files, and whether the keyring works.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    pub profiles: Vec<Profile>,
    pub problems: Vec<String>,
    /// Why the OS keyring cannot be used, when it cannot.
    pub keyring_problem: Option<String>,
}

/// One secret of a profile, as the UI may know it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    pub slot: SecretSlot,
    pub label: String,
    pub state: SecretState,
}

/// A profile and the state of each of its secrets.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub profile: Profile,
    pub secrets: Vec<SecretView>,
    /// Set when the profile was saved but a secret was not (no keyring): says what to do.
    pub warning: Option<String>,
    /// What an import left out.
    pub notes: Vec<String>,
}

/// A secret value typed in the UI, on its way to the keyring (or this session only).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretInput {
    pub slot: SecretSlot,
    #[ts(type = "string")]
    pub value: Sensitive<String>,
    #[serde(default)]
    pub session_only: bool,
}

fn view(state: &AppState, profile: Profile, warning: Option<String>) -> ProfileView {
    let secrets = profile
        .secret_slots()
        .into_iter()
        .map(|slot| SecretView {
            state: state.vault.state(&slot.key(&profile.id)),
            label: slot.label(),
            slot,
        })
        .collect();
    ProfileView {
        profile,
        secrets,
        warning,
        notes: Vec::new(),
    }
}

/// Saves secrets; a keyring failure becomes the view's warning, not an error (the profile is saved).
fn store_secrets(
    state: &AppState,
    profile: &Profile,
    secrets: &[(SecretSlot, Sensitive<String>)],
    session_only: bool,
) -> Option<String> {
    save_secrets(&state.vault, profile, secrets, session_only)
        .err()
        .map(|e| e.to_string())
}

#[tauri::command]
pub async fn profiles_list(state: State<'_, AppState>) -> Result<ProfileList, IpcError> {
    let loaded = state.profiles.load()?;
    for problem in &loaded.problems {
        tracing::warn!(%problem, "profile file quarantined");
    }
    Ok(ProfileList {
        profiles: loaded.profiles,
        problems: loaded.problems,
        keyring_problem: state.vault.keyring_available().err().map(|e| e.to_string()),
    })
}

#[tauri::command]
pub async fn profile_get(state: State<'_, AppState>, id: String) -> Result<ProfileView, IpcError> {
    let profile = state.profiles.find(&id)?;
    Ok(view(&state, profile, None))
}

/// Saves a profile (new when its id is empty) and the secrets typed with it.
#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    profile: Profile,
    secrets: Vec<SecretInput>,
) -> Result<ProfileView, IpcError> {
    let saved = state.profiles.save(&profile)?;
    let mut warning = None;
    for input in secrets {
        if let Err(error) =
            state
                .vault
                .set(&input.slot.key(&saved.id), &input.value, input.session_only)
        {
            warning.get_or_insert(error.to_string());
        }
    }
    tracing::info!(profile = %saved.id, "profile saved");
    Ok(view(&state, saved, warning))
}

/// Clears one secret.
#[tauri::command]
pub async fn profile_secret_clear(
    state: State<'_, AppState>,
    id: String,
    slot: SecretSlot,
) -> Result<ProfileView, IpcError> {
    let profile = state.profiles.find(&id)?;
    state.vault.clear(&slot.key(&profile.id))?;
    Ok(view(&state, profile, None))
}

/// A copy under a new name, with copies of its secrets.
#[tauri::command]
pub async fn profile_duplicate(
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileView, IpcError> {
    let original = state.profiles.find(&id)?;
    let copy = Profile {
        id: String::new(),
        name: format!("{} copy", original.name),
        last_runs: Vec::new(),
        ..original.clone()
    };
    let saved = state.profiles.save(&copy)?;
    let mut secrets = Vec::new();
    for slot in original.secret_slots() {
        if let Ok(Some(value)) = state.vault.get(&slot.key(&original.id)) {
            secrets.push((slot, value));
        }
    }
    let warning = store_secrets(&state, &saved, &secrets, false);
    Ok(view(&state, saved, warning))
}

/// Removes a profile's file; its secrets stay until [`profile_forget_secrets`], so an undo brings it back
/// whole (the UI offers undo, then forgets).
#[tauri::command]
pub async fn profile_delete(state: State<'_, AppState>, id: String) -> Result<Profile, IpcError> {
    let profile = state.profiles.delete(&id)?;
    tracing::info!(profile = %profile.id, "profile deleted");
    Ok(profile)
}

/// Forgets the secrets of a deleted profile, once its undo has passed.
#[tauri::command]
pub async fn profile_forget_secrets(
    state: State<'_, AppState>,
    profile: Profile,
) -> Result<(), IpcError> {
    if state.profiles.find(&profile.id).is_ok() {
        return Ok(()); // restored meanwhile
    }
    purge_secrets(&state.vault, &profile)?;
    Ok(())
}

/// The target a profile opens with in the Checklist or the Console: secrets left blank for Rust to fill.
#[tauri::command]
pub async fn profile_preview(
    state: State<'_, AppState>,
    id: String,
    environment: Option<String>,
) -> Result<CheckRequest, IpcError> {
    let profile = state.profiles.find(&id)?;
    Ok(resolve::preview(&profile, environment.as_deref())?)
}

/// "Save current target as profile": the secrets typed in it go to the keyring (or this session only).
#[tauri::command]
pub async fn profile_from_target(
    state: State<'_, AppState>,
    name: String,
    request: CheckRequest,
    session_only: bool,
) -> Result<ProfileView, IpcError> {
    let (profile, secrets) = resolve::from_request(&name, &request);
    let saved = state.profiles.save(&profile)?;
    let warning = store_secrets(&state, &saved, &secrets, session_only);
    Ok(view(&state, saved, warning))
}

/// A profile from a pasted curl, wscat or websocat command line.
#[tauri::command]
pub async fn profile_import_command(
    state: State<'_, AppState>,
    line: String,
    name: String,
) -> Result<ProfileView, IpcError> {
    save_imported(&state, import::from_command(&line, &name)?)
}

fn save_imported(state: &AppState, imported: Imported) -> Result<ProfileView, IpcError> {
    let saved = state.profiles.save(&imported.profile)?;
    let warning = store_secrets(state, &saved, &imported.secrets, false);
    let mut view = view(state, saved, warning);
    view.notes = imported.notes;
    Ok(view)
}

/// Profiles from a file the user picks: a shared profiles file, or a HAR file with a WebSocket request.
/// Returns the profiles saved (none when the dialog is cancelled).
#[tauri::command]
pub async fn profile_import_file(
    window: Window,
    state: State<'_, AppState>,
) -> Result<Vec<ProfileView>, IpcError> {
    let Some(path) = state
        .dialogs
        .pick(&window, "Import profiles or a HAR file", PickKind::File)
        .await
    else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| IpcError {
        kind: "io".into(),
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    let is_har = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.pointer("/log/entries").is_some());
    if is_har {
        return Ok(vec![save_imported(&state, import::from_har(&text, "")?)?]);
    }
    let mut views = Vec::new();
    for profile in transfer::import(&text)? {
        let saved = state.profiles.save(&profile)?;
        views.push(view(&state, saved, None));
    }
    tracing::info!(count = views.len(), "profiles imported");
    Ok(views)
}

/// Exports profiles (without secrets) through a native save dialog; the path, or `None` if cancelled.
#[tauri::command]
pub async fn profile_export(
    window: Window,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<Option<String>, IpcError> {
    let profiles = ids
        .iter()
        .map(|id| state.profiles.find(id))
        .collect::<Result<Vec<_>, _>>()?;
    let suggested = match profiles.as_slice() {
        [one] => format!("{}.wsdoctor.json", file_safe(&one.name)),
        _ => "profiles.wsdoctor.json".into(),
    };
    let Some(path) = state
        .dialogs
        .save(
            &window,
            "Export profiles (without secrets)",
            &suggested,
            ("JSON", "json"),
        )
        .await
    else {
        return Ok(None);
    };
    wsdoctor_core::atomic_file::write_atomically(&path, transfer::export(&profiles)?.as_bytes())?;
    Ok(Some(path.display().to_string()))
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
