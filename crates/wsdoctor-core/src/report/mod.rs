//! The report: one model of a run, and the renderers that turn it into JSON, Markdown and HTML.
//!
//! Everything in a report has already passed through the run's redactor, and every renderer runs the
//! model through the redaction pass once more ([`Report::scrubbed`]) before it writes a byte, so notes typed
//! into the ticket fields or a report read back from a file cannot carry a secret out either. Evidence is
//! capped ([`MAX_EVIDENCE_BYTES`]) before it is stored. The JSON form is documented in
//! `docs/report-format.md`.

mod html;
mod junit;
mod markdown;
mod markup;
mod recorder;
mod rerun;
mod sarif;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::catalog::Section;
use crate::catalog::{self, Severity};
use crate::redact::Redactor;

/// The most a piece of evidence keeps (the rest is counted: "… N more bytes").
pub const MAX_EVIDENCE_BYTES: usize = 4096;

/// Room for the "… N more bytes" a cut adds: text within `max` plus this is left alone, so capping what
/// was capped already (the report's redaction pass runs more than once) keeps the first count.
const CUT_NOTE_ROOM: usize = 40;

/// `text` cut to about `max` bytes at a character boundary, with what was left out counted.
pub fn capped(text: &str, max: usize) -> String {
    if text.len() <= max + CUT_NOTE_ROOM {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let kept = text.get(..end).unwrap_or_default();
    format!("{kept}… {} more bytes", text.len() - end)
}

pub use html::html;
pub use junit::junit;
pub use markdown::markdown;
pub use recorder::{CheckEvent, PlannedCheck};
pub(crate) use recorder::{Item, Recorder, Step};
pub use sarif::sarif;

/// The tool that made the report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// What was checked and with which options (secrets redacted).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TargetSummary {
    pub url: String,
    pub origin: Option<String>,
    pub page_url: Option<String>,
    pub headers: Vec<HeaderLine>,
    pub subprotocols: Vec<String>,
    pub ca_file: Option<String>,
    /// The client certificate presented for mutual TLS (its path; the key is never reported).
    #[serde(default)]
    pub client_cert: Option<String>,
    pub insecure: bool,
    /// Whose upgrade request was sent (`--client`), e.g. "Chrome 131 (a browser: …)".
    #[serde(default)]
    pub client: String,
    pub proxy: Option<String>,
    pub direct: Option<String>,
    pub connect_timeout_ms: u32,
    pub handshake_timeout_ms: u32,
    pub reply_timeout_ms: u32,
    pub idle_secs: Option<u32>,
    pub probe_size: Option<u32>,
    /// The server-side inputs (`process: node`, `log: /var/log/app.log`, ...).
    pub server: Vec<String>,
}

/// One header as sent (value redacted when secret).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

/// The run's outcome in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// No error and no warning.
    Healthy,
    /// Warnings only: works here, may break for some clients.
    Degraded,
    /// At least one error.
    Broken,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Degraded => "degraded",
            Verdict::Broken => "broken",
        }
    }
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Not run, because an earlier failure makes it moot (the summary says which).
    Skip,
    Info,
}

impl CheckStatus {
    pub fn word(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::Skip => "skip",
            CheckStatus::Info => "info",
        }
    }
}

/// A piece of evidence: the raw handshake, a certificate chain, a timing, shown as monospace text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Evidence {
    pub label: String,
    pub content: String,
}

impl Evidence {
    pub fn new(label: impl Into<String>, content: impl Into<String>) -> Self {
        Evidence {
            label: label.into(),
            content: content.into(),
        }
    }

    /// The evidence as it may be stored: redacted, then capped. Redaction reads a little more than the
    /// cap keeps, so a secret cut in two by the cap is still seen whole.
    pub fn shown(self, redactor: &Redactor) -> Evidence {
        let content = capped(&self.content, MAX_EVIDENCE_BYTES * 4);
        Evidence {
            label: capped(&redactor.text(&self.label), 200),
            content: capped(&redactor.text(&content), MAX_EVIDENCE_BYTES),
        }
    }
}

/// One item of the checklist.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// A stable identifier (`dns`, `tcp`, `tls`, `handshake`, ...).
    pub id: String,
    pub section: Section,
    pub title: String,
    pub status: CheckStatus,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub duration_ms: u32,
}

/// A named cause, from the catalog, with the evidence that showed it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub code: String,
    /// The checklist section it belongs to (the catalog says which).
    #[serde(default)]
    pub section: Section,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub snippet: Option<String>,
    /// The snippet's language (`nginx`, `js`), for highlighting.
    pub snippet_language: Option<String>,
    pub evidence: Vec<Evidence>,
    /// The code of a cause named in the same run that explains this one (this is its consequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub explained_by: Option<String>,
    /// Where a static finding was read (a proxy config's line, a source file's), at most
    /// [`MAX_LOCATIONS`]; empty for what a live probe saw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<SourceLocation>>", optional)]
    pub locations: Vec<SourceLocation>,
}

