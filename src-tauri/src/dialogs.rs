//! Native file dialogs, opened from Rust (the webview has no dialog permission).
//!
//! WebDriver cannot drive a GTK dialog, so the app has a documented test seam: with
//! `WSDOCTOR_TEST_SAVE_DIR` set, "save" dialogs answer `<that dir>/<suggested file name>` at once, and with
//! `WSDOCTOR_TEST_PICK` set, "open" dialogs answer that path. Nothing else changes. The seam exists only
//! in builds with the `test-seams` feature (the end-to-end suite's); in the app a user runs, those
//! variables do nothing and every dialog is a real one.

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
    #[cfg(feature = "test-seams")]
    Scripted {
        save_dir: Option<PathBuf>,
        pick: Option<PathBuf>,
    },
}

impl Dialogs {
    /// The seam when either variable is set (in a `test-seams` build), else real dialogs.
    #[cfg(feature = "test-seams")]
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

    /// Real dialogs, whatever the environment says (a build without `test-seams`).
    #[cfg(not(feature = "test-seams"))]
    pub fn from_env() -> Self {
        Dialogs::Native
    }

    /// Asks where to save `suggested` (a file name, made safe here: names are built from data the webview
    /// sends); `None` when the user cancels.
    pub async fn save(
        &self,
        window: &Window,
        title: &str,
        suggested: &str,
        filter: (&str, &str),
    ) -> Option<PathBuf> {
        let suggested = &safe_file_name(suggested);
        match self {
            #[cfg(feature = "test-seams")]
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
            #[cfg(feature = "test-seams")]
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

/// A file name that stays one: letters, digits, `-`, `_` and `.` kept, anything else (a separator, `..`,
/// a control character) made `-`, never empty or hidden, at most 100 characters.
pub fn safe_file_name(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    while safe.contains("..") {
        safe = safe.replace("..", "-");
    }
    let safe = safe.trim_start_matches(['.', '-']).to_string();
    if safe.is_empty() {
        "wsdoctor-export".to_string()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seams answer exactly when the `test-seams` feature is built in (`make test` builds it in; the
    /// app `make run` and release builds make do not, which `tests/security_config.rs` keeps so).
    #[test]
    fn the_seams_exist_only_in_test_seam_builds() {
        // SAFETY: this test is the only reader or writer of these variables in its process.
        unsafe {
            std::env::set_var("WSDOCTOR_TEST_SAVE_DIR", "/tmp/wsd-seam");
            std::env::set_var("WSDOCTOR_TEST_PICK", "/tmp/wsd-seam/pick");
            std::env::set_var("WSDOCTOR_READY_FILE", "/tmp/wsd-seam/ready");
        }
        let scripted = !matches!(Dialogs::from_env(), Dialogs::Native);
        let ready = crate::commands::app::ready_file().is_some();
        unsafe {
            std::env::remove_var("WSDOCTOR_TEST_SAVE_DIR");
            std::env::remove_var("WSDOCTOR_TEST_PICK");
            std::env::remove_var("WSDOCTOR_READY_FILE");
        }
        assert_eq!(scripted, cfg!(feature = "test-seams"));
        assert_eq!(ready, cfg!(feature = "test-seams"));
    }

    #[test]
    fn suggested_names_stay_one_file_name() {
        assert_eq!(
            safe_file_name("wsdoctor-host-2026-11-30.md"),
            "wsdoctor-host-2026-11-30.md"
        );
        for hostile in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../../b.md",
            "..",
            "",
            "\\x\0y",
        ] {
            let safe = safe_file_name(hostile);
            assert!(
                !safe.contains('/')
                    && !safe.contains("..")
                    && !safe.starts_with('.')
                    && !safe.is_empty(),
                "{hostile:?} → {safe:?}"
            );
        }
    }
}
