//! The run history: the last runs per target, each a full (already redacted) report, so a tester can
//! reopen what they saw yesterday. Stored as JSON files in a folder the app chooses (its data dir).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atomic_file::write_atomically;
use crate::report::{Report, Verdict};
use crate::{Error, Result};

/// Runs kept per target.
pub const KEPT_PER_TARGET: usize = 20;

/// One past run, as the history list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    /// The target's URL (redacted), or "server-side checks".
    pub target: String,
    pub started_at: String,
    pub verdict: Verdict,
    pub headline: String,
}

pub struct HistoryStore {
    dir: PathBuf,
}

fn target_of(report: &Report) -> String {
    if report.target.url.is_empty() {
        "server-side checks".to_string()
    } else {
        report.target.url.clone()
    }
}

impl HistoryStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        HistoryStore { dir: dir.into() }
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join("index.json")
    }

    fn run_path(&self, id: &str) -> Result<PathBuf> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Error::InvalidInput(format!("`{id}` is not a run id")));
        }
        Ok(self.dir.join("runs").join(format!("{id}.json")))
    }

    fn read_index(&self) -> Vec<HistoryEntry> {
        let path = self.index_path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Vec::new();
        };
        match serde_json::from_str(&text) {
            Ok(entries) => entries,
            Err(error) => {
                // Keep the damaged file for inspection; the runs themselves are untouched.
                tracing::warn!(%error, "the run history index is damaged; starting a new one");
                let _ = std::fs::rename(&path, path.with_extension("json.corrupt"));
                Vec::new()
            }
        }
    }

    /// Saves a run and forgets the oldest of its target beyond the last 20.
    pub fn save(&self, report: &Report) -> Result<HistoryEntry> {
        // The history holds nothing a rendered report could not: the scrubbed copy, index entry included.
        let report = &report.scrubbed();
        std::fs::create_dir_all(self.dir.join("runs"))
            .map_err(|e| Error::io(format!("cannot create {}", self.dir.display()), e))?;
        let stamp: String = report
            .started_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let entry = HistoryEntry {
            id: format!("{stamp}-{nanos:09}"),
            target: target_of(report),
            started_at: report.started_at.clone(),
            verdict: report.verdict,
            headline: report.headline(),
        };
        write_atomically(&self.run_path(&entry.id)?, report.to_json().as_bytes())?;
        let mut index = self.read_index();
        index.insert(0, entry.clone());
        let mut kept = 0;
        let mut dropped = Vec::new();
        index.retain(|e| {
            if e.target != entry.target {
                return true;
            }
            kept += 1;
            if kept > KEPT_PER_TARGET {
                dropped.push(e.id.clone());
                false
            } else {
                true
            }
        });
        let json = serde_json::to_string_pretty(&index).expect("entries serialise");
        write_atomically(&self.index_path(), json.as_bytes())?;
        for id in dropped {
            if let Ok(path) = self.run_path(&id) {
                let _ = std::fs::remove_file(path);
            }
        }
        Ok(entry)
    }

    /// Past runs, newest first; only those of `target` when given.
    pub fn list(&self, target: Option<&str>) -> Vec<HistoryEntry> {
        self.read_index()
            .into_iter()
            .filter(|e| target.is_none_or(|t| e.target == t))
            .collect()
    }

    /// A past run's full report.
    pub fn load(&self, id: &str) -> Result<Report> {
        let path = self.run_path(id)?;
        let text = crate::input_file::read_text_capped(
            &path,
            crate::input_file::MAX_STORED_BYTES,
            "history run",
        )
        .map_err(Error::InvalidInput)?;
        let mut report: Report = serde_json::from_str(&text)
            .map_err(|e| Error::InvalidInput(format!("run {id} is damaged: {e}")))?;
        report.restore_sections();
        Ok(report)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TargetSummary;

    fn report(url: &str, at: &str) -> Report {
        Report::of_run(
            TargetSummary {
                url: url.into(),
                ..TargetSummary::default()
            },
            at.into(),
            1,
            Vec::new(),
            Vec::new(),
        )
    }

    #[test]
    fn keeps_the_last_twenty_per_target_and_reloads_them() {
        let dir = std::env::temp_dir().join(format!("wsdoctor-history-{}", std::process::id()));
        let store = HistoryStore::new(&dir);
        for i in 0..25 {
            store
                .save(&report("ws://a/", &format!("2026-11-22T01:00:{i:02}Z")))
                .unwrap();
        }
        let other = store
            .save(&report("ws://b/", "2026-11-22T02:00:00Z"))
            .unwrap();
        let a = store.list(Some("ws://a/"));
        assert_eq!(a.len(), KEPT_PER_TARGET);
        assert_eq!(a[0].started_at, "2026-11-22T01:00:24Z", "newest first");
        assert_eq!(
            std::fs::read_dir(dir.join("runs")).unwrap().count(),
            KEPT_PER_TARGET + 1
        );
        assert_eq!(store.load(&other.id).unwrap().target.url, "ws://b/");
        assert!(store.load("../../etc/passwd").is_err());

        std::fs::write(dir.join("index.json"), "{ not json").unwrap();
        assert!(store.list(None).is_empty(), "a damaged index is set aside");
        assert!(dir.join("index.json.corrupt").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
