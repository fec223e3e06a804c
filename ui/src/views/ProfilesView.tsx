import { useState } from "react";
import type { Profile, ProfileView, SecretInput, SecretSlot, SecretView } from "../bindings";
import { ClientSelect } from "../components/ClientSelect";
import { ConsoleSettingsFields } from "../components/ConsoleSettingsFields";
import { ProfileRows } from "../components/ProfileRows";
import { numberOrNull, orNull } from "../components/fields";
import { TargetFields } from "../components/TargetFields";
import { useProfilesList } from "../hooks/useProfilesList";
import { errorText, ipc } from "../ipc";
import { emptyServer, emptyTarget, useWorkspace } from "../workspace";

type OpenIn = "checklist" | "console";

/** A new, empty profile (the editor's "New"). */
export function blankProfile(): Profile {
  return {
    schema: 2,
    id: "",
    name: "",
    notes: "",
    tags: [],
    target: { ...emptyTarget(), hasKeyPassphrase: false, hasAuth: false, proxyCredentials: false },
    console: { heartbeatSecs: null, reconnect: false, backoffInitialMs: null, backoffMaxMs: null, backoffFactor: null, backoffAttempts: null, namespace: null, ackTimeoutSecs: null },
    server: emptyServer(),
    snippets: [],
    savedActions: [],
    variables: [],
    environments: [],
    activeEnvironment: null,
    lastRuns: [],
    updatedMs: 0,
  };
}

function slotKey(slot: SecretSlot): string {
  switch (slot.kind) {
    case "header":
      return `header/${slot.name.toLowerCase()}`;
    case "variable":
      return `env/${slot.environment}/${slot.name}`;
    case "proxyCredentials":
      return "proxy";
    case "keyPassphrase":
      return "key-passphrase";
    case "auth":
      return "auth";
  }
}

const stateWord: Record<SecretView["state"], string> = {
  saved: "set (keyring)",
  session: "set for this session",
  notSet: "not set",
  unknown: "unknown: no keyring",
};


