import { useEffect, useState, type SyntheticEvent } from "react";
import type { ConnectEvent, LabEndpoint } from "../bindings";
import { LabPicker } from "../components/LabPicker";
import { StatusBadge } from "../components/StatusBadge";
import { Timeline } from "../components/Timeline";
import { verdict } from "../describe";
import { CommandError, ipc } from "../ipc";

interface Run {
  events: ConnectEvent[];
  done: boolean;
  error?: string;
}

const TERMINAL = new Set<ConnectEvent["kind"]>(["closed", "failed"]);

/** The target bar and a live round trip; the full checklist of probes builds on this view. */
export function ChecklistView() {
  const [endpoints, setEndpoints] = useState<LabEndpoint[] | null>(null);
  const [labError, setLabError] = useState<string | null>(null);
  const [url, setUrl] = useState("");
  const [urlError, setUrlError] = useState<string | null>(null);
  const [message, setMessage] = useState("Hello from WS Doctor");
  const [holdSecs, setHoldSecs] = useState(0);
  const [run, setRun] = useState<Run | null>(null);

  useEffect(() => {
    let live = true;
    ipc
      .labEndpoints()
      .then((list) => {
        if (!live) return;
        setEndpoints(list);
        const first = list[0];
        if (first) {
          setUrl((current) => current || first.url);
          setHoldSecs(first.observeSecs);
        }
      })
      .catch((error: unknown) => {
        if (live) setLabError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      live = false;
    };
  }, []);

  const running = run !== null && !run.done;

  async function connect(event: SyntheticEvent) {
    event.preventDefault();
    if (running) return;
    setUrlError(null);
    setRun({ events: [], done: false });
    try {
      await ipc.tryConnect({ url, message, holdSecs }, (batch) => {
        setRun((current) => current && { ...current, events: [...current.events, ...batch] });
      });
      setRun((current) => current && { ...current, done: true });
    } catch (error: unknown) {
      if (error instanceof CommandError && error.kind === "invalid_input") {
        setUrlError(error.message);
        setRun(null);
      } else {
        const text = error instanceof Error ? error.message : String(error);
        setRun((current) => ({ events: current?.events ?? [], done: true, error: text }));
      }
    }
  }

  const finished = run !== null && (run.done || run.events.some((e) => TERMINAL.has(e.kind)));
  const summary = run && (run.error ? { status: "fail" as const, text: run.error } : verdict(run.events, finished));

  return (
    <section className="view" aria-labelledby="checklist-heading">
      <h1 id="checklist-heading">Checklist</h1>
      <p className="lead">
        Point WS Doctor at a WebSocket URL and watch each step of a connection: TCP, TLS, the upgrade, a
        message, the close. The layered probes and named diagnoses of the full checklist build on this run.
      </p>

      <form className="target-bar" onSubmit={(e) => void connect(e)}>
        <div className="field">
          <label htmlFor="target-url">Target URL</label>
          <input
            id="target-url"
            type="text"
            spellCheck={false}
            value={url}
            placeholder="ws://host:port/path"
            aria-invalid={urlError !== null}
            aria-describedby={urlError ? "target-url-error" : undefined}
            onChange={(e) => {
              setUrl(e.target.value);
              setUrlError(null);
            }}
          />
          {urlError && (
            <p id="target-url-error" className="field-error" role="alert">
              {urlError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="message">Message to send</label>
          <input id="message" type="text" value={message} onChange={(e) => { setMessage(e.target.value); }} />
        </div>
        <div className="field narrow">
          <label htmlFor="hold">Listen for (s)</label>
          <input
            id="hold"
            type="number"
            min={0}
            max={60}
            value={holdSecs}
            onChange={(e) => { setHoldSecs(Math.max(0, Math.min(60, Number(e.target.value) || 0))); }}
          />
        </div>
        <button id="connect" type="submit" disabled={running || url.trim() === ""}>
          {running ? "Connecting…" : "Connect"}
        </button>
      </form>

      {summary && (
        <div id="run-summary" className={`summary summary-${summary.status}`} data-status={summary.status} role="status">
          <StatusBadge status={summary.status} /> <span>{summary.text}</span>
        </div>
      )}
      {run && run.events.length > 0 && <Timeline events={run.events} />}

      {labError && <p className="field-error">The built-in lab is not available: {labError}</p>}
      {endpoints && (
        <LabPicker
          endpoints={endpoints}
          selectedUrl={url}
          onPick={(endpoint) => {
            setUrl(endpoint.url);
            setHoldSecs(endpoint.observeSecs);
            setUrlError(null);
          }}
        />
      )}
    </section>
  );
}
