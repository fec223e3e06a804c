//! The WS Doctor desktop app: a thin Tauri shell around `wsdoctor-core`.
//!
//! This crate holds no diagnosis logic. It starts the lab, sets up logging, registers the commands listed
//! in `command_list.rs` (each a few lines that call the core), and streams the core's events to the
//! webview over `tauri::ipc::Channel`.

#[macro_use]
mod command_list;
pub mod bindings;
mod commands;
mod dialogs;
mod error;
mod logs;
mod state;
mod webview_settings;

use std::time::SystemTime;

use tauri::Manager;
use wsdoctor_core::lab::{Lab, LabConfig};

pub use command_list::COMMANDS;
pub use error::IpcError;

macro_rules! handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$name),*]
    };
}

/// Builds and runs the app until its window closes.
pub fn run() -> Result<(), tauri::Error> {
    let launched_at = SystemTime::now();
    tauri::Builder::default()
        // Used from Rust only (commands::report::clipboard_write): the webview gets no clipboard permission.
        .plugin(tauri_plugin_clipboard_manager::init())
        // Used from Rust only too: the window opens at the size it was left at (position is the window
        // manager's, so a window never reopens on a monitor that is gone).
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .invoke_handler(app_commands!(handler))
        .setup(move |app| {
            // Read off the hot path: the first check then finds the desktop's proxy settings read.
            wsdoctor_core::net::prefetch_desktop_proxy();
            let log_dir = app.path().app_log_dir()?;
            let log_guard = logs::init(&log_dir)?;
            tracing::info!(version = wsdoctor_core::VERSION, log_dir = %log_dir.display(), "WS Doctor starting");
            let lab = tauri::async_runtime::block_on(Lab::start(LabConfig::default()))?;
            let state = state::AppState::new(
                lab,
                log_dir,
                app.path().app_data_dir()?,
                app.path().app_cache_dir()?,
                launched_at,
                log_guard,
            );
            state.clear_console_spill();
            app.manage(state);
            if let Some(window) = app.get_webview_window("main") {
                webview_settings::apply(&window);
            }
            quit_on_signal(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(state) = app.try_state::<state::AppState>()
            {
                // Deleted profiles still inside their undo window: their secrets go now, not never.
                let p = &state.profiles;
                match p.deleted.forget_due(&p.store, &p.vault, true) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(profiles = n, "secrets of deleted profiles forgotten at exit"),
                    Err(error) => tracing::warn!(%error, "secrets of a deleted profile not forgotten"),
                }
                state.clear_console_spill();
                tracing::info!("WS Doctor quitting");
                state.flush_log();
            }
        });
    Ok(())
}

/// A logout, a shutdown or `kill` ends the app the way closing its window does, so what must happen at exit
/// (secrets of deleted profiles forgotten, the log flushed) still happens. Without this, SIGTERM would end
/// the process on the spot.
fn quit_on_signal(app: tauri::AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut interrupt), Ok(mut hangup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
            _ = hangup.recv() => {}
        }
        tracing::info!("asked to quit by a signal");
        app.exit(0);
    });
    #[cfg(not(unix))]
    let _ = app;
}
