import type { ClientProfile } from "../bindings";

/** The clients a check can speak as (the engine holds their headers; this only names them). */
const CLIENTS: readonly { value: ClientProfile; label: string }[] = [
  { value: "chrome", label: "Chrome" },
  { value: "firefox", label: "Firefox" },
  { value: "safari", label: "Safari" },
  { value: "node", label: "Node (ws)" },
  { value: "python", label: "Python (websockets)" },
  { value: "raw", label: "Raw (minimal request)" },
];

/** Whose upgrade request a check sends, header for header. */
export function ClientSelect({ id, value, onChange, className }: { id: string; value: ClientProfile; onChange: (client: ClientProfile) => void; className?: string }) {
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>Client</label>
      <select
        id={id}
        value={value}
        title="Whose upgrade request to send, header for header (User-Agent, extensions, Connection)"
        onChange={(e) => {
          const chosen = CLIENTS.find((c) => c.value === e.target.value);
          if (chosen) onChange(chosen.value);
        }}
      >
        {CLIENTS.map((client) => (
          <option key={client.value} value={client.value}>
            {client.label}
          </option>
        ))}
      </select>
    </div>
  );
}
