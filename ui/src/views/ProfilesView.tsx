import { useState } from "react";
import type { Profile, ProfileView, SecretInput, SecretSlot, SecretView } from "../bindings";
import { ClientSelect } from "../components/ClientSelect";
import { ConsoleSettingsFields } from "../components/ConsoleSettingsFields";
import { ProfileImport } from "../components/ProfileImport";
import { ProfileRows } from "../components/ProfileRows";
import { ProfileServerFields } from "../components/ProfileServerFields";
import { ProfileVariables } from "../components/ProfileVariables";
import { SecretField, slotKey } from "../components/SecretField";
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
    return (
      <SecretField
        slotKey={key}
        label={label}
        state={secrets.find((s) => slotKey(s.slot) === key)?.state ?? "notSet"}
        value={typed[key] ?? ""}
        onType={(value) => { setTyped({ ...typed, [key]: value }); }}
        onClear={draft?.id ? () => {
          ipc.profileSecretClear(draft.id, slot).then((view) => { setSecrets(view.secrets); }).catch((e: unknown) => { setMessage(errorText(e)); });
        } : null}
      />
    );
  };

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
          <ProfileImport listed={shown.map((p) => p.id)} show={show} reload={reload} setMessage={setMessage} />
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

            <ProfileVariables draft={draft} environment={environment} setEnvironment={setEnvironment} edit={edit} secretField={secretField} />

            <ProfileServerFields draft={draft} edit={edit} />
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
