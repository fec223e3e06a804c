import { Fragment, type ReactNode, useState } from "react";
import type { CheckRequest, HeaderInput, LabEndpoint, PickKind } from "../bindings";
import { errorText, ipc } from "../ipc";

/** Which field an engine error belongs to, so it is shown next to it. */
export type FieldErrors = Partial<Record<"url" | "advanced" | "headers" | "caFile" | "clientCert" | "proxy" | "server" | "run", string>>;

export function fieldFor(message: string): keyof FieldErrors {
  const m = message.toLowerCase();
  if (m.includes("ca file")) return "caFile";
  if (m.includes("client") || m.includes("passphrase") || m.includes("key")) return "clientCert";
  if (m.includes("header")) return "headers";
  if (m.includes("proxy")) return "proxy";
  if (m.includes("does not exist") || m.includes("nothing to check")) return "server";
  if (m.includes("timeout") || m.includes("reply") || m.includes("probe") || m.includes("idle")) return "advanced";
  if (m.includes("url") || m.includes("scheme") || m.includes("host")) return "url";
  return "run";
}

interface Props {
  request: CheckRequest;
  onChange: (update: (request: CheckRequest) => CheckRequest) => void;
  endpoints: readonly LabEndpoint[];
  running: boolean;
  errors: FieldErrors;
  onRun: () => void;
  onCancel: () => void;
}

const orNull = (value: string) => (value.trim() === "" ? null : value);
const numberOrNull = (value: string) => (value.trim() === "" || Number.isNaN(Number(value)) ? null : Number(value));

function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: string;
  error?: string | undefined;
  /** In a list of rows: removes this one; `null` for the row that adds (it keeps the button, disabled, so
   * the input is not re-created, and loses no focus, when its first key makes it a row that can go). */
  onRemove?: (() => void) | null;
}) {
  const input = (
    <input
      id={props.id}
      type={props.type ?? "text"}
      spellCheck={false}
      value={props.value}
      placeholder={props.placeholder}
      aria-invalid={props.error !== undefined}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
      onChange={(e) => {
        props.onChange(e.target.value);
      }}
    />
  );
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.onRemove === undefined ? (
        input
      ) : (
        <div className="with-button">
          {input}
          <RemoveButton label={props.label} onRemove={props.onRemove} />
        </div>
      )}
      {props.error && (
        <p id={`${props.id}-error`} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A path chosen with the native dialog (opened by Rust), or typed. */
function PathField(props: { id: string; label: string; value: string; kind: PickKind; onChange: (value: string) => void; onRemove?: (() => void) | null }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="field path-field">
      <label htmlFor={props.id}>{props.label}</label>
      <div className="with-button">
        <input
          id={props.id}
          type="text"
          spellCheck={false}
          value={props.value}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
        />
        <button
          type="button"
          className="secondary"
          aria-label={`Choose ${props.label.toLowerCase()}`}
          onClick={() => {
            setProblem(null);
            ipc
              .pickPath(props.kind, props.label)
              .then((path) => {
                if (path) props.onChange(path);
              })
              .catch((e: unknown) => {
                setProblem(errorText(e));
              });
          }}
        >
          Choose…
        </button>
        {props.onRemove !== undefined && <RemoveButton label={props.label} onRemove={props.onRemove} />}
      </div>
      {problem && <p className="field-error">{problem}</p>}
    </div>
  );
}

function RemoveButton({ label, onRemove }: { label: string; onRemove: (() => void) | null }) {
  return (
    <button type="button" className="secondary" aria-label={`Remove ${label.toLowerCase()}`} disabled={onRemove === null} onClick={onRemove ?? undefined}>
      ×
    </button>
  );
}

interface RowProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onRemove: (() => void) | null;
}

/**
 * A list of values as a field each, and an empty one after them to add another; `field` draws a row. A value
 * emptied in place stays a row until removed (Rust skips empty values), so rows never shift under the caret.
 */
function Repeated(props: { id: string; label: string; values: string[]; onChange: (values: string[]) => void; field: (row: RowProps) => ReactNode }) {
  const { values, onChange } = props;
  const rows = values.length === 0 || values[values.length - 1] !== "" ? [...values, ""] : values;
  return (
    <>
      {rows.map((value, index) => (
        // Rows only come and go at the end or by their own button, so the position is a stable key.
        <Fragment key={index}>
          {props.field({
            id: index === 0 ? props.id : `${props.id}-${(index + 1).toString()}`,
            label: index === 0 ? props.label : `${props.label} ${(index + 1).toString()}`,
            value,
            onChange: (next) => {
              onChange(values.length > index ? values.map((v, i) => (i === index ? next : v)) : [...values, next]);
            },
            onRemove: index < values.length ? () => { onChange(values.filter((_, i) => i !== index)); } : null,
          })}
        </Fragment>
      ))}
    </>
  );
}

