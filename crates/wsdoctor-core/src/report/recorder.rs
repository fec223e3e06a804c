//! Collects a run's checks and diagnoses as they happen, and reports each to whoever listens: the live
//! probes (`check`) and the server-side checks (`inspect`) record into the same recorder, so it lives here,
//! beside the report it becomes, below both.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::mpsc;
use ts_rs::TS;

use super::{Check, CheckStatus, Diagnosis, Evidence, MAX_LOCATIONS, Section, SourceLocation};
use crate::redact::Redactor;

/// Progress of a run, for a live checklist.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CheckEvent {
    /// The checks this run expects to make, in order, before any starts (a few appear only when they
    /// apply, such as the Electron check of a project that turns out to be an Electron app).
    Planned { checks: Vec<PlannedCheck> },
    /// A check started.
    #[serde(rename_all = "camelCase")]
    Running {
        id: String,
        section: Section,
        title: String,
    },
    /// A check finished.
    Finished { check: Check },
    /// A cause was named.
    Diagnosed { diagnosis: Diagnosis },
}

/// A checklist item before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PlannedCheck {
    pub id: String,
    pub section: Section,
    pub title: String,
}

/// One item of the checklist, as written once in the code that records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item {
    pub id: &'static str,
    pub section: Section,
    pub title: &'static str,
}

/// Collects a run's checks and diagnoses (the live probes and the server-side checks alike).
pub(crate) struct Recorder {
    pub redactor: Redactor,
    pub checks: Vec<Check>,
    pub diagnoses: Vec<Diagnosis>,
    progress: Option<mpsc::UnboundedSender<CheckEvent>>,
    /// The checks the run planned, in order: what a failed layer skips is read from it.
    planned: Vec<PlannedCheck>,
    /// Set when the run is dropped (cancelled): work on a blocking thread stops at its next step.
    cancelled: Arc<AtomicBool>,
}

/// Sets the recorder's cancel flag when dropped: held by the run's future, so aborting the run stops
/// the server-side scans that go on without it on a blocking thread.
pub(crate) struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A check under way: finish it with a status and a summary.
pub(crate) struct Step {
    id: String,
    section: Section,
    title: String,
    started: Instant,
    pub evidence: Vec<Evidence>,
}

impl Recorder {
    pub fn new(redactor: Redactor, progress: Option<mpsc::UnboundedSender<CheckEvent>>) -> Self {
        Recorder {
            redactor,
            checks: Vec::new(),
            diagnoses: Vec::new(),
            progress,
            planned: Vec::new(),
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A guard that cancels this run's blocking work when dropped.
    pub fn cancel_on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.cancelled.clone())
    }

