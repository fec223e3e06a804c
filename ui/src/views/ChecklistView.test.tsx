import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CheckEvent, CheckRequest, LabEndpoint, RunResult } from "../bindings";
import { CommandError, ipc } from "../ipc";
import { cleanUpAfterEach, renderInWorkspace } from "../test-support";
import { ChecklistView } from "./ChecklistView";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));

const endpoints: LabEndpoint[] = [
  { id: "echo", url: "ws://127.0.0.1:9/echo", title: "Healthy echo", description: "Echoes.", outcome: "healthy", observeSecs: 0 },
  { id: "http", url: "ws://127.0.0.1:9/http", title: "Plain web page", description: "A page.", outcome: "broken", observeSecs: 0 },
];

beforeEach(() => {
  vi.mocked(ipc.labEndpoints).mockResolvedValue(endpoints);
  vi.mocked(ipc.manualGuide).mockResolvedValue({
    sections: [
      { id: "serverHealth", title: "Server health" },
      { id: "webSocketSetup", title: "WebSocket setup" },
      { id: "frontendConnection", title: "Frontend connection" },
    ],
    items: [
      { id: "devtools_101", section: "webSocketSetup", title: "DevTools shows 101", help: "Open DevTools." },
      { id: "console_clean", section: "frontendConnection", title: "No console error", help: "Open the console." },
    ],
    consoleErrors: [{ text: "net::ERR_CONNECTION_REFUSED", meaning: "Nothing listens.", code: "tcp.refused" }],
  });
  vi.mocked(ipc.historyList).mockResolvedValue([]);
});

cleanUpAfterEach();

function renderView() {
  return renderInWorkspace(<ChecklistView />);
}

