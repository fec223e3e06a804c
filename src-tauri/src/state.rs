//! What the app keeps for its lifetime: the running lab, the run history, the checks under way, where logs
//! and data live, and launch timing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use tokio::task::AbortHandle;
use tracing_appender::non_blocking::WorkerGuard;
use wsdoctor_core::console::ConsoleSession;
use wsdoctor_core::history::HistoryStore;
use wsdoctor_core::lab::Lab;
use wsdoctor_core::profile::{DeletedProfiles, ProfileStore, Vault};

use crate::dialogs::Dialogs;

/// How long a deleted profile can be brought back whole, secrets included.
const UNDO_DELETE: Duration = Duration::from_secs(10);

/// The profile files and the keyring holding their secrets, shared with blocking tasks (both block).
pub struct Profiles {
    pub store: ProfileStore,
    pub vault: Vault,
    /// Deleted profiles whose secrets wait for the undo window (or the app's exit) to be forgotten.
    pub deleted: DeletedProfiles,
}

pub struct AppState {
    pub lab: Lab,
    pub log_dir: PathBuf,
    pub data_dir: PathBuf,
    /// Where console sessions spill their older entries (in the app's cache dir).
    pub console_spill_dir: PathBuf,
    pub history: HistoryStore,
    /// Saved profiles (shared with the CLI: the same folder) and their secrets in the OS keyring.
    pub profiles: Arc<Profiles>,
    /// Checks under way, by the run id the UI chose, so they can be cancelled.
    pub runs: Mutex<HashMap<String, AbortHandle>>,
    /// Open console sessions, by id.
    pub consoles: Mutex<HashMap<String, Arc<ConsoleSession>>>,
    console_ids: AtomicU64,
    pub dialogs: Dialogs,
    /// When the process started, for the launch-to-first-paint figure.
    pub launched_at: SystemTime,
    /// Set once the UI has reported its first paint.
    pub ui_ready: AtomicBool,
    /// Flushes buffered log lines when dropped, which [`AppState::flush_log`] does at exit: Tauri may end the
    /// process without dropping managed state.
    log_guard: Mutex<Option<WorkerGuard>>,
}

impl AppState {
    pub fn new(
        lab: Lab,
        log_dir: PathBuf,
        data_dir: PathBuf,
        cache_dir: PathBuf,
        launched_at: SystemTime,
        log_guard: WorkerGuard,
    ) -> Self {
        AppState {
            lab,
            log_dir,
            history: HistoryStore::new(data_dir.join("history")),
            profiles: Arc::new(Profiles {
                store: ProfileStore::open_default()
                    .unwrap_or_else(|_| ProfileStore::new(data_dir.join("profiles"))),
                vault: Vault::os(),
                deleted: DeletedProfiles::new(UNDO_DELETE),
            }),
            data_dir,
            console_spill_dir: cache_dir.join("console"),
            runs: Mutex::new(HashMap::new()),
            consoles: Mutex::new(HashMap::new()),
            console_ids: AtomicU64::new(1),
            dialogs: Dialogs::from_env(),
            launched_at,
            ui_ready: AtomicBool::new(false),
            log_guard: Mutex::new(Some(log_guard)),
        }
    }

    /// Writes out the log lines still buffered; later lines go nowhere. For the very end of the app.
    pub fn flush_log(&self) {
        let guard = self
            .log_guard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        drop(guard);
    }

    /// Closes every console session and deletes their spill files, and any a crashed run left behind.
    /// At start and at exit: Tauri may end the process without dropping the sessions.
    pub fn clear_console_spill(&self) {
        self.consoles().clear();
        match wsdoctor_core::console::sweep_spill(&self.console_spill_dir) {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "console spill files deleted"),
            Err(error) => {
                tracing::warn!(%error, dir = %self.console_spill_dir.display(), "console spill files not deleted")
            }
        }
    }

    pub fn consoles(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ConsoleSession>>> {
        self.consoles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn next_console_id(&self) -> u64 {
        self.console_ids.fetch_add(1, Ordering::Relaxed)
    }

    pub fn runs(&self) -> std::sync::MutexGuard<'_, HashMap<String, AbortHandle>> {
        self.runs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