function HeadersEditor({ headers, onChange }: { headers: HeaderInput[]; onChange: (headers: HeaderInput[]) => void }) {
  const update = (index: number, patch: Partial<HeaderInput>) => {
    onChange(headers.map((h, i) => (i === index ? { ...h, ...patch } : h)));
  };
  return (
    <fieldset className="headers">
      <legend>Headers</legend>
      {headers.map((header, index) => (
        <div className="header-row" key={index}>
          <input
            aria-label={`Header ${index + 1} name`}
            placeholder="Name"
            value={header.name}
            onChange={(e) => {
              update(index, { name: e.target.value });
            }}
          />
          <input
            aria-label={`Header ${index + 1} value`}
            placeholder="Value"
            type={header.secret ? "password" : "text"}
            value={header.value}
            onChange={(e) => {
              update(index, { value: e.target.value });
            }}
          />
          <label className="inline">
            <input
              type="checkbox"
              checked={header.secret}
              onChange={(e) => {
                update(index, { secret: e.target.checked });
              }}
            />{" "}
            secret
          </label>
          <button
            type="button"
            className="secondary"
            aria-label={`Remove header ${index + 1}`}
            onClick={() => {
              onChange(headers.filter((_, i) => i !== index));
            }}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() => {
          onChange([...headers, { name: "", value: "", secret: false }]);
        }}
      >
        Add header
      </button>
    </fieldset>
  );
}

export function TargetBar({ request, onChange, endpoints, running, errors, onRun, onCancel }: Props) {
  const set = (patch: Partial<CheckRequest>) => {
    onChange((r) => ({ ...r, ...patch }));
  };
  const setServer = (patch: Partial<CheckRequest["server"]>) => {
    onChange((r) => ({ ...r, server: { ...r.server, ...patch } }));
  };
  const labUrl = endpoints.find((e) => e.url === request.url)?.url ?? "";
  return (
    <form
      className="target-bar"
      onSubmit={(e) => {
        e.preventDefault();
        if (!running) onRun();
      }}
    >
      <div className="target-row">
        <Field
          id="target-url"
          label="WebSocket URL"
          value={request.url}
          placeholder="wss://host/path (or leave empty for server-side checks only)"
          error={errors.url}
          onChange={(url) => {
            set({ url });
          }}
        />
        <div className="field lab-field">
          <label htmlFor="lab-endpoint">Built-in lab</label>
          <select
            id="lab-endpoint"
            value={labUrl}
            onChange={(e) => {
              if (e.target.value) set({ url: e.target.value });
            }}
          >
            <option value="">Pick a lab endpoint…</option>
            {endpoints.map((endpoint) => (
              <option key={endpoint.id} value={endpoint.url} data-endpoint-id={endpoint.id} title={endpoint.description}>
                {endpoint.title} ({endpoint.outcome === "healthy" ? "healthy" : endpoint.outcome === "broken" ? "broken" : "needs input"})
              </option>
            ))}
          </select>
        </div>
        {running ? (
          <button id="cancel" type="button" className="danger" onClick={onCancel}>
            Cancel
          </button>
        ) : (
          <button id="run" type="submit">
            Run checks
          </button>
        )}
      </div>
      {labUrl && <p className="hint">{endpoints.find((e) => e.url === labUrl)?.description}</p>}
      {errors.run && (
        <p className="field-error" role="alert">
          {errors.run}
        </p>
      )}

      <details className="drawer" id="advanced-drawer" open={errors.advanced !== undefined || errors.headers !== undefined || errors.caFile !== undefined || errors.clientCert !== undefined || errors.proxy !== undefined ? true : undefined}>
        <summary>Advanced</summary>
        <div className="grid">
          <Field id="origin" label="Origin" value={request.origin ?? ""} placeholder="https://app.example.com" onChange={(v) => { set({ origin: orNull(v) }); }} />
          <Field id="page-url" label="Page URL (for mixed content)" value={request.pageUrl ?? ""} onChange={(v) => { set({ pageUrl: orNull(v) }); }} />
          <Field
            id="subprotocols"
            label="Subprotocols (comma-separated)"
            value={request.subprotocols.join(", ")}
            onChange={(v) => { set({ subprotocols: v.split(",").map((p) => p.trim()).filter(Boolean) }); }}
          />
          <Field id="message" label="Test message" value={request.message ?? ""} placeholder="wsdoctor check" onChange={(v) => { set({ message: orNull(v) }); }} />
          <PathField id="ca-file" label="CA file" kind="file" value={request.caFile ?? ""} onChange={(v) => { set({ caFile: orNull(v) }); }} />
          <PathField id="client-cert" label="Client certificate (mutual TLS)" kind="file" value={request.clientCert ?? ""} onChange={(v) => { set({ clientCert: orNull(v) }); }} />
          <PathField id="client-key" label="Client key (default: in the certificate file)" kind="file" value={request.clientKey ?? ""} onChange={(v) => { set({ clientKey: orNull(v) }); }} />
          <Field id="key-passphrase" label="Key passphrase (if encrypted; never shown again)" type="password" value={request.keyPassphrase ?? ""} error={errors.clientCert} onChange={(v) => { set({ keyPassphrase: v }); }} />
          <div className="field">
            <label className="inline" htmlFor="insecure">
              <input id="insecure" type="checkbox" checked={request.insecure} onChange={(e) => { set({ insecure: e.target.checked }); }} /> Continue past an
              invalid certificate (still reported)
            </label>
          </div>
          <Field id="proxy" label="HTTP proxy" value={request.proxy ?? ""} placeholder="http://proxy:3128" error={errors.proxy} onChange={(v) => { set({ proxy: orNull(v) }); }} />
          <Field id="direct" label="Backend behind the proxy (direct URL)" value={request.direct ?? ""} onChange={(v) => { set({ direct: orNull(v) }); }} />
          <Field id="timeout" label="Timeout (s)" type="number" value={request.timeoutSecs?.toString() ?? ""} placeholder="5" error={errors.advanced} onChange={(v) => { set({ timeoutSecs: numberOrNull(v) }); }} />
          <Field id="reply" label="Reply wait (s)" type="number" value={request.replySecs?.toString() ?? ""} placeholder="1" onChange={(v) => { set({ replySecs: numberOrNull(v) }); }} />
          <Field id="idle" label="Idle probe (s)" type="number" value={request.idleSecs?.toString() ?? ""} placeholder="off" onChange={(v) => { set({ idleSecs: numberOrNull(v) }); }} />
          <Field id="probe-size" label="Large message probe (bytes)" type="number" value={request.probeSize?.toString() ?? ""} placeholder="off" onChange={(v) => { set({ probeSize: numberOrNull(v) }); }} />
        </div>
        {errors.caFile && <p className="field-error" role="alert">{errors.caFile}</p>}
        {errors.clientCert && <p className="field-error" role="alert">{errors.clientCert}</p>}
        <HeadersEditor headers={request.headers} onChange={(headers) => { set({ headers }); }} />
        {errors.headers && <p className="field-error" role="alert">{errors.headers}</p>}
      </details>

      <details className="drawer" id="server-drawer" open={errors.server !== undefined ? true : undefined}>
        <summary>Server</summary>
        <div className="grid">
          <Field id="process" label="Process (name or PID)" value={request.server.process ?? ""} onChange={(v) => { setServer({ process: orNull(v) }); }} />
          <Field id="port" label="Port" type="number" value={request.server.port?.toString() ?? ""} onChange={(v) => { setServer({ port: numberOrNull(v) }); }} />
          <Repeated
            id="env"
            label="Environment variable"
            values={request.server.env}
            onChange={(env) => { setServer({ env }); }}
            field={(row) => <Field {...row} placeholder="NAME or NAME=EXPECTED" />}
          />
          <Repeated
            id="log-file"
            label="Log file"
            values={request.server.logs}
            onChange={(logs) => { setServer({ logs }); }}
            field={(row) => <PathField {...row} kind="file" />}
          />
          <PathField id="nginx-conf" label="nginx config (file)" kind="file" value={request.server.nginxConf ?? ""} onChange={(v) => { setServer({ nginxConf: orNull(v) }); }} />
          <PathField id="project" label="Project folder" kind="folder" value={request.server.project ?? ""} onChange={(v) => { setServer({ project: orNull(v) }); }} />
        </div>
        {errors.server && <p className="field-error" role="alert">{errors.server}</p>}
      </details>
    </form>
  );
}