/// The most places one cause lists (the evidence quotes the first ones in words).
pub const MAX_LOCATIONS: usize = 100;

/// A line of a file on this machine that a static check read a cause in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SourceLocation {
    /// The path as quoted: relative to `root` when there is one, else as given.
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// The folder `file` is relative to (the project scanned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub root: Option<String>,
}

impl SourceLocation {
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        SourceLocation {
            file: file.into(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            root: None,
        }
    }

    /// The location as it may be stored: paths redacted and capped.
    pub fn shown(self, redactor: &Redactor) -> SourceLocation {
        SourceLocation {
            file: capped(&redactor.text(&self.file), 1024),
            line: self.line,
            root: self.root.map(|root| capped(&redactor.text(&root), 1024)),
        }
    }
}

impl Diagnosis {
    /// The catalog's entry for `code`, with `detail` (what was seen here) as the first evidence.
    pub fn from_catalog(code: &str, evidence: Vec<Evidence>) -> Self {
        let entry = catalog::entry(code);
        Diagnosis {
            code: entry.code.to_string(),
            section: entry.section,
            severity: entry.severity,
            title: entry.title.to_string(),
            explanation: entry.explanation.to_string(),
            fix: entry.fix.to_string(),
            snippet: entry.snippet.map(|s| s.text.to_string()),
            snippet_language: entry.snippet.map(|s| s.language.to_string()),
            evidence,
            explained_by: None,
            locations: Vec::new(),
        }
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub tool: Tool,
    pub target: TargetSummary,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u32,
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    /// Ranked: the first error is the root cause.
    pub diagnoses: Vec<Diagnosis>,
    /// How many distinct secret values were hidden from this report.
    pub redactions: u32,
    /// What was hidden (`header Authorization`), never the values.
    #[serde(default)]
    pub redacted: Vec<String>,
    /// The items a person ticked, beside the automated ones.
    #[serde(default)]
    pub manual: Vec<ManualCheck>,
    /// Ticket fields filled in before export.
    #[serde(default)]
    pub ticket: Option<Ticket>,
}

/// How a person judged a manual item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ManualStatus {
    Unchecked,
    Pass,
    Fail,
    NotApplicable,
}

impl ManualStatus {
    pub fn word(self) -> &'static str {
        match self {
            ManualStatus::Unchecked => "not checked",
            ManualStatus::Pass => "pass",
            ManualStatus::Fail => "fail",
            ManualStatus::NotApplicable => "n/a",
        }
    }
}

/// A checklist item only a person can judge, with their verdict and note.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ManualCheck {
    pub id: String,
    pub section: Section,
    pub title: String,
    pub status: ManualStatus,
    pub note: String,
}

/// Who files the report, and where.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub reporter: String,
    pub notes: String,
}

/// Orders diagnoses so the root cause comes first: errors before warnings before info, and within a
/// severity the layer a connection meets first (the catalog's order). A cause that explains a symptom
/// ([`catalog::EXPLAINS`]) is moved before it, whatever its severity, and the symptom is marked as its
/// consequence.
pub fn rank(diagnoses: &mut Vec<Diagnosis>) {
    let position = |code: &str| {
        catalog::CATALOG
            .iter()
            .position(|entry| entry.code == code)
            .unwrap_or(usize::MAX)
    };
    diagnoses.sort_by_key(|d| (d.severity, position(&d.code)));
    let named: Vec<String> = diagnoses.iter().map(|d| d.code.clone()).collect();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    for diagnosis in diagnoses.iter_mut() {
        diagnosis.explained_by = catalog::explained_by(&diagnosis.code, &named).map(str::to_string);
    }
    // Each move puts a cause right before its first symptom; the table has no cycles, so a pass per
    // relation settles it.
    for _ in 0..=catalog::EXPLAINS.len() {
        let misplaced = diagnoses.iter().enumerate().find_map(|(at, d)| {
            let cause = d.explained_by.as_deref()?;
            let from = diagnoses.iter().position(|c| c.code == cause)?;
            (from > at).then_some((from, at))
        });
        let Some((from, to)) = misplaced else { break };
        let cause = diagnoses.remove(from);
        diagnoses.insert(to, cause);
    }
}

/// The verdict that follows from ranked diagnoses.
pub fn verdict_of(diagnoses: &[Diagnosis]) -> Verdict {
    if diagnoses.iter().any(|d| d.severity == Severity::Error) {
        Verdict::Broken
    } else if diagnoses.iter().any(|d| d.severity == Severity::Warning) {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    }
}

impl Report {
    /// The report of a run of this engine: `diagnoses` ranked and the verdict they lead to; nothing
    /// redacted yet, no manual results or ticket.
    pub fn of_run(
        target: TargetSummary,
        started_at: String,
        duration_ms: u32,
        checks: Vec<Check>,
        mut diagnoses: Vec<Diagnosis>,
    ) -> Report {
        rank(&mut diagnoses);
        Report {
            tool: Tool {
                name: crate::TOOL_NAME.into(),
                version: crate::VERSION.into(),
            },
            target,
            started_at,
            duration_ms,
            verdict: verdict_of(&diagnoses),
            checks,
            diagnoses,
            redactions: 0,
            redacted: Vec::new(),
            manual: Vec::new(),
            ticket: None,
        }
    }

