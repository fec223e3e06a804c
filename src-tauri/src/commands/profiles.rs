//! Saved profiles: the list, edits, imports and exports, and their secrets. Secret values only travel from
//! the UI to Rust (to be saved); the UI learns a secret's state, never its value.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State, Window};
use ts_rs::TS;
use wsdoctor_core::check::CheckRequest;
use wsdoctor_core::profile::import::{self, Imported};
use wsdoctor_core::profile::{
    Profile, SecretSlot, SecretState, Sensitive, resolve, save_secrets, transfer,
};

use crate::dialogs::PickKind;
use crate::error::IpcError;
use crate::state::{AppState, Profiles};

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

fn view(p: &Profiles, profile: Profile, warning: Option<String>) -> ProfileView {
    let secrets = profile
        .secret_slots()
        .into_iter()
        .map(|slot| SecretView {
            state: p.vault.state(&slot.key(&profile.id)),
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
    p: &Profiles,
    profile: &Profile,
    secrets: &[(SecretSlot, Sensitive<String>)],
    session_only: bool,
) -> Option<String> {
    save_secrets(&p.vault, profile, secrets, session_only)
        .err()
        .map(|e| e.to_string())
}

/// Runs `work` on a blocking thread: the keyring answers over D-Bus and may wait on an unlock prompt, and
/// profile files are read and written synchronously; neither may hold up the async runtime.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Profiles) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let profiles = state.profiles.clone();
    super::on_blocking_thread(move || work(&profiles)).await
}

#[tauri::command]
pub async fn profiles_list(state: State<'_, AppState>) -> Result<ProfileList, IpcError> {
    blocking(&state, |p| {
        let loaded = p.store.load()?;
        for problem in &loaded.problems {
            tracing::warn!(%problem, "profile file quarantined");
        }
        Ok(ProfileList {
            profiles: loaded.profiles,
            problems: loaded.problems,
            keyring_problem: p.vault.keyring_available().err().map(|e| e.to_string()),
        })
    })
    .await
}

#[tauri::command]
pub async fn profile_get(state: State<'_, AppState>, id: String) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        let profile = p.store.find(&id)?;
        Ok(view(p, profile, None))
    })
    .await
}

/// Saves a profile (new when its id is empty) and the secrets typed with it.
#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    profile: Profile,
    secrets: Vec<SecretInput>,
) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        let saved = p.store.save(&profile)?;
        let mut warning = None;
        for input in secrets {
            if let Err(error) =
                p.vault
                    .set(&input.slot.key(&saved.id), &input.value, input.session_only)
            {
                warning.get_or_insert(error.to_string());
            }
        }
        tracing::info!(profile = %saved.id, "profile saved");
        Ok(view(p, saved, warning))
    })
    .await
}

/// Clears one secret.
#[tauri::command]
pub async fn profile_secret_clear(
    state: State<'_, AppState>,
    id: String,
    slot: SecretSlot,
) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        let profile = p.store.find(&id)?;
        p.vault.clear(&slot.key(&profile.id))?;
        Ok(view(p, profile, None))
    })
    .await
}

/// A copy under a new name, with copies of its secrets.
#[tauri::command]
pub async fn profile_duplicate(
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        let original = p.store.find(&id)?;
        let copy = Profile {
            id: String::new(),
            name: format!("{} copy", original.name),
            last_runs: Vec::new(),
            ..original.clone()
        };
        let saved = p.store.save(&copy)?;
        let mut secrets = Vec::new();
        for slot in original.secret_slots() {
            if let Ok(Some(value)) = p.vault.get(&slot.key(&original.id)) {
                secrets.push((slot, value));
            }
        }
        let warning = store_secrets(p, &saved, &secrets, false);
        Ok(view(p, saved, warning))
    })
    .await
}

/// What the UI learns of a deletion: the profile (to save again on undo) and how long the undo lasts.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileDeleted {
    pub profile: Profile,
    pub undo_ms: u32,
}

