import { useState } from "react";
import type { CheckRequest, Reproduction } from "../bindings";
import { errorText, ipc } from "../ipc";
import { CopyButton } from "./CopyButton";

const FORMS: readonly { key: keyof Reproduction; label: string }[] = [
  { key: "curl", label: "curl" },
  { key: "websocat", label: "websocat" },
  { key: "wscat", label: "wscat" },
  { key: "javascript", label: "Browser console" },
];

/** "Copy as": the current target as a command or snippet; secrets become placeholders. */
export function ReproducePanel({ request }: { request: CheckRequest }) {
  const [shown, setShown] = useState<{ label: string; text: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <details className="drawer reproduce">
      <summary>Reproduce (copy as a command)</summary>
      <div className="buttons">
        {FORMS.map((form) => (
          <button
            key={form.key}
            type="button"
            className="secondary"
            disabled={request.url.trim() === ""}
            onClick={() => {
              setProblem(null);
              ipc
                .reproduce(request)
                .then((r) => {
                  setShown({ label: form.label, text: r[form.key] });
                })
                .catch((e: unknown) => {
                  setProblem(errorText(e));
                });
            }}
          >
            {form.label}
          </button>
        ))}
      </div>
      {problem && <p className="field-error">{problem}</p>}
      {shown && (
        <div className="snippet" aria-label={`${shown.label} command`}>
          <pre id="reproduction">{shown.text}</pre>
          <CopyButton text={shown.text} />
        </div>
      )}
    </details>
  );
}
