import type { Profile } from "../bindings";
import { numberOrNull, orNull } from "./fields";

/** A profile's server-side inputs (process, port, environment, logs, proxy config, project), notes and
 * console snippets. */
export function ProfileServerFields({ draft, edit }: { draft: Profile; edit: (patch: Partial<Profile>) => void }) {
  return (
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
  );
}
