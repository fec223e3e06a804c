import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ReportPreview } from "./ReportPreview";

afterEach(cleanup);

const REPORT = `# WS Doctor report

**Broken**: the server refused the origin

## Manual checks

| Section | Item | Result |
|---|---|---|
| WebSocket setup | DevTools shows 101 | fail |

Evidence: <img src=x onerror="alert(1)"><script>alert(2)</script>

[a link](javascript:alert(3))
`;

describe("ReportPreview", () => {
  it("renders the Markdown as a ticket shows it, tables included, and toggles to the Markdown copied", async () => {
    render(<ReportPreview markdown={REPORT} />);
    await screen.findByRole("heading", { name: "WS Doctor report" });
    const rendered = document.getElementById("report-rendered");
    expect(rendered?.querySelector("h1")?.textContent).toBe("WS Doctor report");
    expect(screen.getByRole("columnheader", { name: "Result" })).toBeTruthy();
    expect(screen.getByRole("cell", { name: "fail" })).toBeTruthy();
    expect(document.getElementById("report-preview")).toBeNull();

    fireEvent.click(screen.getByText("Markdown (what is copied)"));
    expect(document.getElementById("report-preview")?.textContent).toBe(REPORT);
    expect(document.getElementById("report-rendered")).toBeNull();
    expect(screen.getByText("Markdown (what is copied)").getAttribute("aria-pressed")).toBe("true");
  });

  it("never turns text into markup: HTML in the report stays text and script links are dropped", async () => {
    render(<ReportPreview markdown={REPORT} />);
    await screen.findByRole("heading", { name: "WS Doctor report" });
    const rendered = document.getElementById("report-rendered");
    expect(rendered?.querySelector("img, script")).toBeNull();
    const link = rendered?.querySelector("a");
    expect(link?.textContent).toBe("a link");
    expect(link?.getAttribute("href") ?? "").not.toMatch(/javascript/i);
  });
});
