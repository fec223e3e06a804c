import { useState } from "react";
import type { SecretInput } from "../bindings";
import { errorText, ipc } from "../ipc";
import { useWorkspace } from "../workspace";

/**
 * Above the Checklist's and Console's target: the profile the target came from (with its environment
 * switcher), or "Save as profile" for a target typed by hand.
 */
export function ProfileBar() {
  const { profile, setProfile, request, setRequest } = useWorkspace();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [retry, setRetry] = useState<{ id: string; secrets: SecretInput[] } | null>(null);

  if (profile) {
    return (
      <div className="profile-bar" role="group" aria-label="Profile">
        <span>
          Profile <strong className="profile-name">{profile.name}</strong>
        </span>
        {profile.environments.length > 0 && (
          <label className="inline">
            Environment{" "}
            <select
              className="profile-env"
              value={profile.environment ?? ""}
              onChange={(e) => {
                const environment = e.target.value;
                ipc
                  .profilePreview(profile.id, environment)
                  .then((preview) => {
                    setRequest(() => preview);
                    setProfile({ ...profile, environment });
                  })
                  .catch((err: unknown) => {
                    setMessage(errorText(err));
                  });
              }}
            >
              {profile.environments.map((env) => (
                <option key={env} value={env}>
                  {env}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="hint">Its secrets are filled in from the keyring when it runs.</span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setProfile(null);
          }}
        >
          Detach
        </button>
        {message && <span className="error">{message}</span>}
      </div>
    );
  }

  const save = () => {
    setMessage(null);
    ipc
      .profileFromTarget(name.trim(), request, false)
      .then((view) => {
        setNaming(false);
        setProfile({
          id: view.profile.id,
          name: view.profile.name,
          environment: view.profile.activeEnvironment,
          environments: view.profile.environments.map((e) => e.name),
          console: view.profile.console,
        });
        if (view.warning) {
          setMessage(view.warning);
          const secrets: SecretInput[] = request.headers
            .filter((h) => h.secret && h.value !== "")
            .map((h): SecretInput => ({ slot: { kind: "header", name: h.name.trim() }, value: h.value, sessionOnly: true }));
          if (request.keyPassphrase) secrets.push({ slot: { kind: "keyPassphrase" }, value: request.keyPassphrase, sessionOnly: true });
          setRetry(secrets.length > 0 ? { id: view.profile.id, secrets } : null);
        } else {
          setMessage(`Saved as profile “${view.profile.name}”.`);
        }
      })
      .catch((e: unknown) => {
        setMessage(errorText(e));
      });
  };

  return (
    <div className="profile-bar" role="group" aria-label="Profile">
      {naming ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label htmlFor="save-profile-name">Profile name</label>
          <input id="save-profile-name" value={name} autoFocus onChange={(e) => { setName(e.target.value); }} />
          <button type="submit" id="save-profile-confirm" disabled={name.trim() === ""}>
            Save
          </button>
          <button type="button" className="secondary" onClick={() => { setNaming(false); }}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="secondary save-as-profile"
          onClick={() => {
            setNaming(true);
            setName(request.url.replace(/^wss?:\/\//, "").split(/[/?]/)[0] ?? "");
          }}
        >
          Save as profile
        </button>
      )}
      {message && <span className="note">{message}</span>}
      {retry && (
        <button
          type="button"
          onClick={() => {
            ipc
              .profileGet(retry.id)
              .then((view) => ipc.profileSave(view.profile, retry.secrets))
              .then(() => {
                setRetry(null);
                setMessage("The secrets are kept for this session only; they are gone when the app closes.");
              })
              .catch((e: unknown) => {
                setMessage(errorText(e));
              });
          }}
        >
          Use the secrets for this session only
        </button>
      )}
    </div>
  );
}
