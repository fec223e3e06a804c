//! The report: one model of a run, and the renderers that turn it into JSON, Markdown and HTML.
//!
//! Everything in a report has already passed through the run's redactor, so no renderer can leak a
//! secret. The JSON form is documented in `docs/report-format.md`.

mod html;
mod markdown;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{self, Severity};

pub use html::html;
pub use markdown::markdown;

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

/// The checklist's sections, in the order a tester walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    ServerHealth,
    WebSocketSetup,
    FrontendConnection,
    ProxyAndHttps,
    DesktopApp,
    DebuggingDetails,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::ServerHealth => "Server health",
            Section::WebSocketSetup => "WebSocket setup",
            Section::FrontendConnection => "Frontend connection",
            Section::ProxyAndHttps => "Proxy and HTTPS",
            Section::DesktopApp => "Desktop app (Electron)",
            Section::DebuggingDetails => "Debugging details",
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
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub snippet: Option<String>,
    /// The snippet's language (`nginx`, `js`), for highlighting.
    pub snippet_language: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl Diagnosis {
    /// The catalog's entry for `code`, with `detail` (what was seen here) as the first evidence.
    pub fn from_catalog(code: &str, evidence: Vec<Evidence>) -> Self {
        let entry = catalog::entry(code);
        Diagnosis {
            code: entry.code.to_string(),
            severity: entry.severity,
            title: entry.title.to_string(),
            explanation: entry.explanation.to_string(),
            fix: entry.fix.to_string(),
            snippet: entry.snippet.map(|s| s.text.to_string()),
            snippet_language: entry.snippet.map(|s| s.language.to_string()),
            evidence,
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
/// severity the layer a connection meets first (the catalog's order).
pub fn rank(diagnoses: &mut [Diagnosis]) {
    let position = |code: &str| {
        catalog::CATALOG
            .iter()
            .position(|entry| entry.code == code)
            .unwrap_or(usize::MAX)
    };
    diagnoses.sort_by_key(|d| (d.severity, position(&d.code)));
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
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
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
