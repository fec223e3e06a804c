//! The report as one self-contained HTML file: no external assets, readable on screen and in print.

use super::{CheckStatus, Report, Verdict};

fn esc(text: &str) -> String {
    super::markup::escape(text, super::markup::Markup::Html)
}

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#17201d;max-width:1000px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:28px;border-bottom:1px solid #d7dfdc}
.verdict{padding:10px 14px;border-radius:8px;border:1px solid #d7dfdc;border-left-width:6px;font-weight:600}
.v-healthy{border-left-color:#1d6b3a}.v-degraded{border-left-color:#8a5a00}.v-broken{border-left-color:#a3261b}
dl.meta{display:grid;grid-template-columns:140px 1fr;gap:2px 12px}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.cause{border:1px solid #d7dfdc;border-radius:8px;padding:4px 16px 12px;margin:12px 0;break-inside:avoid}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d7dfdc;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef4f2}.s-pass{color:#1d6b3a}.s-fail{color:#a3261b}.s-warn{color:#8a5a00}.s-skip,.s-info{color:#35506b}
pre{background:#f3f5f4;border:1px solid #d7dfdc;border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-word;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
@media print{body{margin:0;max-width:none}.cause,pre{break-inside:avoid}}
"#;

pub fn html(report: &Report) -> String {
    let report = &report.scrubbed();
    let verdict_class = match report.verdict {
        Verdict::Healthy => "v-healthy",
        Verdict::Degraded => "v-degraded",
        Verdict::Broken => "v-broken",
    };
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>WS Doctor report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&report.target.url)
    );
    out.push_str(&format!(
        "<h1>WS Doctor report</h1>\n<p class=\"verdict {verdict_class}\">{}</p>\n",
        esc(&report.headline())
    ));
    out.push_str(&format!(
        "<dl class=\"meta\"><dt>Target</dt><dd><code>{}</code></dd><dt>Client</dt><dd>{}</dd><dt>Verdict</dt><dd>{}</dd><dt>Started</dt><dd>{} (took {} ms)</dd><dt>Tool</dt><dd>{} {}</dd></dl>\n",
        esc(&report.target.url),
        esc(if report.target.client.is_empty() { "(not recorded)" } else { &report.target.client }),
        report.verdict.word(),
        esc(&report.started_at),
        report.duration_ms,
        esc(&report.tool.name),
        esc(&report.tool.version)
    ));
    if let Some(ticket) = &report.ticket {
        out.push_str(&format!(
            "<dl class=\"meta\"><dt>Ticket</dt><dd>{}</dd><dt>Reporter</dt><dd>{}</dd></dl>\n",
            esc(&ticket.id),
            esc(&ticket.reporter)
        ));
        if !ticket.notes.trim().is_empty() {
            out.push_str(&format!(
                "<h2>Notes</h2>\n<p>{}</p>\n",
                esc(ticket.notes.trim()).replace('\n', "<br>")
            ));
        }
    }
    if !report.diagnoses.is_empty() {
        out.push_str("<h2>Causes</h2>\n");
        for (index, d) in report.diagnoses.iter().enumerate() {
            out.push_str(&format!(
                "<section class=\"cause\"><h3>{}. {} <code>{}</code> ({})</h3><p>{}</p><p><strong>Fix:</strong> {}</p>",
                index + 1,
                esc(&d.title),
                esc(&d.code),
                d.severity.word(),
                esc(&d.explanation),
                esc(&d.fix)
            ));
            if let Some(cause) = &d.explained_by {
                out.push_str(&format!(
                    "<p><em>A consequence of <code>{}</code> above: fix that first.</em></p>",
                    esc(cause)
                ));
            }
            if let Some(snippet) = &d.snippet {
                out.push_str(&format!("<pre>{}</pre>", esc(snippet)));
            }
            for evidence in &d.evidence {
                out.push_str(&format!(
                    "<p>{}:</p><pre>{}</pre>",
                    esc(&evidence.label),
                    esc(&evidence.content)
                ));
            }
            out.push_str("</section>\n");
        }
    }
    out.push_str("<h2>Checks</h2>\n<table><thead><tr><th>Section</th><th>Check</th><th>Status</th><th>Result</th><th>Time</th></tr></thead><tbody>\n");
    for check in &report.checks {
        let icon = match check.status {
            CheckStatus::Pass => "✔",
            CheckStatus::Warn => "▲",
            CheckStatus::Fail => "✖",
            CheckStatus::Skip => "–",
            CheckStatus::Info => "•",
        };
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"s-{}\">{icon} {}</td><td>{}</td><td>{}&nbsp;ms</td></tr>\n",
            check.section.title(),
            esc(&check.title),
            check.status.word(),
            check.status.word(),
            esc(&check.summary),
            check.duration_ms
        ));
    }
    out.push_str("</tbody></table>\n");
    let judged = report.judged_manual();
    if !judged.is_empty() {
        out.push_str("<h2>Manual checks</h2>\n<table><thead><tr><th>Section</th><th>Check</th><th>Result</th><th>Note</th></tr></thead><tbody>\n");
        for item in judged {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                item.section.title(),
                esc(&item.title),
                item.status.word(),
                esc(&item.note)
            ));
        }
        out.push_str("</tbody></table>\n");
    }
    let handshake = report.handshake_evidence();
    if !handshake.is_empty() {
        out.push_str("<h2>Raw handshake</h2>\n");
        for evidence in handshake {
            out.push_str(&format!(
                "<p>{}:</p><pre>{}</pre>\n",
                esc(&evidence.label),
                esc(&evidence.content)
            ));
        }
    }
    if report.redactions > 0 {
        out.push_str(&format!(
            "<p><em>{} secret value(s) redacted from this report ({}).</em></p>\n",
            report.redactions,
            esc(&report.redacted.join(", "))
        ));
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
