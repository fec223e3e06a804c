// The state of a checklist run, built from the engine's events as they arrive. Pure functions, so the
// view re-renders from data and the logic is tested without a window.
import type {
  Check,
  CheckEvent,
  CheckStatus,
  Diagnosis,
  PlannedCheck,
  Report,
  Section,
} from "./bindings";

export type ItemState = "pending" | "running" | CheckStatus;

export interface RunItem {
  id: string;
  section: Section;
  title: string;
  state: ItemState;
  check?: Check;
}

export interface RunState {
  items: RunItem[];
  diagnoses: Diagnosis[];
  /** The finished report, once the run is over. */
  report?: Report;
  /** Set when the run failed or was cancelled. */
  error?: string;
  finished: boolean;
  /** A past run reopened from the history: read-only. */
  readOnly: boolean;
}

export function emptyRun(): RunState {
  return { items: [], diagnoses: [], finished: false, readOnly: false };
}

function upsert(items: RunItem[], id: string, update: (item: RunItem | undefined) => RunItem): RunItem[] {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) return [...items, update(undefined)];
  const next = items.slice();
  next[index] = update(items[index]);
  return next;
}

/** Applies a batch of events; within a section rerun, only that section's items are replaced. */
export function applyEvents(state: RunState, events: readonly CheckEvent[]): RunState {
  let { items, diagnoses } = state;
  for (const event of events) {
    switch (event.kind) {
      case "planned": {
        const planned = new Set(event.checks.map((c) => c.id));
        const kept = items.filter((item) => !planned.has(item.id));
        items = [...kept, ...event.checks.map((c: PlannedCheck) => ({ ...c, state: "pending" as const }))];
        break;
      }
      case "running":
        items = upsert(items, event.id, (item) => ({
          id: event.id,
          section: event.section,
          title: event.title,
          state: "running",
          ...(item?.check ? { check: item.check } : {}),
        }));
        break;
      case "finished":
        items = upsert(items, event.check.id, () => ({
          id: event.check.id,
          section: event.check.section,
          title: event.check.title,
          state: event.check.status,
          check: event.check,
        }));
        break;
      case "diagnosed":
        // A cause named again carries more evidence (a later probe amended it): it replaces the first.
        diagnoses = diagnoses.some((d) => d.code === event.diagnosis.code)
          ? diagnoses.map((d) => (d.code === event.diagnosis.code ? event.diagnosis : d))
          : [...diagnoses, event.diagnosis];
        break;
    }
  }
  return { ...state, items, diagnoses };
}

/** The state of a finished report (a completed run, or one reopened from the history). */
export function fromReport(report: Report, readOnly: boolean): RunState {
  return {
    items: report.checks.map((check) => ({ id: check.id, section: check.section, title: check.title, state: check.status, check })),
    diagnoses: report.diagnoses,
    report,
    finished: true,
    readOnly,
  };
}

/** One line for the top of the checklist. */
export function headline(state: RunState): { status: ItemState; text: string } {
  if (state.error) return { status: "fail", text: state.error };
  if (!state.finished) {
    const done = state.items.filter((i) => i.state !== "pending" && i.state !== "running").length;
    return { status: "running", text: `Checking… ${done} of ${state.items.length} done` };
  }
  const first = state.diagnoses[0];
  const verdict = state.report?.verdict ?? "healthy";
  if (verdict === "healthy" || !first) return { status: "pass", text: "Healthy: every automated check passed." };
  return {
    status: verdict === "broken" ? "fail" : "warn",
    text: `${verdict === "broken" ? "Broken" : "Degraded"}: ${first.title} (${first.code})`,
  };
}
