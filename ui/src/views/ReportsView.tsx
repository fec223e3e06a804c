import { useEffect, useState } from "react";
import type { Report, ReportFormat } from "../bindings";
import { CopyButton } from "../components/CopyButton";
import { ReportPreview } from "../components/ReportPreview";
import { errorText, ipc } from "../ipc";
import { useWorkspace } from "../workspace";

const EXPORTS: readonly { format: ReportFormat; label: string }[] = [
  { format: "markdown", label: "Export Markdown" },
  { format: "json", label: "Export JSON" },
  { format: "html", label: "Export HTML" },
];

/** The last run as a ticket will carry it: preview, ticket fields, export and copy. */
export function ReportsView() {
  const { run, manual, ticket, setTicket } = useWorkspace();
  const [preview, setPreview] = useState("");
  const [status, setStatus] = useState<string | null>(null);

  const report: Report | null = run.report ? { ...run.report, manual: run.readOnly ? run.report.manual : manual, ticket } : null;
  const reportKey = report ? JSON.stringify(report) : "";

  useEffect(() => {
    if (!report) return;
    let live = true;
    ipc
      .reportRender(report, "markdown")
      .then((text) => {
        if (live) setPreview(text);
      })
      .catch((e: unknown) => {
        if (live) setPreview(`The preview could not be made: ${errorText(e)}`);
      });
    return () => {
      live = false;
    };
    // The report is rebuilt on every render; its serialised form says when it really changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reportKey]);

  if (!report) {
    return (
      <section className="view" aria-labelledby="reports-heading">
        <h1 id="reports-heading">Reports</h1>
        <p className="lead">Run the checklist first: its result becomes the report, ready for a ticket.</p>
      </section>
    );
  }
  return (
    <section className="view" aria-labelledby="reports-heading">
      <h1 id="reports-heading">Reports</h1>
      <p className="lead">The report for {report.target.url || "the server-side checks"}: what works, what is wrong, and the fixes.</p>
      <div className="grid ticket">
        <div className="field">
          <label htmlFor="ticket-id">Ticket</label>
          <input id="ticket-id" value={ticket.id} onChange={(e) => { setTicket({ ...ticket, id: e.target.value }); }} />
        </div>
        <div className="field">
          <label htmlFor="ticket-reporter">Reporter</label>
          <input id="ticket-reporter" value={ticket.reporter} onChange={(e) => { setTicket({ ...ticket, reporter: e.target.value }); }} />
        </div>
        <div className="field wide">
          <label htmlFor="ticket-notes">Notes</label>
          <textarea id="ticket-notes" rows={3} value={ticket.notes} onChange={(e) => { setTicket({ ...ticket, notes: e.target.value }); }} />
        </div>
      </div>
      <p className="redactions" id="redactions">
        {report.redactions === 0
          ? "No secret in this report."
          : `${report.redactions} secret value${report.redactions === 1 ? "" : "s"} redacted: ${report.redacted.join(", ")}. Values are never shown.`}
      </p>
      <div className="buttons">
        {EXPORTS.map(({ format, label }) => (
          <button
            key={format}
            type="button"
            id={`export-${format}`}
            onClick={() => {
              setStatus(null);
              ipc
                .reportExport(report, format)
                .then((path) => {
                  setStatus(path ? `Saved to ${path}` : "Export cancelled.");
                })
                .catch((e: unknown) => {
                  setStatus(`Export failed: ${errorText(e)}`);
                });
            }}
          >
            {label}
          </button>
        ))}
        <CopyButton text={preview} label="Copy for ticket" />
      </div>
      {status && (
        <p id="export-status" role="status">
          {status}
        </p>
      )}
      <ReportPreview markdown={preview} />
    </section>
  );
}
