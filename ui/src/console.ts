// Pure helpers for the console: filtering, previews, hex dumps. Tested without a window.
import type { Entry } from "./bindings";

export type DirectionFilter = "all" | "in" | "out";
export type TypeFilter = "all" | "messages" | "control" | "events";

export interface EntryFilter {
  direction: DirectionFilter;
  type: TypeFilter;
  search: string;
  regex: boolean;
  /** A framework session's event name, destination or operation (part of it, any case). */
  name: string;
  /** Show the protocol's heartbeats (Engine.IO pings, STOMP heart-beats, GraphQL pings); hidden by default. */
  heartbeats: boolean;
}

export const NO_FILTER: EntryFilter = { direction: "all", type: "all", search: "", regex: false, name: "", heartbeats: false };

function base64ToBytes(data: string): Uint8Array {
  const raw = atob(data);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function entryBytes(entry: Entry): Uint8Array | null {
  return entry.data === null ? null : base64ToBytes(entry.data);
}

/** A hex dump: offset, 16 bytes in hex, and the printable characters. */
export function hexDump(bytes: Uint8Array, max = 4096): string {
  const lines: string[] = [];
  const shown = bytes.subarray(0, max);
  for (let offset = 0; offset < shown.length; offset += 16) {
    const row = shown.subarray(offset, offset + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const text = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${text}`);
  }
  if (bytes.length > max) lines.push(`… ${bytes.length - max} more bytes`);
  return lines.join("\n");
}

/** A decoded entry as one line: name, id, then its content (the list shows its kind in a column). */
function decodedLine(entry: Entry): string | null {
  const d = entry.decoded;
  if (!d) return null;
  const words = [d.name, d.id !== d.name ? d.id : null, d.body].filter((w): w is string => w !== null && w !== "");
  const line = words.join(" ").split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** One line for the list. */
export function preview(entry: Entry): string {
  const decoded = decodedLine(entry);
  if (decoded !== null) return decoded;
  if (entry.text !== null) {
    const line = entry.text.split("\n", 1)[0] ?? "";
    return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
  const bytes = entryBytes(entry);
  if (!bytes) return "";
  const hex = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > 32 ? `${hex} …` : hex;
}

function pretty(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null) return JSON.stringify(value, null, 2);
  } catch {
    // not JSON: shown as is
  }
  return text;
}

/** A framework entry as its protocol reads: what it is, its headers, its content pretty-printed, the note. */
export function decodedDetail(entry: Entry): string | null {
  const d = entry.decoded;
  if (!d) return null;
  const lines = [[d.kind, d.name, d.id !== d.name ? d.id : null].filter(Boolean).join(" ")];
  for (const [name, value] of d.headers) lines.push(`${name}:${value}`);
  if (d.body !== null) lines.push("", pretty(d.body));
  if (d.note !== null) lines.push("", d.note);
  if (d.cause !== null) lines.push(`(cause: ${d.cause})`);
  return lines.join("\n");
}

/** The full payload, pretty-printed when it is JSON. */
export function detail(entry: Entry): string {
  if (entry.text !== null) {
    try {
      const value: unknown = JSON.parse(entry.text);
      if (typeof value === "object" && value !== null) return JSON.stringify(value, null, 2);
    } catch {
      // not JSON: shown as is
    }
    return entry.text;
  }
  const bytes = entryBytes(entry);
  return bytes ? hexDump(bytes) : "";
}

/** A predicate for the filter; an invalid regex is reported instead of matching nothing silently. */
export function matcher(filter: EntryFilter): { test: (entry: Entry) => boolean; error: string | null } {
  let search: ((text: string) => boolean) | null = null;
  let error: string | null = null;
  if (filter.search !== "") {
    if (filter.regex) {
      try {
        const re = new RegExp(filter.search, "i");
        search = (text) => re.test(text);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    } else {
      const needle = filter.search.toLowerCase();
      search = (text) => text.toLowerCase().includes(needle);
    }
  }
  const name = filter.name.trim().toLowerCase();
  const test = (entry: Entry) => {
    if (!filter.heartbeats && entry.decoded?.heartbeat) return false;
    if (name !== "" && !(entry.decoded?.name ?? "").toLowerCase().includes(name)) return false;
    if (filter.direction === "in" && entry.direction !== "in") return false;
    if (filter.direction === "out" && entry.direction !== "out") return false;
    const message = entry.kind === "text" || entry.kind === "binary";
    const control = entry.kind === "ping" || entry.kind === "pong" || entry.kind === "close";
    if (filter.type === "messages" && !message) return false;
    if (filter.type === "control" && !control) return false;
    if (filter.type === "events" && entry.direction !== "local" && entry.kind !== "close") return false;
    if (search && !search(preview(entry))) return false;
    return true;
  };
  return { test, error };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

export function clock(us: number): string {
  const date = new Date(us / 1000);
  const pad = (n: number, w = 2) => n.toString().padStart(w, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * The close code typed in the composer as a number, or why it is not one. The range rule itself (which codes
 * a client may send) stays in Rust; this only keeps "abc" or "10004001" from reaching it as NaN or an overflow.
 */
export function parseCloseCode(text: string): { code: number } | { error: string } {
  const trimmed = text.trim();
  const code = /^\d{1,5}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (Number.isNaN(code) || code > 65535) {
    return { error: `"${trimmed}" is not a close code (use 1000-1003, 1007-1014 or 3000-4999)` };
  }
  return { code };
}
