// What the Checklist, Console and Reports views share: the target being checked (and the profile it came
// from), the current run, the manual results and the ticket fields. Kept in one context so switching views
// loses nothing.
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import type { CheckRequest, ConsoleSettings, ManualCheck, ProfileRef, ServerRequest, TargetRequest, Ticket } from "./bindings";
import { emptyRun, type RunState } from "./run";

/** A target with every field at the engine's default: the one place the UI lists the target's fields
 * (the types come from Rust, so a new field fails the type check here until it is given its default). */
export function emptyTarget(url = ""): TargetRequest {
  return {
    url,
    origin: null,
    pageUrl: null,
    headers: [],
    subprotocols: [],
    protocol: "auto",
    socketioPath: null,
    caFile: null,
    insecure: false,
    noCompression: false,
    client: "chrome",
    cookieFile: null,
    resolve: [],
    clientCert: null,
    clientKey: null,
    proxy: null,
    direct: null,
    timeoutSecs: null,
    replySecs: null,
    idleSecs: null,
    probeSize: null,
    message: null,
  };
}

export function emptyServer(): ServerRequest {
  return { process: null, port: null, env: [], logs: [], proxyConfig: null, project: null };
}

export function emptyRequest(url = ""): CheckRequest {
  return { ...emptyTarget(url), server: emptyServer(), sections: null };
}

/** The saved profile the current target came from; runs send its id so Rust fills in its secrets. */
export interface ActiveProfile {
  id: string;
  name: string;
  environment: string | null;
  environments: string[];
  /** The console's heartbeat and reconnect settings saved with it. */
  console: ConsoleSettings;
}

export interface Workspace {
  profile: ActiveProfile | null;
  setProfile: (profile: ActiveProfile | null) => void;
  request: CheckRequest;
  setRequest: (update: (request: CheckRequest) => CheckRequest) => void;
  run: RunState;
  setRun: (update: (run: RunState) => RunState) => void;
  manual: ManualCheck[];
  setManual: (update: (manual: ManualCheck[]) => ManualCheck[]) => void;
  ticket: Ticket;
  setTicket: (ticket: Ticket) => void;
}

const WorkspaceContext = createContext<Workspace | null>(null);

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const [request, setRequestState] = useState<CheckRequest>(() => emptyRequest());
  const [profile, setProfile] = useState<ActiveProfile | null>(null);
  const [run, setRunState] = useState<RunState>(emptyRun);
  const [manual, setManualState] = useState<ManualCheck[]>([]);
  const [ticket, setTicket] = useState<Ticket>({ id: "", reporter: "", notes: "" });
  // The setters are React's own, so they keep their identity across renders: views list them in effect
  // dependencies, and a new function each render would re-run those effects on every keystroke.
  const value = useMemo<Workspace>(
    () => ({
      profile,
      setProfile,
      request,
      setRequest: setRequestState,
      run,
      setRun: setRunState,
      manual,
      setManual: setManualState,
      ticket,
      setTicket,
    }),
    [profile, request, run, manual, ticket],
  );
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace outside WorkspaceProvider");
  return workspace;
}

/** What a run sends for the active profile. */
export function profileRef(profile: ActiveProfile | null): ProfileRef | null {
  return profile ? { id: profile.id, environment: profile.environment } : null;
}
