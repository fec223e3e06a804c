//! The report as Markdown for a ticket: readable pasted into GitHub, GitLab or Jira (tables, fenced
//! blocks and plain lists only; no HTML).

use super::{CheckStatus, Report};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Longest run of backticks in `text`, so a fence around it can be one longer.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat(longest.max(2) + 1)
}

fn fenced(out: &mut String, language: &str, content: &str) {
    let fence = fence_for(content);
    out.push_str(&format!(
        "{fence}{language}\n{}\n{fence}\n",
        content.trim_end()
    ));
}

pub fn markdown(report: &Report) -> String {
    let report = &report.scrubbed();
    let mut out = String::new();
    out.push_str(&format!(
        "# WS Doctor report\n\n**{}**\n\n",
        report.headline()
    ));
    out.push_str(&format!(
        "- Target: `{}`\n- Verdict: **{}**\n- Started: {} (took {} ms)\n- Tool: {} {}\n",
        report.target.url,
        report.verdict.word(),
        report.started_at,
        report.duration_ms,
        report.tool.name,
        report.tool.version
    ));
    if let Some(ticket) = &report.ticket {
        if !ticket.id.is_empty() {
            out.push_str(&format!("- Ticket: {}\n", ticket.id));
        }
        if !ticket.reporter.is_empty() {
            out.push_str(&format!("- Reporter: {}\n", ticket.reporter));
        }
    }
    for line in &report.target.server {
        out.push_str(&format!("- Server-side: `{line}`\n"));
    }
    if !report.target.client.is_empty() {
        out.push_str(&format!("- Client: {}\n", report.target.client));
    }
    if let Some(origin) = &report.target.origin {
        out.push_str(&format!("- Origin: `{origin}`\n"));
    }
    if !report.target.subprotocols.is_empty() {
        out.push_str(&format!(
            "- Subprotocols offered: `{}`\n",
            report.target.subprotocols.join(", ")
        ));
    }
    if let Some(proxy) = &report.target.proxy {
        out.push_str(&format!("- Proxy: `{proxy}`\n"));
    }

    if let Some(notes) = report
        .ticket
        .as_ref()
        .map(|t| t.notes.trim())
        .filter(|n| !n.is_empty())
    {
        out.push_str(&format!("\n## Notes\n\n{notes}\n"));
    }

    if !report.diagnoses.is_empty() {
        out.push_str("\n## Causes\n");
        for (index, d) in report.diagnoses.iter().enumerate() {
            out.push_str(&format!(
                "\n### {}. {} (`{}`, {})\n\n{}\n\n**Fix:** {}\n",
                index + 1,
                d.title,
                d.code,
                d.severity.word(),
                d.explanation,
                d.fix
            ));
            if let Some(cause) = &d.explained_by {
                out.push_str(&format!(
                    "\n*A consequence of `{cause}` above: fix that first.*\n"
                ));
            }
            if let Some(snippet) = &d.snippet {
                out.push('\n');
                fenced(
                    &mut out,
                    d.snippet_language.as_deref().unwrap_or("text"),
                    snippet,
                );
            }
            for evidence in &d.evidence {
                out.push_str(&format!("\n{}:\n\n", evidence.label));
                fenced(&mut out, "text", &evidence.content);
            }
        }
    }

    out.push_str(
        "\n## Checks\n\n| Section | Check | Status | Result | Time |\n|---|---|---|---|---|\n",
    );
    for check in &report.checks {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} ms |\n",
            check.section.title(),
            cell(&check.title),
            check.status.word(),
            cell(&check.summary),
            check.duration_ms
        ));
    }

    let judged = report.judged_manual();
    if !judged.is_empty() {
        out.push_str(
            "\n## Manual checks\n\n| Section | Check | Result | Note |\n|---|---|---|---|\n",
        );
        for item in judged {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                item.section.title(),
                cell(&item.title),
                item.status.word(),
                cell(&item.note)
            ));
        }
    }

    let handshake = report.handshake_evidence();
    if !handshake.is_empty() {
        out.push_str("\n## Raw handshake\n");
        for evidence in handshake {
            out.push_str(&format!("\n{}:\n\n", evidence.label));
            fenced(&mut out, "http", &evidence.content);
        }
    }

    out.push_str("\n## Status\n\n**Working:**\n\n");
    let working: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Pass)
        .collect();
    if working.is_empty() {
        out.push_str("- nothing yet\n");
    }
    for check in working {
        out.push_str(&format!("- {}: {}\n", check.title, check.summary));
    }
    out.push_str("\n**Issues found:**\n\n");
    let manual_fail: Vec<_> = report
        .manual
        .iter()
        .filter(|m| m.status == super::ManualStatus::Fail)
        .collect();
    if report.diagnoses.is_empty() && manual_fail.is_empty() {
        out.push_str("- none\n");
    }
    for d in &report.diagnoses {
        out.push_str(&format!("- `{}` {}\n", d.code, d.title));
    }
    for item in manual_fail {
        let note = if item.note.is_empty() {
            String::new()
        } else {
            format!(": {}", item.note)
        };
        out.push_str(&format!("- {} (checked by hand){note}\n", item.title));
    }
    out.push_str("\n**Next steps:**\n\n");
    let steps: Vec<_> = report
        .diagnoses
        .iter()
        .filter(|d| d.severity != crate::catalog::Severity::Info)
        .collect();
    if steps.is_empty() {
        out.push_str("- none needed\n");
    }
    for (index, d) in steps.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", index + 1, d.fix));
    }
    if report.redactions > 0 {
        out.push_str(&format!(
            "\n_{} secret value{} redacted from this report ({})._\n",
            report.redactions,
            if report.redactions == 1 { "" } else { "s" },
            report.redacted.join(", ")
        ));
    }
    out
}
