import type { SecretSlot, SecretView } from "../bindings";

/** Where a secret slot is kept, as a stable key (the secrets Rust reports are matched by it). */
export function slotKey(slot: SecretSlot): string {
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

/** A secret's field: typing sets or replaces it (its value is never shown back), beside whether it is set
 * and where; Clear forgets it. */
export function SecretField({ slotKey: key, label, state, value, onType, onClear }: {
  slotKey: string;
  label: string;
  state: SecretView["state"];
  value: string;
  onType: (value: string) => void;
  /** Null for a profile not saved yet. */
  onClear: (() => void) | null;
}) {
  return (
    <span className="secret-field">
      <input
        type="password"
        aria-label={`${label} (secret)`}
        data-secret={key}
        placeholder={state === "notSet" ? "not set: type to set" : "set: type to replace"}
        value={value}
        autoComplete="off"
        onChange={(e) => { onType(e.target.value); }}
      />
      <span className={`secret-state state-${state}`} data-secret-state={key}>{stateWord[state]}</span>
      {(state === "saved" || state === "session") && onClear && (
        <button type="button" className="secondary" onClick={onClear}>Clear</button>
      )}
    </span>
  );
}
