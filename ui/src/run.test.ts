import { describe, expect, it } from "vitest";
import type { Check, CheckEvent, Diagnosis, Report } from "./bindings";
import { applyEvents, emptyRun, fromReport, headline } from "./run";

const check = (id: string, section: Check["section"], status: Check["status"]): Check => ({
  id,
  section,
  title: id,
  status,
  summary: `${id} ${status}`,
  evidence: [],
  durationMs: 1,
});

const diagnosis = (code: string, severity: Diagnosis["severity"]): Diagnosis => ({
  code,
  section: "webSocketSetup",
  severity,
  title: code,
  explanation: "",
  fix: "",
  snippet: null,
  snippetLanguage: null,
  evidence: [],
});

function report(checks: Check[], diagnoses: Diagnosis[]): Report {
  return {
    tool: { name: "wsdoctor", version: "0" },
    target: {
      url: "ws://x/",
      origin: null,
      pageUrl: null,
      headers: [],
      subprotocols: [],
      caFile: null,
      clientCert: null,
      insecure: false,
      client: "Chrome 131 (a browser: its headers, permessage-deflate offered)",
      proxy: null,
      direct: null,
      connectTimeoutMs: 5000,
      handshakeTimeoutMs: 5000,
      replyTimeoutMs: 1000,
      idleSecs: null,
      probeSize: null,
      server: [],
    },
    startedAt: "2026-11-22T00:00:00Z",
    durationMs: 3,
    verdict: diagnoses.some((d) => d.severity === "error") ? "broken" : "healthy",
    checks,
    diagnoses,
    redactions: 0,
    redacted: [],
    manual: [],
    ticket: null,
  };
}

describe("applyEvents", () => {
  it("shows every planned item as pending, then running, then its result", () => {
    let state = applyEvents(emptyRun(), [
      { kind: "planned", checks: [{ id: "dns", section: "serverHealth", title: "DNS" }, { id: "tcp", section: "serverHealth", title: "TCP" }] },
    ]);
    expect(state.items.map((i) => i.state)).toEqual(["pending", "pending"]);
    expect(headline(state).text).toBe("Checking… 0 of 2 done");
    state = applyEvents(state, [
      { kind: "running", id: "dns", section: "serverHealth", title: "DNS" },
      { kind: "finished", check: check("dns", "serverHealth", "pass") },
      { kind: "running", id: "tcp", section: "serverHealth", title: "TCP" },
    ]);
    expect(state.items.map((i) => i.state)).toEqual(["pass", "running"]);
    expect(headline(state).text).toBe("Checking… 1 of 2 done");
  });

  it("adds items that were not planned and names each cause once", () => {
    const events: CheckEvent[] = [
      { kind: "finished", check: check("electron", "desktopApp", "fail") },
      { kind: "diagnosed", diagnosis: diagnosis("electron.sandbox_off", "warning") },
      { kind: "diagnosed", diagnosis: diagnosis("electron.sandbox_off", "warning") },
    ];
    const state = applyEvents(emptyRun(), events);
    expect(state.items).toHaveLength(1);
    expect(state.diagnoses).toHaveLength(1);
  });

  it("keeps a cause's place when a later probe amends its evidence", () => {
    const amended = { ...diagnosis("idle.timeout", "error"), evidence: [{ label: "In front", content: "HAProxy" }] };
    const state = applyEvents(emptyRun(), [
      { kind: "diagnosed", diagnosis: diagnosis("idle.timeout", "error") },
      { kind: "diagnosed", diagnosis: diagnosis("echo.none", "info") },
      { kind: "diagnosed", diagnosis: amended },
    ]);
    expect(state.diagnoses.map((d) => d.code)).toEqual(["idle.timeout", "echo.none"]);
    expect(state.diagnoses[0]?.evidence).toEqual(amended.evidence);
  });
});

describe("a finished run", () => {
  it("headlines the root cause", () => {
    const state = fromReport(report([check("handshake", "webSocketSetup", "fail")], [diagnosis("handshake.redirect", "error")]), false);
    expect(headline(state)).toEqual({ status: "fail", text: "Broken: handshake.redirect (handshake.redirect)" });
  });
});
