import { useState } from "react";
import { errorText, ipc } from "../ipc";

/** Copies text through the app (the webview has no clipboard permission of its own). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  // "" before any copy, "Copied." after one, else what went wrong.
  const [state, setState] = useState("");
  return (
    <span className="copy">
      <button
        type="button"
        className="secondary"
        onClick={() => {
          ipc
            .clipboardWrite(text)
            .then(() => {
              setState("Copied.");
            })
            .catch((e: unknown) => {
              setState(errorText(e));
            });
        }}
      >
        {label}
      </button>
      <span role="status" className="hint">
        {state}
      </span>
    </span>
  );
}
