import { useEffect, useState } from "react";
import type { AppInfo } from "../bindings";
import { ipc } from "../ipc";
import { THEME_CHOICES, type ThemeChoice } from "../theme";

const THEME_LABELS: Record<ThemeChoice, string> = { system: "Follow the system", light: "Light", dark: "Dark" };

export function AboutView({ theme, onTheme }: { theme: ThemeChoice; onTheme: (choice: ThemeChoice) => void }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ipc
      .appInfo()
      .then(setInfo)
      .catch((e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
      });
  }, []);

  return (
    <section className="view" aria-labelledby="about-heading">
      <h1 id="about-heading">About WS Doctor</h1>
      <p className="lead">Finds out why a WebSocket connection fails, and says so in words a ticket can carry.</p>
      <fieldset className="theme-choice" id="theme-choice">
        <legend>Appearance</legend>
        {THEME_CHOICES.map((choice) => (
          <label key={choice} className="inline">
            <input
              type="radio"
              name="theme"
              id={`theme-${choice}`}
              value={choice}
              checked={theme === choice}
              onChange={() => {
                onTheme(choice);
              }}
            />
            {THEME_LABELS[choice]}
          </label>
        ))}
      </fieldset>
      {error && <p className="field-error">{error}</p>}
      {info && (
        <dl className="about">
          <dt>Version</dt>
          <dd id="about-version">{info.version}</dd>
          <dt>Built-in lab</dt>
          <dd id="about-lab">
            <code>{info.labAddress}</code> and <code>{info.labTlsAddress}</code>
          </dd>
          <dt>Log files</dt>
          <dd id="about-logs">
            <code>{info.logDir}</code> (one file a day, the last 14 kept)
          </dd>
          <dt>Data</dt>
          <dd>
            <code>{info.dataDir}</code>
          </dd>
          <dt>Command line</dt>
          <dd>
            The same engine without a window: <code>wsdoctor --help</code>
          </dd>
        </dl>
      )}
    </section>
  );
}
