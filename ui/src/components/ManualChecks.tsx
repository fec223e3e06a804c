import { useState } from "react";
import type { ConsoleError, ManualCheck, ManualItem, ManualStatus } from "../bindings";

const CHOICES: readonly { value: ManualStatus; label: string }[] = [
  { value: "pass", label: "Pass" },
  { value: "fail", label: "Fail" },
  { value: "notApplicable", label: "N/A" },
];

interface Props {
  items: readonly ManualItem[];
  consoleErrors: readonly ConsoleError[];
  results: readonly ManualCheck[];
  readOnly: boolean;
  onChange: (id: string, patch: Partial<ManualCheck>) => void;
}

function ConsoleErrors({ errors }: { errors: readonly ConsoleError[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <ul className="console-errors" aria-label="Common console errors">
      {errors.map((error) => (
        <li key={error.text}>
          <button
            type="button"
            className="link"
            aria-expanded={open === error.text}
            onClick={() => {
              setOpen(open === error.text ? null : error.text);
            }}
          >
            <code>{error.text}</code>
          </button>
          {open === error.text && (
            <p className="hint">
              {error.meaning} <code>{error.code}</code>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The items only a person can judge: pass, fail or not applicable, with a note, into the report. */
export function ManualChecks({ items, consoleErrors, results, readOnly, onChange }: Props) {
  return (
    <section className="manual" aria-labelledby="manual-heading">
      <h2 id="manual-heading">Checked by hand</h2>
      <ul className="items">
        {items.map((item) => {
          const result = results.find((r) => r.id === item.id);
          return (
            <li key={item.id} className="manual-item" data-manual={item.id}>
              <fieldset disabled={readOnly}>
                <legend>{item.title}</legend>
                <p className="hint">{item.help}</p>
                {item.id === "console_clean" && <ConsoleErrors errors={consoleErrors} />}
                <div className="choices" role="radiogroup" aria-label={item.title}>
                  {CHOICES.map((choice) => (
                    <label key={choice.value} className="inline">
                      <input
                        type="radio"
                        name={`manual-${item.id}`}
                        value={choice.value}
                        checked={result?.status === choice.value}
                        onChange={() => {
                          onChange(item.id, { status: choice.value });
                        }}
                      />{" "}
                      {choice.label}
                    </label>
                  ))}
                </div>
                <label className="note">
                  Note
                  <textarea
                    rows={2}
                    value={result?.note ?? ""}
                    onChange={(e) => {
                      onChange(item.id, { note: e.target.value });
                    }}
                  />
                </label>
              </fieldset>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
