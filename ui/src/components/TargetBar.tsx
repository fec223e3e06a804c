import type { CheckRequest, LabEndpoint, TargetRequest } from "../bindings";
import { ClientSelect } from "./ClientSelect";
import { Field, type FieldErrors, PathField, Repeated, numberOrNull, orNull } from "./fields";
import { TargetFields, hasTargetFieldError } from "./TargetFields";

interface Props {
  request: CheckRequest;
  onChange: (update: (request: CheckRequest) => CheckRequest) => void;
  endpoints: readonly LabEndpoint[];
  running: boolean;
  errors: FieldErrors;
  onRun: () => void;
  onCancel: () => void;
}

/** The Checklist's target: the URL (or a lab endpoint), the target's fields, and the server-side inputs. */
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
        <ClientSelect
          id="target-client"
          className="client-field"
          value={request.client}
          onChange={(client) => {
            set({ client });
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

      <details className="drawer" id="advanced-drawer" open={hasTargetFieldError(errors) ? true : undefined}>
        <summary>Advanced</summary>
        <TargetFields
          idPrefix=""
          target={request}
          errors={errors}
          onChange={(patch: Partial<TargetRequest>) => {
            set(patch);
          }}
        />
      </details>

      <details className="drawer" id="server-drawer">
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
          <PathField id="proxy-config" label="Proxy config (nginx, HAProxy, Apache, Caddy: file or folder)" kind="file" value={request.server.proxyConfig ?? ""} onChange={(v) => { setServer({ proxyConfig: orNull(v) }); }} />
          <PathField id="project" label="Project folder" kind="folder" value={request.server.project ?? ""} onChange={(v) => { setServer({ project: orNull(v) }); }} />
        </div>
      </details>
    </form>
  );
}
