import { useCallback, useEffect, useRef, useState } from "react";
import type { HistoryEntry, LabEndpoint, ManualCheck, ManualGuide, Section } from "../bindings";
import { ChecklistSections } from "../components/ChecklistSections";
import { DiagnosisPanel } from "../components/DiagnosisPanel";
import { HistoryPanel } from "../components/HistoryPanel";
import { ManualChecks } from "../components/ManualChecks";
import { ReproducePanel } from "../components/ReproducePanel";
import { StatusBadge } from "../components/StatusBadge";
import { type FieldErrors, errorsFrom } from "../components/fields";
import { TargetBar } from "../components/TargetBar";
import { CommandError, errorText, ipc } from "../ipc";
import { applyEvents, emptyRun, fromReport, headline } from "../run";
import { ProfileBar } from "../components/ProfileBar";
import { profileRef, useWorkspace } from "../workspace";

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The checklist a tester walks: target, live results by section, causes with fixes, manual items. */
export function ChecklistView() {
  const { request, setRequest, run, setRun, manual, setManual, profile } = useWorkspace();
  const [endpoints, setEndpoints] = useState<LabEndpoint[]>([]);
  const [guide, setGuide] = useState<ManualGuide>({ sections: [], items: [], consoleErrors: [] });
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const runId = useRef<string | null>(null);
  // Bumped when a run of this view ends: the verdict is brought into view and the first cause focused.
  const [finished, setFinished] = useState(0);

  useEffect(() => {
    if (finished === 0) return;
    document.getElementById("run-summary")?.scrollIntoView({ block: "start" });
    const first = document.querySelector<HTMLElement>("#diagnoses li.diagnosis");
    (first ?? document.getElementById("run-summary"))?.focus({ preventScroll: true });
  }, [finished]);

  const refreshHistory = useCallback((url: string) => {
    ipc.historyList(url.trim() === "" ? "server-side checks" : url.trim()).then(setHistory).catch(() => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    ipc
      .labEndpoints()
      .then((list) => {
        if (!live) return;
        setEndpoints(list);
        const echo = list.find((e) => e.id === "echo") ?? list[0];
        if (echo) setRequest((r) => (r.url === "" && r.server.process === null ? { ...r, url: echo.url } : r));
      })
      .catch((e: unknown) => {
        if (live) setErrors({ run: `The built-in lab is not available: ${errorText(e)}` });
      });
    ipc
      .manualGuide()
      .then((g) => {
        if (!live) return;
        setGuide(g);
        setManual((current) =>
          current.length > 0 ? current : g.items.map((i) => ({ id: i.id, section: i.section, title: i.title, status: "unchecked", note: "" })),
        );
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [setRequest, setManual]);

  useEffect(() => {
    refreshHistory(request.url);
  }, [request.url, refreshHistory]);

  const start = (sections: Section[] | null) => {
    const id = newRunId();
    runId.current = id;
    setErrors({});
    setBusy(true);
    const previous = run.report;
    setRun((current) =>
      sections && current.report
        ? { ...current, finished: false, readOnly: false, items: current.items.map((i) => (sections.includes(i.section) ? { ...i, state: "pending" } : i)) }
        : emptyRun(),
    );
    ipc
      .checkRun(id, { ...request, sections }, profileRef(profile), sections ? (previous ?? null) : null, (events) => {
        if (runId.current === id) setRun((current) => applyEvents(current, events));
      })
      .then((result) => {
        if (runId.current !== id) return;
        setRun(() => fromReport(result.report, false));
        setFinished((n) => n + 1);
        refreshHistory(request.url);
      })
      .catch((e: unknown) => {
        if (runId.current !== id) return;
        if (e instanceof CommandError && e.kind === "invalid_input") {
          setErrors(errorsFrom(e));
          setRun(() => emptyRun());
        } else {
          const text = e instanceof CommandError && e.kind === "cancelled" ? "Cancelled: the checks were stopped." : errorText(e);
          setRun((current) => ({ ...current, finished: true, error: text }));
        }
      })
      .finally(() => {
        if (runId.current === id) setBusy(false);
      });
  };

  const cancel = () => {
    if (runId.current) void ipc.checkCancel(runId.current);
  };

  const openPast = (entry: HistoryEntry) => {
    ipc
      .historyLoad(entry.id)
      .then((report) => {
        runId.current = null;
        setRun(() => fromReport(report, true));
      })
      .catch((e: unknown) => {
        setErrors({ run: errorText(e) });
      });
  };

  const updateManual = (id: string, patch: Partial<ManualCheck>) => {
    setManual((current) => current.map((m) => (m.id === id ? { ...m, ...patch } : m)));
  };

  const top = headline(run);
  const started = run.items.length > 0 || run.error !== undefined;
  return (
    <section className="view" aria-labelledby="checklist-heading">
      <h1 id="checklist-heading">Checklist</h1>
      <p className="lead">
        Every check a WebSocket troubleshooting checklist asks for, in its order: the server, the upgrade, the frontend, proxies and
        HTTPS, the desktop app. Automated where a program can check it; ticked by you where only a person can.
      </p>
      <ProfileBar />
      <TargetBar
        request={request}
        onChange={setRequest}
        endpoints={endpoints}
        running={busy}
        errors={errors}
        onRun={() => {
          start(null);
        }}
        onCancel={cancel}
      />
      <ReproducePanel request={request} />
      <HistoryPanel entries={history} onOpen={openPast} />

      {started && (
        <div id="run-summary" className={`summary summary-${top.status}`} data-status={top.status} role="status" aria-live="polite" tabIndex={-1}>
          <StatusBadge status={top.status} /> <span>{top.text}</span>
          {run.readOnly && run.report && <span className="read-only">Past run of {new Date(run.report.startedAt).toLocaleString()}, read-only</span>}
        </div>
      )}
      <DiagnosisPanel diagnoses={run.diagnoses} />
      <ChecklistSections
        sections={guide.sections}
        items={run.items}
        busy={busy}
        readOnly={run.readOnly}
        onRerun={(section) => {
          start([section]);
        }}
      />
      <ManualChecks items={guide.items} consoleErrors={guide.consoleErrors} results={manual} readOnly={run.readOnly} onChange={updateManual} />
    </section>
  );
}
