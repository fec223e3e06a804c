//! A re-run of some sections folded into the report it refreshes, and the sections of diagnoses read back
//! from a file written before diagnoses named theirs. The UI asks for these instead of keeping its own
//! copy of the ranking, the verdict and the section of a code.

use super::{Report, Section, rank, verdict_of};
use crate::catalog;

impl Report {
    /// This report with the checks and causes of `sections` replaced by those of `rerun` (a run of only
    /// those sections). A cause from another section that the re-run names again is taken from the
    /// re-run; the causes are ranked anew, so "explained by" and the verdict follow what is there now.
    pub fn merge_rerun(mut self, rerun: Report, sections: &[Section]) -> Report {
        self.checks.retain(|c| !sections.contains(&c.section));
        self.checks.extend(rerun.checks);
        // Stable: within a section, the items keep the order they were recorded in.
        self.checks.sort_by_key(|c| c.section);
        let renamed: Vec<&str> = rerun.diagnoses.iter().map(|d| d.code.as_str()).collect();
        self.diagnoses
            .retain(|d| !sections.contains(&d.section) && !renamed.contains(&d.code.as_str()));
        self.diagnoses.extend(rerun.diagnoses);
        rank(&mut self.diagnoses);
        self.verdict = verdict_of(&self.diagnoses);
        self.started_at = rerun.started_at;
        self.redactions = self.redactions.max(rerun.redactions);
        for label in rerun.redacted {
            if !self.redacted.contains(&label) {
                self.redacted.push(label);
            }
        }
        self
    }

    /// Sets each diagnosis's section from the catalog (a report stored before diagnoses carried one
    /// reads back with the default section); a code the catalog does not know keeps what it has.
    pub fn restore_sections(&mut self) {
        for diagnosis in &mut self.diagnoses {
            if let Some(entry) = catalog::lookup(&diagnosis.code) {
                diagnosis.section = entry.section;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, CheckStatus, Diagnosis, TargetSummary, Verdict};

    fn check(id: &str, section: Section, status: CheckStatus) -> Check {
        Check {
            id: id.into(),
            section,
            title: id.into(),
            status,
            summary: String::new(),
            evidence: Vec::new(),
            duration_ms: 0,
        }
    }

    fn report(checks: Vec<Check>, codes: &[&str], at: &str) -> Report {
        let diagnoses = codes
            .iter()
            .map(|code| Diagnosis::from_catalog(code, Vec::new()))
            .collect();
        Report::of_run(TargetSummary::default(), at.into(), 1, checks, diagnoses)
    }

    #[test]
    fn a_rerun_replaces_its_sections_and_the_verdict_follows() {
        let before = report(
            vec![
                check("tcp", Section::ServerHealth, CheckStatus::Pass),
                check("upgrade", Section::WebSocketSetup, CheckStatus::Pass),
                check("close", Section::DebuggingDetails, CheckStatus::Fail),
            ],
            &["close.abnormal", "ping.unanswered"],
            "2026-11-30T10:00:00Z",
        );
        assert_eq!(before.verdict, Verdict::Broken);
        assert_eq!(
            before.diagnoses[1].explained_by.as_deref(),
            Some("close.abnormal")
        );
        let rerun = report(
            vec![check("close", Section::DebuggingDetails, CheckStatus::Pass)],
            &[],
            "2026-11-30T10:05:00Z",
        );
        let merged = before.merge_rerun(rerun, &[Section::DebuggingDetails]);
        let ids: Vec<&str> = merged.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["tcp", "upgrade", "close"]);
        assert_eq!(merged.checks[2].status, CheckStatus::Pass);
        // ping.unanswered stays (its section was not re-run), but its cause is gone with the re-run.
        let codes: Vec<&str> = merged.diagnoses.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["ping.unanswered"]);
        assert_eq!(merged.diagnoses[0].explained_by, None);
        assert_eq!(merged.verdict, verdict_of(&merged.diagnoses));
        assert_eq!(merged.started_at, "2026-11-30T10:05:00Z");
    }

    #[test]
    fn a_cause_named_again_by_the_rerun_is_not_kept_twice() {
        let before = report(Vec::new(), &["tcp.refused"], "a");
        let rerun = report(Vec::new(), &["tcp.refused"], "b");
        let merged = before.merge_rerun(rerun, &[Section::DebuggingDetails]);
        assert_eq!(merged.diagnoses.len(), 1);
    }

    #[test]
    fn stored_diagnoses_without_a_section_get_the_catalogs() {
        let mut stored = report(Vec::new(), &["tcp.refused", "close.abnormal"], "a");
        let mut json = serde_json::to_value(&stored).unwrap();
        for diagnosis in json["diagnoses"].as_array_mut().unwrap() {
            diagnosis.as_object_mut().unwrap().remove("section");
        }
        stored = serde_json::from_value(json).unwrap();
        stored.restore_sections();
        let sections: Vec<Section> = stored.diagnoses.iter().map(|d| d.section).collect();
        assert_eq!(sections, [Section::ServerHealth, Section::DebuggingDetails]);
    }
}