    /// Whether the run was cancelled (checked between steps of long scans).
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// The flag itself, for a scan that runs without the recorder.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancelled.clone()
    }

    fn emit(&self, event: CheckEvent) {
        if let Some(progress) = &self.progress {
            let _ = progress.send(event);
        }
    }

    pub fn plan(&mut self, checks: Vec<PlannedCheck>) {
        self.planned = checks.clone();
        self.emit(CheckEvent::Planned { checks });
    }

    /// Records every planned check after `failed` that has not run as skipped, `because` that layer
    /// failed (the layers above a failed one are moot).
    pub fn skip_planned_after(&mut self, failed: &str, because: &str) {
        let after = self.planned.iter().skip_while(|p| p.id != failed).skip(1);
        let not_run = self.not_run(after);
        self.skip_each(not_run, because);
    }

    /// Records every planned check that has not run as skipped, `because` the run stopped.
    pub fn skip_planned_not_run(&mut self, because: &str) {
        let not_run = self.not_run(self.planned.iter());
        self.skip_each(not_run, because);
    }

    fn not_run<'a>(&self, planned: impl Iterator<Item = &'a PlannedCheck>) -> Vec<PlannedCheck> {
        planned
            .filter(|p| !self.checks.iter().any(|c| c.id == p.id))
            .cloned()
            .collect()
    }

    fn skip_each(&mut self, checks: Vec<PlannedCheck>, because: &str) {
        for check in checks {
            self.skip(&check.id, check.section, &check.title, because);
        }
    }

    pub fn start(&self, id: impl Into<String>, section: Section, title: impl Into<String>) -> Step {
        let (id, title) = (id.into(), title.into());
        self.emit(CheckEvent::Running {
            id: id.clone(),
            section,
            title: title.clone(),
        });
        Step {
            id,
            section,
            title,
            started: Instant::now(),
            evidence: Vec::new(),
        }
    }

    pub fn finish(&mut self, step: Step, status: CheckStatus, summary: impl Into<String>) {
        let check = Check {
            id: step.id,
            section: step.section,
            title: step.title,
            status,
            summary: crate::report::capped(
                &self.redactor.text(&summary.into()),
                crate::report::MAX_EVIDENCE_BYTES,
            ),
            evidence: step
                .evidence
                .into_iter()
                .map(|e| e.shown(&self.redactor))
                .collect(),
            duration_ms: crate::net::dial::elapsed_ms(step.started),
        };
        self.emit(CheckEvent::Finished {
            check: check.clone(),
        });
        self.checks.push(check);
    }

    /// Starts a live checklist item.
    pub fn begin(&self, item: &Item) -> Step {
        self.start(item.id, item.section, item.title)
    }

    /// Records a live item that was not run because of an earlier finding.
    pub fn skip_item(&mut self, item: &Item, because: &str) {
        self.skip(item.id, item.section, item.title, because);
    }

    /// Records a check that was not run because of an earlier finding.
    pub fn skip(&mut self, id: &str, section: Section, title: &str, because: &str) {
        let step = self.start(id, section, title);
        self.finish(step, CheckStatus::Skip, format!("Skipped: {because}."));
    }

    /// Names a cause from the catalog, with what was seen here. A code is named once per run.
    pub fn diagnose(&mut self, code: &str, evidence: Vec<Evidence>) {
        self.diagnose_at(code, evidence, Vec::new());
    }

    /// Names a cause a static check read at `locations`. Named again, the cause keeps its first
    /// evidence and gains the new places (up to [`MAX_LOCATIONS`]).
    pub fn diagnose_at(
        &mut self,
        code: &str,
        evidence: Vec<Evidence>,
        locations: Vec<SourceLocation>,
    ) {
        let named = self.diagnoses.iter().position(|d| d.code == code);
        let room = match named {
            Some(at) => MAX_LOCATIONS.saturating_sub(self.diagnoses[at].locations.len()),
            None => MAX_LOCATIONS,
        };
        let redactor = &self.redactor;
        let locations: Vec<SourceLocation> = locations
            .into_iter()
            .take(room)
            .map(|l| l.shown(redactor))
            .collect();
        if let Some(at) = named {
            if !locations.is_empty() {
                self.diagnoses[at].locations.extend(locations);
                let diagnosis = self.diagnoses[at].clone();
                self.emit(CheckEvent::Diagnosed { diagnosis });
            }
            return;
        }
        let evidence = evidence
            .into_iter()
            .map(|e| e.shown(&self.redactor))
            .collect();
        let mut diagnosis = Diagnosis::from_catalog(code, evidence);
        diagnosis.locations = locations;
        self.emit(CheckEvent::Diagnosed {
            diagnosis: diagnosis.clone(),
        });
        self.diagnoses.push(diagnosis);
    }

    /// Adds evidence to a cause already named (what a later probe found out about it), and tells the
    /// front ends again with the whole diagnosis.
    pub fn amend(&mut self, code: &str, evidence: Vec<Evidence>) {
        let shown: Vec<Evidence> = evidence
            .into_iter()
            .map(|e| e.shown(&self.redactor))
            .collect();
        let Some(diagnosis) = self.diagnoses.iter_mut().find(|d| d.code == code) else {
            return;
        };
        diagnosis.evidence.extend(shown);
        let diagnosis = diagnosis.clone();
        self.emit(CheckEvent::Diagnosed { diagnosis });
    }

    pub fn has(&self, code: &str) -> bool {
        self.diagnoses.iter().any(|d| d.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(ids: &[&str]) -> Vec<PlannedCheck> {
        ids.iter()
            .map(|id| PlannedCheck {
                id: id.to_string(),
                section: Section::ServerHealth,
                title: id.to_string(),
            })
            .collect()
    }

    fn skipped(rec: &Recorder) -> Vec<&str> {
        rec.checks
            .iter()
            .filter(|c| c.status == CheckStatus::Skip)
            .map(|c| c.id.as_str())
            .collect()
    }

    #[test]
    fn a_failed_layer_skips_what_was_planned_after_it_and_has_not_run() {
        let mut rec = Recorder::new(Redactor::new(&[]), None);
        rec.plan(planned(&["url", "dns", "tcp", "tls", "handshake"]));
        let step = rec.start("url", Section::ServerHealth, "url");
        rec.finish(step, CheckStatus::Pass, "ok");
        // A later item already recorded (as the idle item can be) is not recorded twice.
        let step = rec.start("handshake", Section::ServerHealth, "handshake");
        rec.finish(step, CheckStatus::Info, "early");
        rec.skip_planned_after("dns", "the host name does not resolve");
        assert_eq!(skipped(&rec), ["tcp", "tls"]);
        rec.skip_planned_after("not planned", "nothing follows it");
        assert_eq!(skipped(&rec), ["tcp", "tls"]);
    }

    #[test]
    fn a_run_that_stops_skips_every_planned_check_not_run() {
        let mut rec = Recorder::new(Redactor::new(&[]), None);
        rec.plan(planned(&["process", "url", "dns", "tcp"]));
        let step = rec.start("url", Section::ServerHealth, "url");
        rec.finish(step, CheckStatus::Pass, "ok");
        rec.skip_planned_not_run("the check reached its time budget of 1 s");
        assert_eq!(skipped(&rec), ["process", "dns", "tcp"]);
        assert!(
            rec.checks
                .iter()
                .all(|c| c.id == "url" || c.summary.contains("time budget"))
        );
    }
}
