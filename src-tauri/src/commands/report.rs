//! Reports: rendered by the engine, saved through a native dialog, or copied for a ticket.

use serde::Deserialize;
use tauri::{AppHandle, State, Window};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;
use wsdoctor_core::report::{self, Report};

use crate::error::IpcError;
use crate::state::AppState;

/// The three renderings of a report.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReportFormat {
    Markdown,
    Json,
    Html,
}

impl ReportFormat {
    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "Markdown",
            ReportFormat::Json => "JSON",
            ReportFormat::Html => "HTML",
        }
    }
}

fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Markdown => report::markdown(report),
        ReportFormat::Json => report.to_json(),
        ReportFormat::Html => report::html(report),
    }
}

#[tauri::command]
pub fn report_render(report: Report, format: ReportFormat) -> String {
    render(&report, format)
}

/// Asks where to save the report and writes it there whole; returns the path, or `None` if cancelled.
#[tauri::command]
pub async fn report_export(
    window: Window,
    state: State<'_, AppState>,
    report: Report,
    format: ReportFormat,
) -> Result<Option<String>, IpcError> {
    let host = url::Url::parse(&report.target.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "server".into());
    let day: String = report.started_at.chars().take(10).collect();
    let suggested = format!("wsdoctor-{host}-{day}.{}", format.extension());
    let Some(path) = state
        .dialogs
        .save(
            &window,
            "Export the WS Doctor report",
            &suggested,
            (format.label(), format.extension()),
        )
        .await
    else {
        return Ok(None);
    };
    wsdoctor_core::atomic_file::write_atomically(&path, render(&report, format).as_bytes())?;
    tracing::info!(format = format.extension(), "report exported");
    Ok(Some(path.display().to_string()))
}

/// Puts text on the clipboard (the webview itself has no clipboard permission).
#[tauri::command]
pub fn clipboard_write(app: AppHandle, text: String) -> Result<(), IpcError> {
    app.clipboard().write_text(text).map_err(|e| IpcError {
        kind: "clipboard".into(),
        message: format!("cannot write to the clipboard: {e}"),
        field: None,
    })
}
