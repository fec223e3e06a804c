// A console session's settings (heartbeat, reconnect and its backoff, the Socket.IO namespace, the ack
// timeout), drawn the same way by the Console and the profile editor. What an empty field means comes from
// the core for the target at hand (its dialect decides socket.io-client's backoff or the plain one), so no
// default is written here.
import { useEffect, useState } from "react";
import type { ConsoleDefaults, ConsoleSettings, Protocol, TargetRequest } from "../bindings";
import { ipc } from "../ipc";
import { emptyTarget } from "../workspace";
import { Field, numberOrNull, orNull } from "./fields";

/** The core's defaults for `target`, asked again when what decides them (URL, protocol, Socket.IO path,
 * subprotocols: the dialect and the namespace) changes. */
export function useConsoleDefaults(target: TargetRequest): ConsoleDefaults | null {
  const [defaults, setDefaults] = useState<ConsoleDefaults | null>(null);
  const decides = JSON.stringify([target.url, target.protocol, target.socketioPath, target.subprotocols]);
  useEffect(() => {
    let live = true;
    const [url, protocol, socketioPath, subprotocols] = JSON.parse(decides) as [string, Protocol, string | null, string[]];
    // Typing a URL asks once it pauses, not at every key.
    const timer = setTimeout(() => {
      ipc
        .consoleDefaults({ ...emptyTarget(url), protocol, socketioPath, subprotocols })
        .then((found) => {
          if (live) setDefaults(found);
        })
        .catch(() => {
          if (live) setDefaults(null);
        });
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [decides]);
  return defaults;
}

interface Props {
  /** `console-` or `profile-`: the fields' ids. */
  idPrefix: string;
  settings: ConsoleSettings;
  onChange: (settings: ConsoleSettings) => void;
  /** The target the settings are for: the defaults shown are its own. */
  target: TargetRequest;
}

/** Every setting empty: the core's defaults. */
export const NO_SETTINGS: ConsoleSettings = {
  heartbeatSecs: null,
  reconnect: false,
  backoffInitialMs: null,
  backoffMaxMs: null,
  backoffFactor: null,
  backoffAttempts: null,
  namespace: null,
  ackTimeoutSecs: null,
};

/** The backoff's fields: id, label, and the setting (and default) each edits. */
const BACKOFF_FIELDS = [
  ["backoff-initial", "First reconnect delay (ms)", "backoffInitialMs"],
  ["backoff-max", "Longest delay (ms)", "backoffMaxMs"],
  ["backoff-factor", "Delay factor", "backoffFactor"],
  ["backoff-attempts", "Attempts", "backoffAttempts"],
] as const;

const shown = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));

export function ConsoleSettingsFields({ idPrefix, settings, onChange, target }: Props) {
  const defaults = useConsoleDefaults(target);
  const edit = (change: Partial<ConsoleSettings>) => {
    onChange({ ...settings, ...change });
  };
  const id = (name: string) => `${idPrefix}${name}`;
  return (
    <div className="grid console-settings">
      {(defaults?.dialect === "socketio" || settings.namespace !== null) && (
        <Field
          id={id("namespace")}
          label="Socket.IO namespace"
          value={settings.namespace ?? ""}
          placeholder={defaults?.namespace ?? "from the URL"}
          onChange={(value) => { edit({ namespace: orNull(value) }); }}
        />
      )}
      <Field
        id={id("heartbeat")}
        label="Heartbeat ping every (s)"
        type="number"
        value={shown(settings.heartbeatSecs)}
        placeholder="off"
        onChange={(value) => { edit({ heartbeatSecs: numberOrNull(value) }); }}
      />
      <Field
        id={id("ack-timeout")}
        label="Ack and receipt timeout (s)"
        type="number"
        value={shown(settings.ackTimeoutSecs)}
        placeholder={shown(defaults?.ackTimeoutSecs)}
        onChange={(value) => { edit({ ackTimeoutSecs: numberOrNull(value) }); }}
      />
      <label className="inline">
        <input id={id("reconnect")} type="checkbox" checked={settings.reconnect} onChange={(e) => { edit({ reconnect: e.target.checked }); }} /> Reconnect with backoff
      </label>
      {settings.reconnect &&
        BACKOFF_FIELDS.map(([name, label, key]) => (
          <Field
            key={key}
            id={id(name)}
            label={label}
            type="number"
            value={shown(settings[key])}
            placeholder={defaults ? (defaults[key] === null ? "no limit" : String(defaults[key])) : ""}
            onChange={(value) => { edit({ [key]: numberOrNull(value) }); }}
          />
        ))}
      {defaults && <p className="hint wide">Empty fields take the defaults for this target: {defaults.summary}</p>}
    </div>
  );
}
