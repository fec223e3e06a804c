//! The report for a person at a terminal: the verdict, the causes with their fixes, then the checklist.

use wsdoctor_core::catalog::Severity;
use wsdoctor_core::report::{CheckStatus, Report, Verdict};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn red(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    fn green(&self, text: &str) -> String {
        self.wrap("1;32", text)
    }
    fn yellow(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(report: &Report, color: bool) -> String {
    let report = &report.scrubbed();
    let p = Paint { on: color };
    let mut out = String::new();
    let headline = report.headline();
    out.push_str(&match report.verdict {
        Verdict::Healthy => p.green(&headline),
        Verdict::Degraded => p.yellow(&headline),
        Verdict::Broken => p.red(&headline),
    });
    out.push_str(&p.dim(&format!("  ({} ms)\n", report.duration_ms)));

    if !report.diagnoses.is_empty() {
        out.push_str(&format!("\n{}\n", p.bold("Causes")));
        for (index, d) in report.diagnoses.iter().enumerate() {
            let mark = match d.severity {
                Severity::Error => p.red("✖ error"),
                Severity::Warning => p.yellow("▲ warning"),
                Severity::Info => p.dim("• info"),
            };
            out.push_str(&format!(
                "{:>3}. {mark}  {} [{}]\n",
                index + 1,
                p.bold(&d.title),
                d.code
            ));
            out.push_str(&format!("{}\n", indent(&d.explanation, "       ")));
            out.push_str(&format!("       Fix: {}\n", d.fix));
            if let Some(cause) = &d.explained_by {
                out.push_str(&format!(
                    "       A consequence of {cause} above: fix that first.\n"
                ));
            }
            if let Some(snippet) = &d.snippet {
                out.push_str(&format!("{}\n", indent(snippet, "         ")));
            }
            for evidence in &d.evidence {
                out.push_str(&format!(
                    "       {}:\n{}\n",
                    p.dim(&evidence.label),
                    p.dim(&indent(&evidence.content, "         "))
                ));
            }
        }
    }

    out.push_str(&format!("\n{}\n", p.bold("Checks")));
    let mut section = None;
    let width = report
        .checks
        .iter()
        .map(|c| c.title.chars().count())
        .max()
        .unwrap_or(0);
    // Grouped by the checklist's sections; within one, in the order they ran.
    let mut checks: Vec<_> = report.checks.iter().collect();
    checks.sort_by_key(|c| c.section);
    for check in checks {
        if section != Some(check.section) {
            section = Some(check.section);
            out.push_str(&format!("  {}\n", p.dim(check.section.title())));
        }
        let mark = match check.status {
            CheckStatus::Pass => p.green("✔ pass"),
            CheckStatus::Warn => p.yellow("▲ warn"),
            CheckStatus::Fail => p.red("✖ fail"),
            CheckStatus::Skip => p.dim("– skip"),
            CheckStatus::Info => p.dim("• info"),
        };
        out.push_str(&format!(
            "    {mark}  {:<width$}  {} {}\n",
            check.title,
            check.summary,
            p.dim(&format!("({} ms)", check.duration_ms))
        ));
    }
    if report.redactions > 0 {
        out.push_str(&p.dim(&format!(
            "\n{} secret value(s) redacted.\n",
            report.redactions
        )));
    }
    out
}
