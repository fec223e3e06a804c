import type { Section, SectionHeading } from "../bindings";
import type { RunItem } from "../run";
import { StatusBadge } from "./StatusBadge";

/** The timing of the layers, as bars proportional to their duration. */
function Waterfall({ items }: { items: readonly RunItem[] }) {
  const layers = ["dns", "tcp", "proxy", "tls", "handshake", "message"];
  const rows = layers
    .map((id) => items.find((i) => i.id === id))
    .filter((i): i is RunItem => i?.check !== undefined && i.state !== "skip");
  if (rows.length === 0) return null;
  const total = Math.max(1, rows.reduce((sum, r) => sum + (r.check?.durationMs ?? 0), 0));
  let offset = 0;
  return (
    <figure className="waterfall" aria-label="Timing waterfall">
      <figcaption>Timing</figcaption>
      {rows.map((row) => {
        const ms = row.check?.durationMs ?? 0;
        const left = (offset / total) * 100;
        offset += ms;
        return (
          <div className="waterfall-row" key={row.id}>
            <span className="waterfall-label">{row.title}</span>
            <span className="waterfall-track">
              <span
                className="waterfall-bar"
                ref={(el) => {
                  // Set through the CSSOM: the strict CSP allows no inline style attributes.
                  if (el) {
                    el.style.marginLeft = `${left}%`;
                    el.style.width = `${Math.max(0.5, (ms / total) * 100)}%`;
                  }
                }}
              />
            </span>
            <span className="waterfall-ms">{ms} ms</span>
          </div>
        );
      })}
    </figure>
  );
}

interface Props {
  /** The checklist's sections in order, as the core names them. */
  sections: readonly SectionHeading[];
  items: readonly RunItem[];
  busy: boolean;
  readOnly: boolean;
  onRerun: (section: Section) => void;
}

/** The checklist, section by section, each item with its live status and its evidence. */
export function ChecklistSections({ sections, items, busy, readOnly, onRerun }: Props) {
  return (
    <div className="sections">
      {sections.map((section) => {
        const inSection = items.filter((i) => i.section === section.id);
        if (inSection.length === 0) return null;
        return (
          <section key={section.id} className="checklist-section" aria-labelledby={`section-${section.id}`} data-section={section.id}>
            <header>
              <h2 id={`section-${section.id}`}>{section.title}</h2>
              {!readOnly && (
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() => {
                    onRerun(section.id);
                  }}
                >
                  Re-run section
                </button>
              )}
            </header>
            <ul className="items">
              {inSection.map((item) => (
                <li key={item.id} className="item" data-check={item.id} data-state={item.state}>
                  <details>
                    <summary>
                      <StatusBadge status={item.state} />
                      <span className="item-title">{item.title}</span>
                      <span className="item-summary">{item.check?.summary ?? (item.state === "running" ? "Checking…" : "")}</span>
                      {item.check && <span className="item-time">{item.check.durationMs} ms</span>}
                    </summary>
                    {item.check?.evidence.map((e, i) => (
                      <div key={i} className="evidence">
                        <p className="evidence-label">{e.label}</p>
                        <pre>{e.content}</pre>
                      </div>
                    ))}
                    {item.check && item.check.evidence.length === 0 && <p className="hint">No further evidence.</p>}
                  </details>
                </li>
              ))}
            </ul>
            {section.id === "debuggingDetails" && <Waterfall items={items} />}
          </section>
        );
      })}
    </div>
  );
}
