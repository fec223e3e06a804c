import type { LabEndpoint, Outcome } from "../bindings";

const OUTCOME_WORD: Record<Outcome, string> = {
  healthy: "healthy",
  conditional: "needs input",
  broken: "broken",
};

interface Props {
  endpoints: readonly LabEndpoint[];
  selectedUrl: string;
  onPick: (endpoint: LabEndpoint) => void;
}

/** The built-in lab's endpoints, each with what it demonstrates; picking one makes it the target. */
export function LabPicker({ endpoints, selectedUrl, onPick }: Props) {
  return (
    <fieldset className="lab-picker">
      <legend>Built-in lab</legend>
      <p className="hint">
        A local server with one healthy endpoint and known failures. Pick one to see what each problem looks
        like.
      </p>
      <ul>
        {endpoints.map((endpoint) => (
          <li key={endpoint.id}>
            <label className={endpoint.url === selectedUrl ? "picked" : undefined}>
              <input
                type="radio"
                name="lab-endpoint"
                value={endpoint.url}
                data-endpoint-id={endpoint.id}
                checked={endpoint.url === selectedUrl}
                onChange={() => {
                  onPick(endpoint);
                }}
              />
              <span className="endpoint-title">{endpoint.title}</span>
              <span className={`outcome outcome-${endpoint.outcome}`}>{OUTCOME_WORD[endpoint.outcome]}</span>
              <span className="endpoint-description">{endpoint.description}</span>
              <code className="endpoint-url">{endpoint.url}</code>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
