// The typed IPC client: the only module that talks to Rust. Every command the capability file grants has
// exactly one function here, with the request and response types generated from Rust (bindings.ts).
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  Action,
  AppInfo,
  ConsoleBatch,
  ConsoleDefaults,
  ConsoleRequest,
  Entry,
  Outgoing,
  SessionExport,
  CheckEvent,
  CheckRequest,
  HistoryEntry,
  IpcError,
  LabEndpoint,
  ManualGuide,
  PickKind,
  Report,
  ReportFormat,
  Reproduction,
  RunResult,
  Profile,
  ProfileDeleted,
  ProfileList,
  ProfileRef,
  ProfileView,
  SecretInput,
  SecretSlot,
  TargetRequest,
} from "./bindings";

/** A command that failed, with the core's stable error kind. */
export class CommandError extends Error {
  readonly kind: string;
  /** The request field the error is about, when the core named one (`url`, `caFile`, ...). */
  readonly field: string | null;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "CommandError";
    this.kind = error.kind;
    this.field = error.field ?? null;
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
  /** Runs a check; `onEvents` receives its progress in batches as it happens. With `previous`, a re-run of
   * `request.sections` comes back merged into that report by the core. */
  checkRun: (
    runId: string,
    request: CheckRequest,
    profile: ProfileRef | null,
    previous: Report | null,
    onEvents: (events: CheckEvent[]) => void,
  ) => {
    const channel = new Channel<CheckEvent[]>();
    channel.onmessage = onEvents;
    return call<RunResult>("check_run", { runId, request, profile, previous, onEvent: channel });
  },
  checkCancel: (runId: string) => call<boolean>("check_cancel", { runId }),
  manualGuide: () => call<ManualGuide>("manual_guide"),
  reproduce: (request: CheckRequest) => call<Reproduction>("reproduce_request", { request }),
  historyList: (target: string | null) => call<HistoryEntry[]>("history_list", { target }),
  historyLoad: (id: string) => call<Report>("history_load", { id }),
  reportRender: (report: Report, format: ReportFormat) => call<string>("report_render", { report, format }),
  reportExport: (report: Report, format: ReportFormat) => call<string | null>("report_export", { report, format }),
  clipboardWrite: (text: string) => call<null>("clipboard_write", { text }),
  pickPath: (kind: PickKind, title: string) => call<string | null>("pick_path", { kind, title }),
  /** Opens a console session; `onBatch` receives its new entries and status at most every ~33 ms. */
  consoleOpen: (request: ConsoleRequest, profile: ProfileRef | null, onBatch: (batch: ConsoleBatch) => void) => {
    const channel = new Channel<ConsoleBatch>();
    channel.onmessage = onBatch;
    return call<string>("console_open", { request, profile, onBatch: channel });
  },
  profilesList: () => call<ProfileList>("profiles_list"),
  profileGet: (id: string) => call<ProfileView>("profile_get", { id }),
  /** Saves a profile; secret values go one way, to Rust. */
  profileSave: (profile: Profile, secrets: SecretInput[]) => call<ProfileView>("profile_save", { profile, secrets }),
  profileSecretClear: (id: string, slot: SecretSlot) => call<ProfileView>("profile_secret_clear", { id, slot }),
  profileDuplicate: (id: string) => call<ProfileView>("profile_duplicate", { id }),
  profileDelete: (id: string) => call<ProfileDeleted>("profile_delete", { id }),
  profilePreview: (id: string, environment: string | null) => call<CheckRequest>("profile_preview", { id, environment }),
  profileFromTarget: (name: string, request: CheckRequest, sessionOnly: boolean) =>
    call<ProfileView>("profile_from_target", { name, request, sessionOnly }),
  profileImportCommand: (line: string, name: string) => call<ProfileView>("profile_import_command", { line, name }),
  profileImportFile: () => call<ProfileView[]>("profile_import_file"),
  profileExport: (ids: string[]) => call<string | null>("profile_export", { ids }),
  consoleSend: (id: string, message: Outgoing) => call<null>("console_send", { id, message }),
  consoleAct: (id: string, action: Action) => call<null>("console_act", { id, action }),
  consolePing: (id: string, payload: string) => call<null>("console_ping", { id, payload }),
  consoleClose: (id: string, code: number, reason: string) => call<null>("console_close", { id, code, reason }),
  consoleForget: (id: string) => call<null>("console_forget", { id }),
  consolePage: (id: string, beforeSeq: number, count: number) => call<Entry[]>("console_page", { id, beforeSeq, count }),
  consoleSendFile: (id: string) => call<string | null>("console_send_file", { id }),
  consoleExport: (id: string, format: SessionExport) => call<string | null>("console_export", { id, format }),
  consoleDefaults: (target: TargetRequest) => call<ConsoleDefaults>("console_defaults", { target }),
};

export type Ipc = typeof ipc;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
