//! What the app keeps for its lifetime: the running lab, where logs and data live, and launch timing.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use tracing_appender::non_blocking::WorkerGuard;
use wsdoctor_core::lab::Lab;

pub struct AppState {
    pub lab: Lab,
    pub log_dir: PathBuf,
    pub data_dir: PathBuf,
    /// When the process started, for the launch-to-first-paint figure.
    pub launched_at: SystemTime,
    /// Set once the UI has reported its first paint.
    pub ui_ready: AtomicBool,
    /// Flushes buffered log lines when the app exits.
    _log_guard: WorkerGuard,
}

impl AppState {
    pub fn new(
        lab: Lab,
        log_dir: PathBuf,
        data_dir: PathBuf,
        launched_at: SystemTime,
        log_guard: WorkerGuard,
    ) -> Self {
        AppState {
            lab,
            log_dir,
            data_dir,
            launched_at,
            ui_ready: AtomicBool::new(false),
            _log_guard: log_guard,
        }
    }
}