describe("ChecklistView", () => {
  it("targets the lab's healthy echo and lists the manual items", async () => {
    renderView();
    await waitFor(() => {
      expect(screen.getByLabelText<HTMLInputElement>("WebSocket URL").value).toBe("ws://127.0.0.1:9/echo");
    });
    expect(await screen.findByText("DevTools shows 101")).toBeTruthy();
    fireEvent.click(screen.getByText("net::ERR_CONNECTION_REFUSED"));
    expect(screen.getByText(/Nothing listens\./)).toBeTruthy();
  });

  it("leaves an emptied URL empty: the lab's echo is only the first target, not a default that returns", async () => {
    renderView();
    const url = screen.getByLabelText<HTMLInputElement>("WebSocket URL");
    await waitFor(() => {
      expect(url.value).toBe("ws://127.0.0.1:9/echo");
    });
    fireEvent.change(url, { target: { value: "" } });
    fireEvent.change(url, { target: { value: "w" } });
    fireEvent.change(url, { target: { value: "" } });
    // Let any IPC answers a keystroke asked for arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(url.value).toBe("");
    expect(ipc.labEndpoints).toHaveBeenCalledTimes(1);
  });

  it("streams a run into sections and names the cause with its fix", async () => {
    let sent: CheckRequest | undefined;
    vi.mocked(ipc.checkRun).mockImplementation((_id, request, _profile, _previous, onEvents) => {
      sent = request;
      const events: CheckEvent[] = [
        { kind: "planned", checks: [{ id: "handshake", section: "webSocketSetup", title: "Upgrade handshake" }] },
        {
          kind: "finished",
          check: { id: "handshake", section: "webSocketSetup", title: "Upgrade handshake", status: "fail", summary: "HTTP 200 OK", evidence: [], durationMs: 2 },
        },
        {
          kind: "diagnosed",
          diagnosis: {
            code: "handshake.not_websocket", section: "webSocketSetup", severity: "error", title: "A web page instead of an upgrade",
            explanation: "The URL points at a page.", fix: "Use the endpoint's path.", snippet: null, snippetLanguage: null, evidence: [],
          },
        },
      ];
      onEvents(events);
      return new Promise<RunResult>(() => undefined); // still running: the streamed state is what shows
    });
    renderView();
    await waitFor(() => {
      expect(screen.getByLabelText<HTMLInputElement>("WebSocket URL").value).not.toBe("");
    });
    fireEvent.change(screen.getByLabelText("Built-in lab"), { target: { value: "ws://127.0.0.1:9/http" } });
    fireEvent.click(screen.getByRole("button", { name: "Run checks" }));
    expect(await screen.findByText("A web page instead of an upgrade")).toBeTruthy();
    expect(screen.getByText("Use the endpoint's path.")).toBeTruthy();
    expect(screen.getByText("HTTP 200 OK")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();
    expect(sent?.url).toBe("ws://127.0.0.1:9/http");
  });

  it("takes several server log files and environment variables, a field each, and removes one", async () => {
    let sent: CheckRequest | undefined;
    vi.mocked(ipc.checkRun).mockImplementation((_id, request) => {
      sent = request;
      return new Promise<RunResult>(() => undefined);
    });
    renderView();
    fireEvent.change(screen.getByLabelText("Log file"), { target: { value: "/var/log/app.log" } });
    fireEvent.change(screen.getByLabelText("Log file 2"), { target: { value: "/var/log/nginx/error.log" } });
    fireEvent.change(screen.getByLabelText("Log file 3"), { target: { value: "/tmp/third.log" } });
    fireEvent.click(screen.getByRole("button", { name: "Remove log file 2" }));
    expect(screen.getByLabelText<HTMLInputElement>("Log file 2").value).toBe("/tmp/third.log");
    expect(screen.getByLabelText<HTMLInputElement>("Log file 3").value).toBe("");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Remove log file 3" }).disabled).toBe(true);
    // The first key turns the adding row into a value row: the same input stays (and keeps the focus).
    const env = screen.getByLabelText("Environment variable");
    fireEvent.change(env, { target: { value: "A" } });
    expect(screen.getByLabelText("Environment variable")).toBe(env);
    // A value may hold commas: an origin allow-list is a typical one to check.
    fireEvent.change(env, { target: { value: "ALLOWED_ORIGINS=https://a.test,https://b.test" } });
    fireEvent.change(screen.getByLabelText("Environment variable 2"), { target: { value: "NODE_ENV=production" } });
    fireEvent.click(screen.getByRole("button", { name: "Run checks" }));
    await waitFor(() => {
      expect(sent?.server.logs).toEqual(["/var/log/app.log", "/tmp/third.log"]);
    });
    expect(sent?.server.env).toEqual(["ALLOWED_ORIGINS=https://a.test,https://b.test", "NODE_ENV=production"]);
  });

  it("sends as Chrome by default, as the client chosen beside the URL, and without compression when asked", async () => {
    let sent: CheckRequest | undefined;
    vi.mocked(ipc.checkRun).mockImplementation((_id, request) => {
      sent = request;
      return new Promise<RunResult>(() => undefined);
    });
    renderView();
    expect(screen.getByLabelText<HTMLSelectElement>("Client").value).toBe("chrome");
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: "node" } });
    fireEvent.click(screen.getByLabelText(/Do not offer compression/));
    fireEvent.change(screen.getByLabelText(/Addresses instead of DNS/), { target: { value: "app.test:443:10.0.0.5,10.0.0.6 app.test:80:10.0.0.5" } });
    fireEvent.click(screen.getByRole("button", { name: "Run checks" }));
    await waitFor(() => {
      expect(sent?.client).toBe("node");
    });
    expect(sent?.noCompression).toBe(true);
    expect(sent?.resolve).toEqual(["app.test:443:10.0.0.5,10.0.0.6", "app.test:80:10.0.0.5"]);
  });

  it("shows a bad URL next to the field", async () => {
    vi.mocked(ipc.checkRun).mockRejectedValue(new CommandError({ kind: "invalid_input", message: "`nope` is not a valid URL", field: "url" }));
    renderView();
    await waitFor(() => {
      expect(screen.getByLabelText<HTMLInputElement>("WebSocket URL").value).not.toBe("");
    });
    fireEvent.change(screen.getByLabelText("WebSocket URL"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Run checks" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("`nope` is not a valid URL");
    expect(alert.id).toBe("target-url-error");
  });

  it("shows an error beside the field the core names, opening its drawer", async () => {
    vi.mocked(ipc.checkRun).mockRejectedValue(
      new CommandError({ kind: "invalid_input", message: "the timeout must be between 0 and 3600 seconds, not -1", field: "timeoutSecs" }),
    );
    renderView();
    await waitFor(() => {
      expect(screen.getByLabelText<HTMLInputElement>("WebSocket URL").value).not.toBe("");
    });
    fireEvent.click(screen.getByRole("button", { name: "Run checks" }));
    const alert = await screen.findByRole("alert");
    expect(alert.id).toBe("timeout-error");
    expect(document.querySelector<HTMLDetailsElement>("#advanced-drawer")?.open).toBe(true);
  });
});
