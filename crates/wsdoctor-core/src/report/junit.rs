//! The report as JUnit XML, the format CI systems show in their test view: one test suite for the target,
//! one test case per check. A failed check carries the cause named in its section (code, title, fix) and
//! its evidence; a skipped one says why; warnings pass with their cause in the case's output. A CI job can
//! so gate a deploy on a WebSocket endpoint and show why it failed where the team looks.

use super::{Check, CheckStatus, Diagnosis, Report};
use crate::catalog::Severity;

/// Text as XML character data or an attribute value: markup escaped, and the characters XML 1.0 cannot
/// hold (control characters a server may have sent) replaced.
fn esc(text: &str) -> String {
    super::markup::escape(text, super::markup::Markup::Xml)
}

fn seconds(ms: u32) -> String {
    format!("{:.3}", f64::from(ms) / 1000.0)
}

/// The causes that explain a check: those of its section, errors first (the report ranks them).
fn causes<'a>(report: &'a Report, check: &Check) -> Vec<&'a Diagnosis> {
    report
        .diagnoses
        .iter()
        .filter(|d| d.section == check.section)
        .collect()
}

fn described(check: &Check, causes: &[&Diagnosis]) -> String {
    let mut text = format!("{}\n", check.summary);
    for cause in causes {
        text.push_str(&format!(
            "\nCause [{}]: {}\n{}\nFix: {}\n",
            cause.code, cause.title, cause.explanation, cause.fix
        ));
    }
    if !check.evidence.is_empty() {
        text.push_str("\nEvidence:\n");
        for evidence in &check.evidence {
            text.push_str(&format!("- {}: {}\n", evidence.label, evidence.content));
        }
    }
    text
}

pub fn junit(report: &Report) -> String {
    let report = &report.scrubbed();
    let count = |status: CheckStatus| report.checks.iter().filter(|c| c.status == status).count();
    let (failures, skipped) = (count(CheckStatus::Fail), count(CheckStatus::Skip));
    let suite = format!("WS Doctor: {}", report.target.url);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\">\n",
        esc(&suite),
        report.checks.len(),
        seconds(report.duration_ms)
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">\n",
        esc(&suite),
        report.checks.len(),
        seconds(report.duration_ms),
        esc(report.started_at.trim_end_matches('Z'))
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"verdict\" value=\"{}\"/>\n      <property name=\"tool\" value=\"{} {}\"/>\n    </properties>\n",
        report.verdict.word(),
        esc(&report.tool.name),
        esc(&report.tool.version)
    ));
    for check in &report.checks {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            esc(check.section.title()),
            esc(&check.title),
            seconds(check.duration_ms)
        ));
        let causes = causes(report, check);
        match check.status {
            CheckStatus::Fail => {
                let first = causes.first();
                let message = match first {
                    Some(cause) => format!("{} [{}]", cause.title, cause.code),
                    None => check.summary.clone(),
                };
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    esc(&message),
                    esc(first.map_or("wsdoctor.fail", |c| c.code.as_str())),
                    esc(&described(check, &causes))
                ));
            }
            CheckStatus::Skip => out.push_str(&format!(
                ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                esc(&check.summary)
            )),
            CheckStatus::Warn => {
                let warnings: Vec<&Diagnosis> = causes
                    .into_iter()
                    .filter(|d| d.severity != Severity::Info)
                    .collect();
                out.push_str(&format!(
                    ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                    esc(&described(check, &warnings))
                ));
            }
            CheckStatus::Pass | CheckStatus::Info => out.push_str(&format!(
                ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                esc(&check.summary)
            )),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_characters_xml_cannot_hold_are_escaped() {
        assert_eq!(
            esc("a<b & \"c\"\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}\n"
        );
    }
}
