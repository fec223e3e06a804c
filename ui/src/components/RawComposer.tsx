// The console's raw composer: a message as text, JSON, hex or base64, a file, the snippets kept in the
// profile (or in this app), and the sent history recalled with the arrow keys.
import { type Mode, useComposer } from "../hooks/useComposer";
import { useSavedList } from "../hooks/useSavedList";
import { errorText, ipc } from "../ipc";

const SNIPPETS_KEY = "wsdoctor.console.snippets";
const isSnippet = (value: unknown) => typeof value === "string" && value !== "";

interface Props {
  id: string;
  composer: ReturnType<typeof useComposer>;
  /** Whether the connection is open (sending is offered then). */
  open: boolean;
  /** Snippets are saved in this profile when set, else in this app's local storage. */
  profileId: string | null;
  onNotice: (notice: string) => void;
}

export function RawComposer({ id, composer, open, profileId, onNotice }: Props) {
  const { mode, setMode, draft, setDraft, problem, setProblem, jsonError, send } = composer;
  const { items: snippets, save: keep } = useSavedList(profileId, "snippets", SNIPPETS_KEY, isSnippet);
  return (
    <>
      <div className="composer-row">
        <label>
          Send as{" "}
          <select id={`mode-${id}`} value={mode} onChange={(e) => { setMode(e.target.value as Mode); }}>
            <option value="text">Text</option>
            <option value="json">JSON</option>
            <option value="hex">Hex</option>
            <option value="base64">Base64</option>
          </select>
        </label>
        {mode === "json" && (
          <button
            type="button"
            className="secondary"
            disabled={jsonError !== null || draft.trim() === ""}
            onClick={() => { setDraft(JSON.stringify(JSON.parse(draft), null, 2)); }}
          >
            Pretty-print
          </button>
        )}
        <button type="button" className="secondary" disabled={!open} onClick={() => { ipc.consoleSendFile(id).catch((e: unknown) => { setProblem(errorText(e)); }); }}>
          Send a file…
        </button>
        <button
          type="button"
          className="secondary"
          disabled={draft === ""}
          onClick={() => {
            const next = [draft, ...snippets.filter((s) => s !== draft)].slice(0, 50);
            keep(next)
              .then((where) => { onNotice(`Snippet saved ${where}.`); })
              .catch((e: unknown) => { onNotice(errorText(e)); });
          }}
        >
          Save snippet
        </button>
        {snippets.length > 0 && (
          <select aria-label="Saved snippets" value="" onChange={(e) => { if (e.target.value) setDraft(e.target.value); }}>
            <option value="">Snippets…</option>
            {snippets.map((s) => (
              <option key={s} value={s}>
                {s.length > 40 ? `${s.slice(0, 40)}…` : s}
              </option>
            ))}
          </select>
        )}
      </div>
      <textarea
        id={`draft-${id}`}
        aria-label="Message to send"
        rows={3}
        value={draft}
        aria-invalid={jsonError !== null || problem !== null}
        onChange={(e) => { setDraft(e.target.value); }}
        onKeyDown={(e) => {
          const atStart = e.currentTarget.selectionStart === 0 && e.currentTarget.selectionEnd === 0;
          if (e.key === "ArrowUp" && (draft === "" || atStart) && composer.canRecall) {
            e.preventDefault();
            composer.recallOlder();
          } else if (e.key === "ArrowDown" && composer.recalling && atStart) {
            e.preventDefault();
            composer.recallNewer();
          } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            if (open && jsonError === null) send();
          }
        }}
      />
      {(jsonError ?? problem) && (
        <p className="field-error" role="alert" id={`send-error-${id}`}>
          {jsonError ?? problem}
        </p>
      )}
    </>
  );
}
