import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnosis } from "../bindings";
import { DiagnosisPanel } from "./DiagnosisPanel";

afterEach(cleanup);

function diagnosis(code: string, severity: Diagnosis["severity"], explainedBy?: string): Diagnosis {
  return {
    code,
    section: "webSocketSetup",
    severity,
    title: `Title of ${code}`,
    explanation: "Why.",
    fix: "How.",
    snippet: null,
    snippetLanguage: null,
    evidence: [],
    ...(explainedBy ? { explainedBy } : {}),
  };
}

describe("DiagnosisPanel", () => {
  it("marks a symptom as the consequence of the cause ranked before it, which is the root cause", () => {
    // The core ranks a cause that explains a symptom first, even when it is only a warning.
    render(
      <DiagnosisPanel
        diagnoses={[
          diagnosis("socketio.detected", "warning"),
          diagnosis("handshake.no_response", "error", "socketio.detected"),
        ]}
      />,
    );
    const [cause, symptom] = screen.getAllByRole("listitem");
    if (!cause || !symptom) throw new Error("both causes are listed");
    expect(within(cause).getByText("root cause")).toBeTruthy();
    expect(within(cause).queryByText(/A consequence of/)).toBeNull();
    expect(within(symptom).getByText(/A consequence of/).textContent).toContain("socketio.detected");
    expect(within(symptom).queryByText("root cause")).toBeNull();
  });

  it("calls a lone warning no root cause", () => {
    render(<DiagnosisPanel diagnoses={[diagnosis("echo.none", "warning")]} />);
    expect(screen.queryByText("root cause")).toBeNull();
  });
});
