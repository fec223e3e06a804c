//! Native file dialogs, opened from Rust (the webview has no dialog permission).
//!
//! WebDriver cannot drive a GTK dialog, so the app has a documented test seam: with
//! `WSDOCTOR_TEST_SAVE_DIR` set, "save" dialogs answer `<that dir>/<suggested file name>` at once, and with
//! `WSDOCTOR_TEST_PICK` set, "open" dialogs answer that path. Nothing else changes.

use std::path::PathBuf;

use tauri::Window;

/// What a file picker is for.
#[derive(Debug, Clone, Copy, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum PickKind {
    File,
    Folder,
}

pub enum Dialogs {
    Native,
    /// The test seam: fixed answers, no window.
    Scripted {
        save_dir: Option<PathBuf>,
        pick: Option<PathBuf>,
    },
}

impl Dialogs {
    /// The seam when either variable is set, else real dialogs.
    pub fn from_env() -> Self {
        let save_dir = std::env::var_os("WSDOCTOR_TEST_SAVE_DIR").map(PathBuf::from);
        let pick = std::env::var_os("WSDOCTOR_TEST_PICK").map(PathBuf::from);
        if save_dir.is_some() || pick.is_some() {
            tracing::warn!(
                "file dialogs are scripted by WSDOCTOR_TEST_SAVE_DIR / WSDOCTOR_TEST_PICK"
            );
            Dialogs::Scripted { save_dir, pick }
        } else {
            Dialogs::Native
        }
    }

    /// Asks where to save `suggested` (a file name); `None` when the user cancels.
    pub async fn save(
        &self,
        window: &Window,
        title: &str,
        suggested: &str,
        filter: (&str, &str),
    ) -> Option<PathBuf> {
        match self {
            Dialogs::Scripted { save_dir, .. } => save_dir.as_ref().map(|dir| dir.join(suggested)),
            Dialogs::Native => rfd::AsyncFileDialog::new()
                .set_title(title)
                .set_file_name(suggested)
                .add_filter(filter.0, &[filter.1])
                .set_parent(window)
                .save_file()
                .await
                .map(|handle| handle.path().to_path_buf()),
        }
    }

    /// Asks for a file or a folder to read; `None` when the user cancels.
    pub async fn pick(&self, window: &Window, title: &str, kind: PickKind) -> Option<PathBuf> {
        match self {
            Dialogs::Scripted { pick, .. } => pick.clone(),
            Dialogs::Native => {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title(title)
                    .set_parent(window);
                match kind {
                    PickKind::File => dialog.pick_file().await,
                    PickKind::Folder => dialog.pick_folder().await,
                }
                .map(|handle| handle.path().to_path_buf())
            }
        }
    }
}
