// The typed IPC client: the only module that talks to Rust. Every command the capability file grants has
// exactly one function here, with the request and response types generated from Rust (bindings.ts).
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AppInfo,
  ConnectEvent,
  IpcError,
  LabEndpoint,
  TryConnectRequest,
} from "./bindings";

/** A command that failed, with the core's stable error kind. */
export class CommandError extends Error {
  readonly kind: string;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "CommandError";
    this.kind = error.kind;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).kind === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw: unknown) {
    if (isIpcError(raw)) throw new CommandError(raw);
    throw new CommandError({ kind: "internal", message: String(raw) });
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  uiReady: () => call<null>("ui_ready"),
  labEndpoints: () => call<LabEndpoint[]>("lab_endpoints"),
  /** Runs a round trip; `onEvents` receives the steps in batches as they happen. */
  tryConnect: (request: TryConnectRequest, onEvents: (events: ConnectEvent[]) => void) => {
    const channel = new Channel<ConnectEvent[]>();
    channel.onmessage = onEvents;
    return call<null>("try_connect", { request, onEvent: channel });
  },
};

export type Ipc = typeof ipc;
