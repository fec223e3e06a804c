import { useState } from "react";
import type { ProfileView } from "../bindings";
import { errorText, ipc } from "../ipc";

/** Profiles in and out: a command line pasted from a ticket, a profiles or HAR file, and the listed
 * profiles exported without their secrets. */
export function ProfileImport({ listed, show, reload, setMessage }: {
  listed: string[];
  show: (view: ProfileView) => void;
  reload: () => void;
  setMessage: (message: string) => void;
}) {
  const [pasted, setPasted] = useState("");
  return (
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
      <button type="button" className="secondary" disabled={listed.length === 0} onClick={() => {
        ipc.profileExport(listed).then((path) => { if (path) setMessage(`Exported ${String(listed.length)} profiles (without secrets) to ${path}`); }).catch((e: unknown) => { setMessage(errorText(e)); });
      }}>Export the listed profiles…</button>
    </details>
  );
}
