// Words for what happened: each engine event becomes a line of the timeline, and the whole run a verdict.
// Status is always given as an icon AND a word, never by colour alone.
import type { ConnectEvent, Stage } from "./bindings";

export type Status = "pass" | "warn" | "fail" | "info" | "running";

export const STATUS_LABEL: Record<Status, { icon: string; word: string }> = {
  pass: { icon: "✔", word: "Pass" },
  warn: { icon: "▲", word: "Warning" },
  fail: { icon: "✖", word: "Fail" },
  info: { icon: "•", word: "Info" },
  running: { icon: "…", word: "Running" },
};

const STAGE_NAME: Record<Stage, string> = {
  tcp: "TCP connection",
  tls: "TLS handshake",
  handshake: "WebSocket upgrade",
  open: "open connection",
  close: "closing handshake",
};

export interface TimelineLine {
  status: Status;
  title: string;
  detail?: string;
  ms?: number;
}

export function describeEvent(event: ConnectEvent): TimelineLine {
  switch (event.kind) {
    case "connecting":
      return { status: "info", title: `Connecting to ${event.host}:${event.port}`, detail: event.url };
    case "tcpConnected":
      return { status: "pass", title: `TCP connected to ${event.address}`, ms: event.elapsedMs };
    case "tlsEstablished":
      return { status: "pass", title: `TLS established (${event.protocol})`, ms: event.elapsedMs };
    case "opened":
      return {
        status: "pass",
        title: `WebSocket open (HTTP ${event.status})`,
        ...(event.subprotocol ? { detail: `Subprotocol: ${event.subprotocol}` } : {}),
        ms: event.elapsedMs,
      };
    case "sent":
      return { status: "info", title: "Sent", detail: event.text, ms: event.elapsedMs };
    case "received":
      return {
        status: "pass",
        title: event.binary ? `Received ${event.bytes} bytes (binary, hex)` : "Received",
        detail: event.text,
        ms: event.elapsedMs,
      };
    case "noReply":
      return {
        status: "info",
        title: `No reply within ${event.waitedMs} ms`,
        detail: "Many servers do not echo; on its own this is not an error.",
      };
    case "closed": {
      const by = event.initiator === "server" ? "Closed by the server" : "Closed by WS Doctor";
      const unanswered = event.initiator === "client" && !event.handshakeCompleted;
      const reason = event.reason ? `Reason: "${event.reason}".` : "No reason given.";
      return {
        status: event.code !== 1000 ? "fail" : unanswered ? "warn" : "pass",
        title: `${by}: ${event.meaning}`,
        detail: unanswered ? `${reason} The server never answered the close frame.` : reason,
        ms: event.elapsedMs,
      };
    }
    case "failed":
      return {
        status: "fail",
        title: `Failed during the ${STAGE_NAME[event.stage]}`,
        detail: event.message,
        ms: event.elapsedMs,
      };
  }
}

export interface Verdict {
  status: Status;
  text: string;
}

/** The one-line outcome of a run, from its events so far. */
export function verdict(events: readonly ConnectEvent[], finished: boolean): Verdict {
  const last = events.at(-1);
  if (!finished || last === undefined) return { status: "running", text: "Checking…" };
  const replied = events.some((e) => e.kind === "received");
  if (last.kind === "failed") {
    return { status: "fail", text: `Failed during the ${STAGE_NAME[last.stage]}: ${last.message}` };
  }
  if (last.kind === "closed" && last.initiator === "server") {
    return last.code === 1000
      ? { status: "warn", text: `The server closed the connection normally: ${last.meaning}` }
      : { status: "fail", text: `The server closed the connection with ${last.meaning}` };
  }
  if (last.kind === "closed") {
    if (!last.handshakeCompleted) {
      return {
        status: "warn",
        text: "Connected, but the server did not answer the close frame: it may be hung or ignoring frames.",
      };
    }
    return replied
      ? { status: "pass", text: "Round trip works: the server answered and the connection closed cleanly." }
      : { status: "warn", text: "Connected and closed cleanly, but no reply came (fine for servers that do not echo)." };
  }
  return { status: "warn", text: "The run ended without a close." };
}
