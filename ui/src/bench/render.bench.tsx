// `npm run bench`: how long the checklist takes to render a finished 60-item run (target: <= 100 ms).
import { cleanup, render } from "@testing-library/react";
import { bench, describe } from "vitest";
import type { Check, SectionHeading } from "../bindings";
import { ChecklistSections } from "../components/ChecklistSections";
import { fromReport } from "../run";

// Six headings, as the core's manual guide sends them (titles do not change the cost of a render).
const SECTIONS: SectionHeading[] = (
  ["serverHealth", "webSocketSetup", "framework", "frontendConnection", "proxyAndHttps", "desktopApp", "debuggingDetails"] as const
).map((id) => ({ id, title: id }));

const checks: Check[] = Array.from({ length: 60 }, (_, i) => ({
  id: `check-${i}`,
  section: SECTIONS[i % SECTIONS.length]?.id ?? "serverHealth",
  title: `Check ${i}`,
  status: i % 7 === 0 ? "fail" : "pass",
  summary: `Result of check ${i}, with enough words to wrap once in the layout.`,
  evidence: [{ label: "Response", content: "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n".repeat(4) }],
  durationMs: i,
}));

const state = fromReport(
  {
    tool: { name: "wsdoctor", version: "0" },
    target: {
      url: "ws://x/", origin: null, pageUrl: null, headers: [], subprotocols: [], caFile: null, clientCert: null, insecure: false, client: "", proxy: null,
      direct: null, connectTimeoutMs: 0, handshakeTimeoutMs: 0, replyTimeoutMs: 0, idleSecs: null, probeSize: null, server: [],
    },
    startedAt: "", durationMs: 0, verdict: "broken", checks, diagnoses: [], redactions: 0, redacted: [], manual: [], ticket: null,
  },
  false,
);

describe("checklist rendering", () => {
  bench("render a finished 60-item run", () => {
    render(<ChecklistSections sections={SECTIONS} items={state.items} busy={false} readOnly={false} onRerun={() => undefined} />);
    cleanup();
  });
});