    /// Runs every text the report holds through `redactor`: the one redaction pass, which a run ends
    /// with (so a secret learned late is scrubbed from what was recorded early) and every renderer
    /// repeats. Catalog text (titles, explanations, fixes) is the tool's own and is left alone.
    pub fn redact(&mut self, redactor: &Redactor) {
        let t = &mut self.target;
        t.url = redactor.url(&t.url);
        for value in [&mut t.origin, &mut t.page_url, &mut t.direct]
            .into_iter()
            .flatten()
        {
            *value = redactor.url(value);
        }
        // "URL (from SOURCE)": the URL redacted as one, the source as text.
        if let Some(proxy) = &mut t.proxy {
            *proxy = match proxy.split_once(" (from ") {
                Some((url, source)) => {
                    format!("{} (from {}", redactor.url(url), redactor.text(source))
                }
                None => redactor.url(proxy),
            };
        }
        for header in &mut t.headers {
            header.value = redactor.header_value(&header.name, &header.value);
        }
        for protocol in &mut t.subprotocols {
            *protocol = redactor.subprotocol(protocol);
        }
        for line in &mut t.server {
            *line = redactor.text(line);
        }
        let evidence = |list: &mut Vec<Evidence>| {
            for item in list.iter_mut() {
                *item = std::mem::replace(item, Evidence::new("", "")).shown(redactor);
            }
        };
        for check in &mut self.checks {
            check.summary = capped(&redactor.text(&check.summary), MAX_EVIDENCE_BYTES);
            evidence(&mut check.evidence);
        }
        for diagnosis in &mut self.diagnoses {
            evidence(&mut diagnosis.evidence);
            diagnosis.locations.truncate(MAX_LOCATIONS);
            for location in &mut diagnosis.locations {
                *location = std::mem::replace(location, SourceLocation::new("", 0)).shown(redactor);
            }
        }
        for manual in &mut self.manual {
            manual.note = redactor.text(&manual.note);
        }
        if let Some(ticket) = &mut self.ticket {
            ticket.id = redactor.text(&ticket.id);
            ticket.reporter = redactor.text(&ticket.reporter);
            ticket.notes = redactor.text(&ticket.notes);
        }
    }

    /// A copy fit to leave the program: run through the redaction pass by a fresh redactor, which finds
    /// secrets by their names (URL credentials, tokens in queries, `NAME=value`, `Authorization:` lines).
    /// Every renderer writes this copy, whatever the report went through before.
    pub fn scrubbed(&self) -> Report {
        let mut copy = self.clone();
        copy.redact(&Redactor::new(&[]));
        copy
    }

    /// The report as pretty-printed JSON (scrubbed).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.scrubbed()).expect("a report always serialises")
    }

    /// The one-line verdict a ticket starts with.
    pub fn headline(&self) -> String {
        match (self.verdict, self.diagnoses.first()) {
            (Verdict::Healthy, _) | (_, None) if self.target.url.is_empty() => {
                "Healthy: no problem found.".to_string()
            }
            (Verdict::Healthy, _) | (_, None) => format!("Healthy: {} works.", self.target.url),
            (verdict, Some(first)) => {
                let word = if verdict == Verdict::Broken {
                    "Broken"
                } else {
                    "Degraded"
                };
                format!("{word}: {} ({})", first.title, first.code)
            }
        }
    }

    /// The manual items a person has judged (pass, fail or n/a), in checklist order.
    pub fn judged_manual(&self) -> Vec<&ManualCheck> {
        self.manual
            .iter()
            .filter(|m| m.status != ManualStatus::Unchecked)
            .collect()
    }

    /// The raw handshake evidence, if the run got that far.
    pub fn handshake_evidence(&self) -> Vec<&Evidence> {
        self.checks
            .iter()
            .filter(|c| c.id == "handshake")
            .flat_map(|c| c.evidence.iter())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_is_counted_once_however_often_it_is_capped() {
        let text = format!("{}é{}", "a".repeat(5000), "b".repeat(3000));
        let once = capped(&text, MAX_EVIDENCE_BYTES);
        assert!(once.ends_with(&format!("… {} more bytes", text.len() - MAX_EVIDENCE_BYTES)));
        assert_eq!(capped(&once, MAX_EVIDENCE_BYTES), once);
        let redactor = Redactor::new(&[]);
        let shown = Evidence::new("x", text.clone()).shown(&redactor);
        assert_eq!(shown.clone().shown(&redactor), shown);
        // A multibyte character at the cut is never split.
        let accented = "é".repeat(3000);
        let cut = capped(&accented, 4097);
        assert!(
            cut.starts_with(&"é".repeat(2048)) && cut.contains("… "),
            "{}",
            cut.len()
        );
    }
}
