import type { HistoryEntry } from "../bindings";

interface Props {
  entries: readonly HistoryEntry[];
  onOpen: (entry: HistoryEntry) => void;
}

/** The last runs of this target; a past run opens read-only. */
export function HistoryPanel({ entries, onOpen }: Props) {
  if (entries.length === 0) return null;
  return (
    <details className="drawer history" id="history">
      <summary>Run history ({entries.length})</summary>
      <ul>
        {entries.map((entry) => (
          <li key={entry.id}>
            <button
              type="button"
              className="link"
              onClick={() => {
                onOpen(entry);
              }}
            >
              <span className={`verdict verdict-${entry.verdict}`}>{entry.verdict}</span> {new Date(entry.startedAt).toLocaleString()}:{" "}
              {entry.headline}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
