import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { ConsoleDefaults, ConsoleSettings } from "../bindings";
import { ipc } from "../ipc";
import { cleanUpAfterEach } from "../test-support";
import { emptyTarget } from "../workspace";
import { ConsoleSettingsFields, NO_SETTINGS } from "./ConsoleSettingsFields";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));

cleanUpAfterEach();


const socketio: ConsoleDefaults = {
  dialect: "socketio",
  namespace: "/admin",
  backoffInitialMs: 1000,
  backoffMaxMs: 5000,
  backoffFactor: 2,
  backoffAttempts: null,
  backoffSpread: 0.5,
  ackTimeoutSecs: 5,
  summary: "reconnects 1 s doubling to 5 s, ±50 %, no limit (socket.io-client's own); an ack or receipt waits 5 s",
};

function Harness({ url, seen }: { url: string; seen: (s: ConsoleSettings) => void }) {
  const [settings, setSettings] = useState(NO_SETTINGS);
  return (
    <ConsoleSettingsFields
      idPrefix="t-"
      settings={settings}
      target={emptyTarget(url)}
      onChange={(next) => {
        setSettings(next);
        seen(next);
      }}
    />
  );
}

describe("ConsoleSettingsFields", () => {
  it("shows the core's defaults for the target as placeholders, and the namespace for Socket.IO only", async () => {
    vi.mocked(ipc.consoleDefaults).mockResolvedValue(socketio);
    const seen = vi.fn();
    render(<Harness url="http://h/admin/socket.io/" seen={seen} />);
    const namespace = await screen.findByLabelText<HTMLInputElement>("Socket.IO namespace");
    expect(namespace.placeholder).toBe("/admin");
    expect(vi.mocked(ipc.consoleDefaults).mock.calls[0]?.[0].url).toBe("http://h/admin/socket.io/");
    fireEvent.click(screen.getByLabelText("Reconnect with backoff"));
    expect(screen.getByLabelText<HTMLInputElement>("Attempts").placeholder).toBe("no limit");
    expect(screen.getByLabelText<HTMLInputElement>("First reconnect delay (ms)").placeholder).toBe("1000");
    expect(screen.getByText(/socket.io-client's own/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Heartbeat ping every (s)"), { target: { value: "7" } });
    expect(seen).toHaveBeenLastCalledWith(expect.objectContaining({ heartbeatSecs: 7, reconnect: true }));
  });

  it("leaves the namespace out of a plain WebSocket session", async () => {
    vi.mocked(ipc.consoleDefaults).mockResolvedValue({ ...socketio, dialect: "websocket", namespace: null, backoffAttempts: 10 });
    render(<Harness url="ws://h/chat" seen={vi.fn()} />);
    await waitFor(() => {
      expect(ipc.consoleDefaults).toHaveBeenCalled();
    });
    fireEvent.click(screen.getByLabelText("Reconnect with backoff"));
    expect((await screen.findByLabelText<HTMLInputElement>("Attempts")).placeholder).toBe("10");
    expect(screen.queryByLabelText("Socket.IO namespace")).toBeNull();
  });
});
