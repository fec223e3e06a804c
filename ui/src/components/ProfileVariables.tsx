import type { ReactNode } from "react";
import type { Profile, SecretSlot } from "../bindings";

/** A profile's environments (dev, staging, prod…) and its variables, with each one's value in the chosen
 * environment; a secret variable's value is a secret field of the editor's. */
export function ProfileVariables({ draft, environment, setEnvironment, edit, secretField }: {
  draft: Profile;
  environment: string | null;
  setEnvironment: (name: string | null) => void;
  edit: (patch: Partial<Profile>) => void;
  secretField: (slot: SecretSlot, label: string) => ReactNode;
}) {
  const env = draft.environments.find((e) => e.name === environment) ?? null;
  return (
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
  );
}
