// The target's fields, one form for every view that edits a target: the Checklist's Advanced drawer and
// the profile editor. A new field of the target is added here once.
import type { ReactNode } from "react";
import type { HeaderInput, Protocol, TargetRequest } from "../bindings";
import { Field, type FieldErrors, HeadersEditor, PathField, numberOrNull, orNull } from "./fields";

interface Props {
  /** Prefixes every id (`profile-` in the profile editor), so both forms can be on one page. */
  idPrefix: string;
  target: TargetRequest;
  onChange: (patch: Partial<TargetRequest>) => void;
  errors: FieldErrors;
  /** Replaces the passphrase field where the passphrase is a secret kept elsewhere (a profile's keyring). */
  keyPassphrase?: ReactNode;
  /** Replaces the auth payload field where it is a secret kept elsewhere (a profile's keyring). */
  auth?: ReactNode;
  /** Drawn after the proxy (a profile's proxy credentials). */
  afterProxy?: ReactNode;
  /** Draws a secret header's value where secrets are kept elsewhere. */
  secretHeaderValue?: (header: HeaderInput) => ReactNode;
}

/** Origin, subprotocols, TLS, proxy, timings and headers of a target (its URL is the view's own). */
export function TargetFields({ idPrefix, target, onChange, errors, keyPassphrase, auth, afterProxy, secretHeaderValue }: Props) {
  const id = (name: string) => `${idPrefix}${name}`;
  return (
    <>
      <div className="grid">
        <Field id={id("origin")} label="Origin" value={target.origin ?? ""} placeholder="https://app.example.com" error={errors.origin} onChange={(v) => { onChange({ origin: orNull(v) }); }} />
        <Field id={id("page-url")} label="Page URL (its origin is sent; its CSP and mixed content checked)" value={target.pageUrl ?? ""} error={errors.pageUrl} onChange={(v) => { onChange({ pageUrl: orNull(v) }); }} />
        <Field
          id={id("subprotocols")}
          label="Subprotocols (comma-separated)"
          value={target.subprotocols.join(", ")}
          error={errors.subprotocols}
          onChange={(v) => { onChange({ subprotocols: v.split(",").map((p) => p.trim()).filter(Boolean) }); }}
        />
        <div className="field">
          <label htmlFor={id("protocol")}>Protocol</label>
          <select
            id={id("protocol")}
            value={target.protocol}
            aria-invalid={errors.protocol !== undefined}
            onChange={(e) => { onChange({ protocol: e.target.value as Protocol }); }}
          >
            <option value="auto">Auto (from the URL)</option>
            <option value="websocket">Plain WebSocket</option>
            <option value="socketio">Socket.IO (the URL as given to io())</option>
            <option value="sockjs">SockJS (the prefix; then its raw WebSocket endpoint)</option>
            <option value="stomp">STOMP (CONNECT with the login from the auth payload)</option>
            <option value="graphql-ws">GraphQL over WebSocket (graphql-ws)</option>
            <option value="mqtt">MQTT over WebSocket (CONNECT with the user name and password from the auth payload)</option>
          </select>
          {errors.protocol && <p id={`${id("protocol")}-error`} className="field-error" role="alert">{errors.protocol}</p>}
        </div>
        {(target.protocol === "socketio" || target.protocol === "auto") && (
          <Field
            id={id("socketio-path")}
            label="Socket.IO path (the client's path option)"
            value={target.socketioPath ?? ""}
            placeholder="/socket.io/"
            error={errors.socketioPath}
            onChange={(v) => { onChange({ socketioPath: orNull(v) }); }}
          />
        )}
        {auth ?? (
          <Field
            id={id("auth")}
            label="Auth payload (JSON, as Socket.IO's auth; never shown again)"
            type="password"
            value={target.auth ?? ""}
            placeholder='{"token": "…"}'
            error={errors.auth}
            onChange={(v) => { onChange({ auth: v }); }}
          />
        )}
        <Field id={id("message")} label="Test message" value={target.message ?? ""} placeholder="wsdoctor check" error={errors.message} onChange={(v) => { onChange({ message: orNull(v) }); }} />
        <PathField id={id("cookie-file")} label="Browser cookies (Netscape cookie file or HAR)" kind="file" value={target.cookieFile ?? ""} error={errors.cookieFile} onChange={(v) => { onChange({ cookieFile: orNull(v) }); }} />
        <PathField id={id("ca-file")} label="CA file" kind="file" value={target.caFile ?? ""} error={errors.caFile} onChange={(v) => { onChange({ caFile: orNull(v) }); }} />
        <PathField id={id("client-cert")} label="Client certificate (mutual TLS)" kind="file" value={target.clientCert ?? ""} error={errors.clientCert} onChange={(v) => { onChange({ clientCert: orNull(v) }); }} />
        <PathField id={id("client-key")} label="Client key (default: in the certificate file)" kind="file" value={target.clientKey ?? ""} error={errors.clientKey} onChange={(v) => { onChange({ clientKey: orNull(v) }); }} />
        {keyPassphrase ?? (
          <Field id={id("key-passphrase")} label="Key passphrase (if encrypted; never shown again)" type="password" value={target.keyPassphrase ?? ""} error={errors.keyPassphrase} onChange={(v) => { onChange({ keyPassphrase: v }); }} />
        )}
        <div className="field">
          <label className="inline" htmlFor={id("insecure")}>
            <input id={id("insecure")} type="checkbox" checked={target.insecure} onChange={(e) => { onChange({ insecure: e.target.checked }); }} /> Continue past an
            invalid certificate (still reported)
          </label>
        </div>
        <div className="field">
          <label className="inline" htmlFor={id("no-compression")}>
            <input id={id("no-compression")} type="checkbox" checked={target.noCompression} onChange={(e) => { onChange({ noCompression: e.target.checked }); }} /> Do not
            offer compression (browsers offer permessage-deflate)
          </label>
        </div>
        <Field id={id("proxy")} label="HTTP proxy" value={target.proxy ?? ""} placeholder="http://proxy:3128" error={errors.proxy} onChange={(v) => { onChange({ proxy: orNull(v) }); }} />
        {afterProxy}
        <Field
          id={id("resolve")}
          label="Addresses instead of DNS (HOST:PORT:ADDR,ADDR; entries separated by spaces)"
          value={target.resolve.join(" ")}
          placeholder="app.example.test:443:10.0.0.5,10.0.0.6"
          error={errors.resolve}
          onChange={(v) => { onChange({ resolve: v === "" ? [] : v.split(" ") }); }}
        />
        <Field id={id("direct")} label="Backend behind the proxy (direct URL)" value={target.direct ?? ""} error={errors.direct} onChange={(v) => { onChange({ direct: orNull(v) }); }} />
        <Field id={id("timeout")} label="Timeout (s)" type="number" value={target.timeoutSecs?.toString() ?? ""} placeholder="5" error={errors.timeoutSecs} onChange={(v) => { onChange({ timeoutSecs: numberOrNull(v) }); }} />
        <Field id={id("reply")} label="Reply wait (s)" type="number" value={target.replySecs?.toString() ?? ""} placeholder="1" error={errors.replySecs} onChange={(v) => { onChange({ replySecs: numberOrNull(v) }); }} />
        <Field id={id("idle")} label="Idle probe (s)" type="number" value={target.idleSecs?.toString() ?? ""} placeholder="off" error={errors.idleSecs} onChange={(v) => { onChange({ idleSecs: numberOrNull(v) }); }} />
        <Field id={id("probe-size")} label="Large message probe (bytes)" type="number" value={target.probeSize?.toString() ?? ""} placeholder="off" error={errors.probeSize} onChange={(v) => { onChange({ probeSize: numberOrNull(v) }); }} />
      </div>
      <HeadersEditor
        idPrefix={idPrefix}
        headers={target.headers}
        error={errors.headers}
        onChange={(headers) => { onChange({ headers }); }}
        {...(secretHeaderValue ? { secretValue: secretHeaderValue } : {})}
      />
    </>
  );
}

/** Whether any of the target's fields (besides its URL) has an error: its drawer opens to show it. */
export function hasTargetFieldError(errors: FieldErrors): boolean {
  return Object.keys(errors).some((key) => key !== "url" && key !== "run");
}
