import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectEvent, LabEndpoint, TryConnectRequest } from "../bindings";
import { CommandError, ipc } from "../ipc";
import { ChecklistView } from "./ChecklistView";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../ipc")>();
  return {
    ...actual,
    ipc: { appInfo: vi.fn(), uiReady: vi.fn(), labEndpoints: vi.fn(), tryConnect: vi.fn() },
  };
});

const endpoints: LabEndpoint[] = [
  {
    id: "echo", url: "ws://127.0.0.1:9/echo", title: "Healthy echo",
    description: "Sends every message back.", outcome: "healthy", observeSecs: 0,
  },
  {
    id: "drop", url: "ws://127.0.0.1:9/drop", title: "Drops the connection",
    description: "Cuts TCP.", outcome: "broken", observeSecs: 3,
  },
];

beforeEach(() => {
  vi.mocked(ipc.labEndpoints).mockResolvedValue(endpoints);
});

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
});

describe("ChecklistView", () => {
  it("offers the lab's endpoints and targets the healthy echo first", async () => {
    render(<ChecklistView />);
    expect(await screen.findByText("Healthy echo")).toBeTruthy();
    expect(screen.getByText("Drops the connection")).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>("Target URL").value).toBe("ws://127.0.0.1:9/echo");
  });

  it("picking an endpoint sets the URL and how long to listen", async () => {
    render(<ChecklistView />);
    fireEvent.click(await screen.findByText("Drops the connection"));
    expect(screen.getByLabelText<HTMLInputElement>("Target URL").value).toBe("ws://127.0.0.1:9/drop");
    expect(screen.getByLabelText<HTMLInputElement>("Listen for (s)").value).toBe("3");
  });

  it("streams the run's events into the timeline and a verdict", async () => {
    let sent: TryConnectRequest | undefined;
    vi.mocked(ipc.tryConnect).mockImplementation((request, onEvents) => {
      sent = request;
      const batch: ConnectEvent[] = [
        { kind: "connecting", url: request.url, host: "127.0.0.1", port: 9 },
        { kind: "opened", status: 101, subprotocol: null, elapsedMs: 2 },
        { kind: "received", text: "echoed words", binary: false, bytes: 12, elapsedMs: 3 },
      ];
      onEvents(batch);
      onEvents([
        {
          kind: "closed", code: 1000, reason: "wsdoctor: done", meaning: "1000: Normal closure",
          initiator: "client", handshakeCompleted: true, elapsedMs: 4,
        },
      ]);
      return Promise.resolve(null);
    });
    render(<ChecklistView />);
    await screen.findByText("Healthy echo");
    fireEvent.change(screen.getByLabelText("Message to send"), { target: { value: "echoed words" } });
    fireEvent.click(screen.getByRole("button", { name: "Connect" }));

    const summary = await screen.findByRole("status");
    await waitFor(() => {
      expect(summary.getAttribute("data-status")).toBe("pass");
    });
    expect(screen.getByText("echoed words")).toBeTruthy();
    expect(sent).toEqual({ url: "ws://127.0.0.1:9/echo", message: "echoed words", holdSecs: 0 });
  });

  it("shows a bad URL next to the field, not as a run", async () => {
    vi.mocked(ipc.tryConnect).mockRejectedValue(
      new CommandError({ kind: "invalid_input", message: "`nope` is not a valid URL" }),
    );
    render(<ChecklistView />);
    await screen.findByText("Healthy echo");
    fireEvent.change(screen.getByLabelText("Target URL"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect((await screen.findByRole("alert")).textContent).toBe("`nope` is not a valid URL");
    expect(screen.getByLabelText("Target URL").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("status")).toBeNull();
  });
});