/** Saved profiles: find, edit, share, and open them in the Checklist or the Console. */
export function ProfilesView({ visible, onOpen }: { visible: boolean; onOpen: (view: OpenIn) => void }) {
  const { setRequest, setProfile } = useWorkspace();
  const [message, setMessage] = useState<string | null>(null);
  const { profiles, problems, keyringProblem, reload, search, setSearch, tag, setTag, tags, shown } = useProfilesList(visible, setMessage);
  const [draft, setDraft] = useState<Profile | null>(null);
  const [secrets, setSecrets] = useState<SecretView[]>([]);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [sessionOnly, setSessionOnly] = useState(false);
  const [environment, setEnvironment] = useState<string | null>(null);
  const [undo, setUndo] = useState<Profile | null>(null);
  const [pasted, setPasted] = useState("");

  const show = (view: ProfileView) => {
    setDraft(view.profile);
    setSecrets(view.secrets);
    setTyped({});
    setEnvironment(view.profile.activeEnvironment ?? view.profile.environments[0]?.name ?? null);
    setMessage(view.warning ?? (view.notes.length > 0 ? `Imported. ${view.notes.join("; ")}.` : null));
  };

  const select = (id: string) => {
    ipc.profileGet(id).then(show).catch((e: unknown) => { setMessage(errorText(e)); });
  };

  const edit = (patch: Partial<Profile>) => { setDraft((d) => (d ? { ...d, ...patch } : d)); };
  const editTarget = (patch: Partial<Profile["target"]>) => { setDraft((d) => (d ? { ...d, target: { ...d.target, ...patch } } : d)); };

  const save = () => {
    if (!draft) return;
    const inputs: SecretInput[] = [];
    const slots: SecretSlot[] = [
      ...draft.target.headers.filter((h) => h.secret).map((h): SecretSlot => ({ kind: "header", name: h.name })),
      ...draft.variables.filter((v) => v.secret).flatMap((v) => draft.environments.map((e): SecretSlot => ({ kind: "variable", environment: e.name, name: v.name }))),
      ...(draft.target.proxyCredentials ? [{ kind: "proxyCredentials" } as SecretSlot] : []),
      ...(draft.target.hasKeyPassphrase ? [{ kind: "keyPassphrase" } as SecretSlot] : []),
      ...(draft.target.hasAuth ? [{ kind: "auth" } as SecretSlot] : []),
    ];
    for (const slot of slots) {
      const value = typed[slotKey(slot)];
      if (value) inputs.push({ slot, value, sessionOnly });
    }
    ipc
      .profileSave({ ...draft, activeEnvironment: environment }, inputs)
      .then((view) => {
        show(view);
        setMessage(view.warning ?? "Saved.");
        reload();
      })
      .catch((e: unknown) => { setMessage(errorText(e)); });
  };

  const open = (where: OpenIn) => {
    if (!draft?.id) return;
    ipc
      .profilePreview(draft.id, environment)
      .then((preview) => {
        setRequest(() => preview);
        setProfile({ id: draft.id, name: draft.name, environment, environments: draft.environments.map((e) => e.name), console: draft.console });
        onOpen(where);
      })
      .catch((e: unknown) => { setMessage(errorText(e)); });
  };

  const remove = () => {
    if (!draft?.id) return;
    ipc
      .profileDelete(draft.id)
      .then(({ profile: deleted, undoMs }) => {
        setDraft(null);
        setUndo(deleted);
        reload();
        // Rust forgets the secrets when the window ends (or the app quits); an undo inside it keeps them.
        window.setTimeout(() => {
          setUndo((current) => (current?.id === deleted.id ? null : current));
        }, undoMs);
      })
      .catch((e: unknown) => { setMessage(errorText(e)); });
  };

  const secretField = (slot: SecretSlot, label: string) => {
    const key = slotKey(slot);
    const state = secrets.find((s) => slotKey(s.slot) === key)?.state ?? "notSet";
    return (
      <span className="secret-field">
        <input
          type="password"
          aria-label={`${label} (secret)`}
          data-secret={key}
          placeholder={state === "notSet" ? "not set: type to set" : "set: type to replace"}
          value={typed[key] ?? ""}
          autoComplete="off"
          onChange={(e) => { setTyped({ ...typed, [key]: e.target.value }); }}
        />
        <span className={`secret-state state-${state}`} data-secret-state={key}>{stateWord[state]}</span>
        {(state === "saved" || state === "session") && draft?.id && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              ipc.profileSecretClear(draft.id, slot).then((view) => { setSecrets(view.secrets); }).catch((e: unknown) => { setMessage(errorText(e)); });
            }}
          >
            Clear
          </button>
        )}
      </span>
    );
  };

  const env = draft?.environments.find((e) => e.name === environment) ?? null;

  return (
    <section className="view profiles-view" aria-labelledby="profiles-heading">
      <h1 id="profiles-heading">Profiles</h1>
      <p className="lead">Saved targets for the environments you check again and again. Secrets live in the operating system’s keyring, never in a file, a log or a report.</p>
      {keyringProblem && <p className="warning" role="alert">{keyringProblem}</p>}
      {problems.map((p) => <p className="warning" key={p}>{p}</p>)}
      {undo && (
        <p className="note" role="status">
          Deleted “{undo.name}”.{" "}
          <button type="button" id="profile-undo" onClick={() => {
            ipc.profileSave(undo, []).then((view) => { setUndo(null); show(view); reload(); }).catch((e: unknown) => { setMessage(errorText(e)); });
          }}>Undo</button>
        </p>
      )}
      <div className="profiles-layout">
        <div className="profiles-list">
          <div className="toolbar">
            <input id="profile-search" type="search" placeholder="Search name, URL, tag" value={search} onChange={(e) => { setSearch(e.target.value); }} />
            <button type="button" id="profile-new" onClick={() => { show({ profile: blankProfile(), secrets: [], warning: null, notes: [] }); }}>New</button>
          </div>
          {tags.length > 0 && (
            <div className="tags">
              {tags.map((t) => (
                <button type="button" key={t} className={tag === t ? "tag active" : "tag"} aria-pressed={tag === t} onClick={() => { setTag(tag === t ? null : t); }}>#{t}</button>
              ))}
            </div>
          )}
          <ProfileRows profiles={shown} selected={draft?.id ?? null} onSelect={select} />
          <p className="hint">{shown.length} of {profiles.length} profiles</p>
          <details className="drawer">
            <summary>Import</summary>
            <label htmlFor="profile-paste">A curl, wscat or websocat command line from a ticket</label>
            <textarea id="profile-paste" rows={3} value={pasted} onChange={(e) => { setPasted(e.target.value); }} />
            <button type="button" id="profile-import-command" disabled={pasted.trim() === ""} onClick={() => {
              ipc.profileImportCommand(pasted, "").then((view) => { setPasted(""); show(view); reload(); }).catch((e: unknown) => { setMessage(errorText(e)); });
            }}>Import command</button>
            <button type="button" className="secondary" onClick={() => {
              ipc.profileImportFile().then((views) => { const first = views[0]; if (first) show(first); if (views.length > 1) setMessage(`Imported ${String(views.length)} profiles.`); reload(); }).catch((e: unknown) => { setMessage(errorText(e)); });
            }}>Import a profiles or HAR file…</button>
            <button type="button" className="secondary" disabled={shown.length === 0} onClick={() => {
              ipc.profileExport(shown.map((p) => p.id)).then((path) => { if (path) setMessage(`Exported ${String(shown.length)} profiles (without secrets) to ${path}`); }).catch((e: unknown) => { setMessage(errorText(e)); });
            }}>Export the listed profiles…</button>
          </details>
        </div>

        {draft ? (
          <form className="profile-editor" onSubmit={(e) => { e.preventDefault(); save(); }}>
            <div className="actions">
              <button type="submit" id="profile-save" disabled={draft.name.trim() === ""}>Save</button>
              <button type="button" id="profile-open-checklist" disabled={!draft.id} onClick={() => { open("checklist"); }}>Open in Checklist</button>
              <button type="button" disabled={!draft.id} onClick={() => { open("console"); }}>Open in Console</button>
              <button type="button" className="secondary" disabled={!draft.id} onClick={() => {
                ipc.profileDuplicate(draft.id).then((view) => { show(view); reload(); }).catch((e: unknown) => { setMessage(errorText(e)); });
              }}>Duplicate</button>
              <button type="button" className="secondary" id="profile-export" disabled={!draft.id} onClick={() => {
                ipc.profileExport([draft.id]).then((path) => { if (path) setMessage(`Exported without secrets to ${path}`); }).catch((e: unknown) => { setMessage(errorText(e)); });
              }}>Export…</button>
              <button type="button" className="danger" id="profile-delete" disabled={!draft.id} onClick={remove}>Delete</button>
            </div>
            {message && <p className="note" id="profile-message" role="status">{message}</p>}
            <div className="grid">
              <div className="field"><label htmlFor="profile-name">Name</label><input id="profile-name" value={draft.name} onChange={(e) => { edit({ name: e.target.value }); }} /></div>
              <div className="field"><label htmlFor="profile-tags">Tags (comma-separated)</label><input id="profile-tags" value={draft.tags.join(", ")} onChange={(e) => { edit({ tags: e.target.value.split(",").map((t) => t.trim()) }); }} /></div>
              <div className="field wide"><label htmlFor="profile-url">WebSocket URL ({"{{variables}}"} allowed)</label><input id="profile-url" spellCheck={false} value={draft.target.url} onChange={(e) => { editTarget({ url: e.target.value }); }} /></div>
              <ClientSelect id="profile-client" className="narrow" value={draft.target.client} onChange={(client) => { editTarget({ client }); }} />
            </div>
            <h3>Console</h3>
            <ConsoleSettingsFields idPrefix="profile-" settings={draft.console} onChange={(console) => { edit({ console }); }} target={draft.target} />

            <TargetFields
              idPrefix="profile-"
              target={draft.target}
              errors={{}}
              onChange={editTarget}
              keyPassphrase={
                <div className="field">
                  <label className="inline"><input type="checkbox" checked={draft.target.hasKeyPassphrase} onChange={(e) => { editTarget({ hasKeyPassphrase: e.target.checked }); }} /> The key is encrypted</label>
                  {draft.target.hasKeyPassphrase && <>Key passphrase {secretField({ kind: "keyPassphrase" }, "Key passphrase")}</>}
                </div>
              }
              afterProxy={
                <div className="field">
                  <label className="inline"><input type="checkbox" checked={draft.target.proxyCredentials} onChange={(e) => { editTarget({ proxyCredentials: e.target.checked }); }} /> Proxy needs credentials (not in its URL)</label>
                  {draft.target.proxyCredentials && <>Proxy user:password {secretField({ kind: "proxyCredentials" }, "Proxy credentials")}</>}
                </div>
              }
              auth={
                <div className="field">
                  <label className="inline"><input type="checkbox" checked={draft.target.hasAuth} onChange={(e) => { editTarget({ hasAuth: e.target.checked }); }} /> An auth payload (Socket.IO `auth`)</label>
                  {draft.target.hasAuth && <>Auth payload (JSON) {secretField({ kind: "auth" }, "Auth payload")}</>}
                </div>
              }
              secretHeaderValue={(header) => secretField({ kind: "header", name: header.name }, `Header ${header.name}`)}
            />

            <fieldset>
              <legend>Environments and variables</legend>
              <div className="toolbar">
                <label className="inline">Environment{" "}
                  <select id="profile-env" value={environment ?? ""} onChange={(e) => { setEnvironment(e.target.value || null); }}>
                    {draft.environments.length === 0 && <option value="">none</option>}
                    {draft.environments.map((e) => <option key={e.name} value={e.name}>{e.name}</option>)}
                  </select>
                </label>
                <button type="button" className="secondary" onClick={() => {
                  const name = window.prompt("Environment name (dev, staging, prod…)")?.trim();
                  if (name && !draft.environments.some((e) => e.name === name)) {
                    edit({ environments: [...draft.environments, { name, values: env ? { ...env.values } : {} }] });
                    setEnvironment(name);
                  }
                }}>Add environment</button>
                <button type="button" className="secondary" onClick={() => { edit({ variables: [...draft.variables, { name: `var${String(draft.variables.length + 1)}`, secret: false }] }); }}>Add variable</button>
              </div>
              {draft.variables.map((v, i) => (
                <div className="header-row" key={i}>
                  <input aria-label="Variable name" value={v.name} onChange={(e) => { edit({ variables: draft.variables.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) }); }} />
                  {env && (v.secret ? secretField({ kind: "variable", environment: env.name, name: v.name }, `{{${v.name}}}`) : (
                    <input aria-label={`Value of ${v.name} in ${env.name}`} value={env.values[v.name] ?? ""} onChange={(e) => {
                      edit({ environments: draft.environments.map((x) => (x.name === env.name ? { ...x, values: { ...x.values, [v.name]: e.target.value } } : x)) });
                    }} />
                  ))}
                  <label className="inline"><input type="checkbox" checked={v.secret} onChange={(e) => { edit({ variables: draft.variables.map((x, j) => (j === i ? { ...x, secret: e.target.checked } : x)) }); }} /> secret</label>
                </div>
              ))}
              {draft.variables.length > 0 && draft.environments.length === 0 && <p className="hint">Add an environment to give the variables values.</p>}
            </fieldset>

            <fieldset>
              <legend>Server side, notes and snippets</legend>
              <div className="grid">
                <div className="field"><label htmlFor="profile-process">Process</label><input id="profile-process" value={draft.server.process ?? ""} onChange={(e) => { edit({ server: { ...draft.server, process: orNull(e.target.value.trim()) } }); }} /></div>
                <div className="field narrow"><label htmlFor="profile-port">Port</label><input id="profile-port" type="number" value={draft.server.port ?? ""} onChange={(e) => { edit({ server: { ...draft.server, port: numberOrNull(e.target.value) } }); }} /></div>
                <div className="field"><label htmlFor="profile-server-env">Server environment variables (NAME or NAME=EXPECTED, comma-separated)</label><input id="profile-server-env" value={draft.server.env.join(", ")} onChange={(e) => { edit({ server: { ...draft.server, env: e.target.value.split(",").map((v) => v.trim()) } }); }} /></div>
                <div className="field"><label htmlFor="profile-logs">Log files (one per line)</label><textarea id="profile-logs" rows={2} value={draft.server.logs.join("\n")} onChange={(e) => { edit({ server: { ...draft.server, logs: e.target.value.split("\n") } }); }} /></div>
                <div className="field"><label htmlFor="profile-proxy-config">Proxy config (nginx, HAProxy, Apache, Caddy)</label><input id="profile-proxy-config" value={draft.server.proxyConfig ?? ""} onChange={(e) => { edit({ server: { ...draft.server, proxyConfig: orNull(e.target.value.trim()) } }); }} /></div>
                <div className="field"><label htmlFor="profile-project">Project folder</label><input id="profile-project" value={draft.server.project ?? ""} onChange={(e) => { edit({ server: { ...draft.server, project: orNull(e.target.value.trim()) } }); }} /></div>
                <div className="field wide"><label htmlFor="profile-notes">Notes</label><textarea id="profile-notes" rows={2} value={draft.notes} onChange={(e) => { edit({ notes: e.target.value }); }} /></div>
                <div className="field wide"><label htmlFor="profile-snippets">Console snippets (one per line)</label><textarea id="profile-snippets" rows={3} value={draft.snippets.join("\n")} onChange={(e) => { edit({ snippets: e.target.value.split("\n") }); }} /></div>
              </div>
            </fieldset>
            <label className="inline"><input type="checkbox" checked={sessionOnly} onChange={(e) => { setSessionOnly(e.target.checked); }} /> Keep new secrets for this session only (not in the keyring)</label>
            {draft.lastRuns.length > 0 && (
              <ul className="runs">{draft.lastRuns.map((r) => <li key={r.atMs}><span className={`verdict verdict-${r.verdict}`}>{r.verdict}</span> {r.summary} {r.environment ? `(${r.environment})` : ""}</li>)}</ul>
            )}
          </form>
        ) : (
          <div className="profile-editor empty">
            {message && <p className="note" role="status">{message}</p>}
            <p>Pick a profile, make a new one, import a command line from a ticket, or use “Save as profile” in the Checklist or the Console.</p>
          </div>
        )}
      </div>
    </section>
  );
}
