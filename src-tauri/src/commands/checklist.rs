//! Running the checklist: a check streamed to the UI as it happens, cancellable, saved to the history;
//! the manual items; and "Copy as" commands for the current target.

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;
use tokio::sync::mpsc;
use ts_rs::TS;
use wsdoctor_core::check::{CheckEvent, CheckRequest, TargetRequest, run_check};
use wsdoctor_core::history::HistoryEntry;
use wsdoctor_core::manual::{ConsoleError, ManualItem};
use wsdoctor_core::profile::{RunVerdict, resolve};
use wsdoctor_core::report::{Report, Section};
use wsdoctor_core::reproduce::{Reproduction, reproduce};

use crate::error::IpcError;
use crate::state::AppState;

/// How many events are forwarded in one IPC message at most.
const BATCH: usize = 256;

/// A finished run.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    /// The run's report; for a re-run of some sections given the report it refreshes, that report with
    /// those sections replaced (the history keeps the re-run as it ran).
    pub report: Report,
    /// Its place in the history (absent if it could not be saved; the report is still shown).
    pub history: Option<HistoryEntry>,
}

#[tauri::command]
pub async fn check_run(
    state: State<'_, AppState>,
    run_id: String,
    request: CheckRequest,
    profile: Option<ProfileRef>,
    previous: Option<Report>,
    on_event: Channel<Vec<CheckEvent>>,
) -> Result<RunResult, IpcError> {
    let sections = request.sections.clone();
    let mut request = request;
    let profile_run;
    (request.target, profile_run) = with_profile(&state, request.target, profile).await?;
    let options = request.into_options()?;
    tracing::info!(run = %run_id, live = !options.url.is_empty(), server_side = !options.server.is_empty(), "check started");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move { run_check(&options, Some(tx)).await });
    state.runs().insert(run_id.clone(), task.abort_handle());
    // Whatever has arrived goes as one batch: a burst costs one IPC message.
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        if on_event.send(std::mem::take(&mut batch)).is_err() {
            task.abort();
            break;
        }
    }
    state.runs().remove(&run_id);
    let report = match task.await {
        Ok(result) => result?,
        Err(error) if error.is_cancelled() => {
            tracing::info!(run = %run_id, "check cancelled");
            return Err(IpcError {
                kind: "cancelled".into(),
                message: "The run was cancelled.".into(),
                field: None,
            });
        }
        Err(error) => {
            return Err(IpcError {
                kind: "internal".into(),
                message: error.to_string(),
                field: None,
            });
        }
    };
    let history = match state.history.save(&report) {
        Ok(entry) => Some(entry),
        Err(error) => {
            tracing::warn!(%error, "cannot save the run to the history");
            None
        }
    };
    if let Some(run) = profile_run
        && let Err(error) = state
            .profiles
            .store
            .record_run(&run.id, RunVerdict::of(&report, run.environment))
    {
        tracing::warn!(%error, "cannot save the verdict to the profile");
    }
    tracing::info!(run = %run_id, verdict = report.verdict.word(), "check finished");
    let report = match (previous, sections) {
        (Some(previous), Some(sections)) => previous.merge_rerun(report, &sections),
        _ => report,
    };
    Ok(RunResult { report, history })
}

/// The saved profile a request came from, and the environment chosen for it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRef {
    pub id: String,
    pub environment: Option<String>,
}

/// The profile a run used: where its verdict is recorded.
pub struct ProfileRun {
    pub id: String,
    pub environment: Option<String>,
}

/// A target from the UI with its profile's secrets filled in (the UI never has them), and the profile
/// run it belongs to.
/// Reads the keyring on a blocking thread (it answers over D-Bus, or waits on an unlock prompt).
pub async fn with_profile(
    state: &AppState,
    request: TargetRequest,
    profile: Option<ProfileRef>,
) -> Result<(TargetRequest, Option<ProfileRun>), IpcError> {
    let Some(reference) = profile else {
        return Ok((request, None));
    };
    crate::commands::profiles::blocking(state, move |profiles| {
        let saved = profiles.store.find(&reference.id)?;
        let environment = resolve::environment_name(&saved, reference.environment.as_deref())?;
        let filled =
            resolve::fill_secrets(request, &saved, environment.as_deref(), &profiles.vault)?;
        Ok((
            filled,
            Some(ProfileRun {
                id: saved.id,
                environment,
            }),
        ))
    })
    .await
}

/// Stops a run; `false` when it had already ended.
#[tauri::command]
pub fn check_cancel(state: State<'_, AppState>, run_id: String) -> bool {
    match state.runs().remove(&run_id) {
        Some(handle) => {
            handle.abort();
            true
        }
        None => false,
    }
}

/// A checklist section as the UI heads it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SectionHeading {
    pub id: Section,
    pub title: String,
}

/// The checklist's sections in order, the manual items, and the browser console errors WS Doctor
/// explains.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ManualGuide {
    pub sections: Vec<SectionHeading>,
    pub items: Vec<ManualItem>,
    pub console_errors: Vec<ConsoleError>,
}

#[tauri::command]
pub fn manual_guide() -> ManualGuide {
    ManualGuide {
        sections: Section::ALL
            .iter()
            .map(|&id| SectionHeading {
                id,
                title: id.title().to_string(),
            })
            .collect(),
        items: wsdoctor_core::manual::items(),
        console_errors: wsdoctor_core::manual::console_errors(),
    }
}

/// "Copy as" for the current target; secrets become placeholders.
#[tauri::command]
pub fn reproduce_request(request: CheckRequest) -> Result<Reproduction, IpcError> {
    Ok(reproduce(&request.into_options()?)?)
}
