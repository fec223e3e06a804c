import { useRef, useState } from "react";
import type { ConsoleBatch, ConsoleSettings, Protocol } from "../bindings";
import { ConsoleSession } from "../components/ConsoleSession";
import { ConsoleSettingsFields, NO_SETTINGS } from "../components/ConsoleSettingsFields";
import { CommandError, errorText, ipc } from "../ipc";
import { ProfileBar } from "../components/ProfileBar";
import { profileRef, useWorkspace } from "../workspace";

interface Tab {
  id: string;
  title: string;
  /** The profile the session was opened for: its snippets are the session's. */
  profileId: string | null;
}

/** Talk to a server by hand, several sessions at once, each in its own tab. */
export function ConsoleView() {
  const { request, setRequest, profile } = useWorkspace();
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState<string | null>(null);
  // Empty settings take the core's defaults for the target (socket.io-client's own for a Socket.IO session).
  const [settings, setSettings] = useState<ConsoleSettings>(NO_SETTINGS);
  const [buffer, setBuffer] = useState({ entries: "1000000", megabytes: "256" });
  const [error, setError] = useState<string | null>(null);
  // A profile opened here brings its console settings (once per profile, so later edits stick).
  const [appliedProfile, setAppliedProfile] = useState<string | null>(null);
  if (profile && profile.id !== appliedProfile) {
    setAppliedProfile(profile.id);
    setSettings(profile.console);
  }
  // Batches that arrive before a tab's component subscribes are kept for it.
  const listeners = useRef(new Map<string, (batch: ConsoleBatch) => void>());
  const pending = useRef(new Map<string, ConsoleBatch[]>());

  const subscribe = (id: string) => (listener: (batch: ConsoleBatch) => void) => {
    listeners.current.set(id, listener);
    for (const batch of pending.current.get(id) ?? []) listener(batch);
    pending.current.delete(id);
    return () => {
      listeners.current.delete(id);
    };
  };

  const connect = () => {
    setError(null);
    let id: string | null = null;
    const early: ConsoleBatch[] = [];
    ipc
      .consoleOpen(
        {
          target: request,
          ...settings,
          namespace: settings.namespace?.trim() || null,
          maxEntries: Number(buffer.entries) || null,
          maxMegabytes: Number(buffer.megabytes) || null,
        },
        profileRef(profile),
        (batch) => {
          const listener = id ? listeners.current.get(id) : undefined;
          if (listener) listener(batch);
          else if (id) pending.current.set(id, [...(pending.current.get(id) ?? []), batch]);
          else early.push(batch);
        },
      )
      .then((newId) => {
        id = newId;
        pending.current.set(newId, early);
        setTabs((list) => [...list, { id: newId, title: request.url.replace(/^(wss?|https?):\/\//, ""), profileId: profile?.id ?? null }]);
        setActive(newId);
      })
      .catch((e: unknown) => {
        setError(e instanceof CommandError ? e.message : errorText(e));
      });
  };

  return (
    <section className="view console-view" aria-labelledby="console-heading">
      <h1 id="console-heading">Console</h1>
      <p className="lead">Send and receive anything, with every frame timed and kept: raw, or as Socket.IO events, STOMP frames and GraphQL operations. Headers, Origin, the auth payload and TLS options come from the Checklist's Advanced drawer.</p>
      <ProfileBar />
      <form
        className="target-bar console-connect"
        onSubmit={(e) => {
          e.preventDefault();
          connect();
        }}
      >
        <div className="target-row">
          <div className="field">
            <label htmlFor="console-url">WebSocket URL</label>
            <input
              id="console-url"
              spellCheck={false}
              value={request.url}
              aria-invalid={error !== null}
              onChange={(e) => {
                setRequest((r) => ({ ...r, url: e.target.value }));
              }}
            />
          </div>
          <div className="field narrow">
            <label htmlFor="console-protocol">Speak</label>
            <select
              id="console-protocol"
              value={request.protocol}
              onChange={(e) => {
                setRequest((r) => ({ ...r, protocol: e.target.value as Protocol }));
              }}
            >
              <option value="auto">Detect from the URL</option>
              <option value="websocket">Raw WebSocket</option>
              <option value="socketio">Socket.IO</option>
              <option value="stomp">STOMP</option>
              <option value="graphql-ws">GraphQL over WebSocket</option>
              <option value="mqtt">MQTT</option>
            </select>
          </div>
          <button id="console-connect" type="submit">
            Connect
          </button>
        </div>
        <details className="drawer">
          <summary>Heartbeat, reconnect and buffer</summary>
          <ConsoleSettingsFields idPrefix="console-" settings={settings} onChange={setSettings} target={request} />
          <div className="grid">
            <div className="field">
              <label htmlFor="buffer-entries">Keep at most (entries)</label>
              <input id="buffer-entries" type="number" value={buffer.entries} onChange={(e) => { setBuffer({ ...buffer, entries: e.target.value }); }} />
            </div>
            <div className="field">
              <label htmlFor="buffer-mb">… or (MB)</label>
              <input id="buffer-mb" type="number" value={buffer.megabytes} onChange={(e) => { setBuffer({ ...buffer, megabytes: e.target.value }); }} />
            </div>
          </div>
          <p className="hint">The newest 10,000 entries are kept in memory and older ones in a file in the app&apos;s cache folder, deleted when the session closes; the oldest are dropped beyond either buffer limit, and the status line says how many.</p>
        </details>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
      {tabs.length > 0 && (
        <div className="tabs" role="tablist" aria-label="Sessions">
          {tabs.map((tab) => (
            <span key={tab.id} className="tab">
              <button type="button" role="tab" aria-selected={tab.id === active} onClick={() => { setActive(tab.id); }}>
                {tab.title}
              </button>
              <button
                type="button"
                className="secondary"
                aria-label={`Close tab ${tab.title}`}
                onClick={() => {
                  void ipc.consoleForget(tab.id);
                  setTabs((list) => list.filter((t) => t.id !== tab.id));
                  if (active === tab.id) setActive(tabs.find((t) => t.id !== tab.id)?.id ?? null);
                }}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      {tabs.map((tab) => (
        <ConsoleSession key={tab.id} id={tab.id} profileId={tab.profileId} subscribe={subscribe(tab.id)} visible={tab.id === active} />
      ))}
    </section>
  );
}
