// The console's composer: the message being written in one of four modes, the history of what was sent
// (recalled with the arrow keys), and why the last send failed.
import { useState } from "react";
import type { Outgoing } from "../bindings";
import { errorText, ipc } from "../ipc";

export type Mode = "text" | "json" | "hex" | "base64";

function outgoing(mode: Mode, text: string): Outgoing {
  switch (mode) {
    case "text":
      return { mode: "text", payload: text };
    case "json":
      return { mode: "json", payload: { text, compact: true } };
    case "hex":
      return { mode: "hex", payload: text };
    case "base64":
      return { mode: "base64", payload: text };
  }
}

export function useComposer(id: string) {
  const [mode, setModeState] = useState<Mode>("text");
  const [draft, setDraftState] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string[]>([]);
  const [recall, setRecall] = useState(-1);

  let jsonError: string | null = null;
  if (mode === "json" && draft.trim() !== "") {
    try {
      JSON.parse(draft);
    } catch (e) {
      jsonError = e instanceof Error ? e.message : String(e);
    }
  }

  return {
    mode,
    setMode: (next: Mode) => {
      setModeState(next);
      setProblem(null);
    },
    draft,
    setDraft: (text: string) => {
      setDraftState(text);
      setProblem(null);
    },
    problem,
    setProblem,
    jsonError,
    /** Whether there is anything to recall with the arrow keys. */
    canRecall: sent.length > 0,
    recalling: recall >= 0,
    /** One step back through what was sent (ArrowUp). */
    recallOlder: () => {
      const next = Math.min(recall + 1, sent.length - 1);
      setRecall(next);
      setDraftState(sent[next] ?? "");
    },
    /** One step forward again (ArrowDown); past the newest, an empty draft. */
    recallNewer: () => {
      const next = recall - 1;
      setRecall(next);
      setDraftState(next >= 0 ? (sent[next] ?? "") : "");
    },
    send: () => {
      setProblem(null);
      ipc
        .consoleSend(id, outgoing(mode, draft))
        .then(() => {
          setSent((list) => [draft, ...list.filter((d) => d !== draft)].slice(0, 100));
          setRecall(-1);
          setDraftState("");
        })
        .catch((e: unknown) => {
          setProblem(errorText(e));
        });
    },
  };
}