/// Removes a profile's file. Its secrets stay in the keyring for the undo window, then go (or when the app
/// quits, if sooner): saving the profile again inside the window keeps them.
#[tauri::command]
pub async fn profile_delete(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileDeleted, IpcError> {
    let (profile, window) = blocking(&state, move |p| {
        let profile = p.store.delete(&id)?;
        tracing::info!(profile = %profile.id, "profile deleted");
        p.deleted.add(profile.clone());
        Ok((profile, p.deleted.window()))
    })
    .await?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(window).await;
        let state = app.state::<AppState>();
        match blocking(&state, |p| {
            Ok(p.deleted.forget_due(&p.store, &p.vault, false)?)
        })
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(profiles = n, "secrets of deleted profiles forgotten"),
            Err(error) => {
                tracing::warn!(%error.message, "secrets of a deleted profile not forgotten yet")
            }
        }
    });
    Ok(ProfileDeleted {
        profile,
        undo_ms: u32::try_from(window.as_millis()).unwrap_or(u32::MAX),
    })
}

/// The target a profile opens with in the Checklist or the Console: secrets left blank for Rust to fill.
#[tauri::command]
pub async fn profile_preview(
    state: State<'_, AppState>,
    id: String,
    environment: Option<String>,
) -> Result<CheckRequest, IpcError> {
    blocking(&state, move |p| {
        let profile = p.store.find(&id)?;
        Ok(resolve::preview(&profile, environment.as_deref())?)
    })
    .await
}

/// "Save current target as profile": the secrets typed in it go to the keyring (or this session only).
#[tauri::command]
pub async fn profile_from_target(
    state: State<'_, AppState>,
    name: String,
    request: CheckRequest,
    session_only: bool,
) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        let (profile, secrets) = resolve::from_request(&name, &request);
        let saved = p.store.save(&profile)?;
        let warning = store_secrets(p, &saved, &secrets, session_only);
        Ok(view(p, saved, warning))
    })
    .await
}

/// A profile from a pasted curl, wscat or websocat command line.
#[tauri::command]
pub async fn profile_import_command(
    state: State<'_, AppState>,
    line: String,
    name: String,
) -> Result<ProfileView, IpcError> {
    blocking(&state, move |p| {
        save_imported(p, import::from_command(&line, &name)?)
    })
    .await
}

fn save_imported(p: &Profiles, imported: Imported) -> Result<ProfileView, IpcError> {
    let saved = p.store.save(&imported.profile)?;
    let warning = store_secrets(p, &saved, &imported.secrets, false);
    let mut view = view(p, saved, warning);
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
    blocking(&state, move |p| {
        let text = wsdoctor_core::input_file::read_text_capped(
            &path,
            wsdoctor_core::input_file::MAX_IMPORT_BYTES,
            "file to import",
        )
        .map_err(|message| IpcError {
            kind: "invalid_input".into(),
            message,
            field: None,
        })?;
        let is_har = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .is_some_and(|v| v.pointer("/log/entries").is_some());
        if is_har {
            return Ok(vec![save_imported(p, import::from_har(&text, "")?)?]);
        }
        let mut views = Vec::new();
        for profile in transfer::import(&text)? {
            let (saved, dropped) = p.store.save_imported(&profile, &p.vault)?;
            let mut shown = view(p, saved, None);
            shown.notes.extend(dropped);
            views.push(shown);
        }
        tracing::info!(count = views.len(), "profiles imported");
        Ok(views)
    })
    .await
}

/// Exports profiles (without secrets) through a native save dialog; the path, or `None` if cancelled.
#[tauri::command]
pub async fn profile_export(
    window: Window,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<Option<String>, IpcError> {
    let profiles = blocking(&state, move |p| {
        ids.iter()
            .map(|id| p.store.find(id).map_err(IpcError::from))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
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
