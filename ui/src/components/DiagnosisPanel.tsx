import type { Diagnosis } from "../bindings";
import { CopyButton } from "./CopyButton";

const SEVERITY = { error: { icon: "✖", word: "Error" }, warning: { icon: "▲", word: "Warning" }, info: { icon: "•", word: "Info" } };

/** The named causes, root cause first, each with its fix. */
export function DiagnosisPanel({ diagnoses }: { diagnoses: readonly Diagnosis[] }) {
  if (diagnoses.length === 0) return null;
  return (
    <section className="diagnoses" aria-labelledby="diagnoses-heading" id="diagnoses">
      <h2 id="diagnoses-heading">What is wrong</h2>
      <ol>
        {diagnoses.map((d, index) => (
          // Focusable from code (not in the tab order): a finished run moves keyboard focus to the first cause.
          <li key={d.code} className={`diagnosis diagnosis-${d.severity}`} data-code={d.code} tabIndex={-1} aria-label={`${SEVERITY[d.severity].word}: ${d.title}`}>
            <div className="diagnosis-title">
              <span className={`badge badge-${d.severity === "error" ? "fail" : d.severity === "warning" ? "warn" : "info"}`}>
                <span aria-hidden="true">{SEVERITY[d.severity].icon}</span> {SEVERITY[d.severity].word}
              </span>
              <strong>{d.title}</strong> <code>{d.code}</code>
              {index === 0 && (d.severity === "error" || diagnoses.some((x) => x.explainedBy === d.code)) && (
                <span className="root">root cause</span>
              )}
            </div>
            {d.explainedBy && (
              <p className="consequence">
                A consequence of <code>{d.explainedBy}</code> above: fix that first.
              </p>
            )}
            <p>{d.explanation}</p>
            <p className="fix">
              <strong>Fix:</strong> {d.fix}
            </p>
            {d.snippet && (
              <div className="snippet">
                <pre>{d.snippet}</pre>
                <CopyButton text={d.snippet} label="Copy snippet" />
              </div>
            )}
            {d.evidence.length > 0 && (
              <details>
                <summary>Evidence</summary>
                {d.evidence.map((e, i) => (
                  <div key={i}>
                    <p className="evidence-label">{e.label}</p>
                    <pre>{e.content}</pre>
                  </div>
                ))}
              </details>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
