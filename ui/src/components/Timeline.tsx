import type { ConnectEvent } from "../bindings";
import { describeEvent } from "../describe";
import { StatusBadge } from "./StatusBadge";

/** Every step of a run as it arrived, with its time since the start. */
export function Timeline({ events }: { events: readonly ConnectEvent[] }) {
  return (
    <ol className="timeline" aria-label="Steps of the run">
      {events.map((event, index) => {
        const line = describeEvent(event);
        return (
          <li key={index} data-kind={event.kind} data-status={line.status}>
            <StatusBadge status={line.status} />
            <span className="step-title">{line.title}</span>
            {line.ms !== undefined && <span className="step-time">{line.ms} ms</span>}
            {line.detail !== undefined && <pre className="step-detail">{line.detail}</pre>}
          </li>
        );
      })}
    </ol>
  );
}
