import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ConsoleBatch, Entry } from "../bindings";
import { type EntryFilter, NO_FILTER, clock, decodedDetail, detail, formatBytes, matcher, parseCloseCode, preview } from "../console";
import { errorText, ipc } from "../ipc";
import { useComposer } from "../hooks/useComposer";
import { useSessionFeed } from "../hooks/useSessionFeed";
import { CopyButton } from "./CopyButton";
import { FrameworkComposer } from "./FrameworkComposer";
import { RawComposer } from "./RawComposer";

const ARROW = { in: "←", out: "→", local: "·" } as const;
const DIALECT_NAME = { socketio: "Socket.IO", stomp: "STOMP", "graphql-ws": "GraphQL over WebSocket", mqtt: "MQTT" } as const;
const NAME_FILTER = { socketio: "Event", stomp: "Destination", "graphql-ws": "Operation", mqtt: "Topic" } as const;

interface Props {
  id: string;
  /** Snippets are saved in this profile when set, else in this app's local storage. */
  profileId: string | null;
  subscribe: (listener: (batch: ConsoleBatch) => void) => () => void;
  visible: boolean;
}

/** Keys that scroll a focused list, and those of them that scroll it up. */
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);
const UP_KEYS = new Set(["ArrowUp", "PageUp", "Home"]);
/** How long after a person's wheel, key, touch or press on the scrollbar a scroll counts as theirs. */
const USER_SCROLL_MS = 500;

/** One console session: status line, filters, the message list (virtualised) and the composer. */
export function ConsoleSession({ id, profileId, subscribe, visible }: Props) {
  const { entries, status, rates, following, unseen, follow, olderAvailable, loadOlder } = useSessionFeed(id, subscribe);
  const composer = useComposer(id);
  const { mode, draft, setProblem, jsonError, send } = composer;
  const [filter, setFilter] = useState<EntryFilter>(NO_FILTER);
  const [selected, setSelected] = useState<Entry | null>(null);
  const [showRaw, setShowRaw] = useState(false);
  const [rawComposer, setRawComposer] = useState(false);
  const [closeCode, setCloseCode] = useState("1000");
  const [closeReason, setCloseReason] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const lastScrollTop = useRef(0);
  // When a person last scrolled (a wheel or touch move, a scrolling key, a press on the scrollbar): only a
  // scroll up near then pauses following, and only a scroll to the end near then resumes it. The list's own
  // scroll to the end racing new entries, or a view shown again, moves the list too, and must not pause it.
  // A wheel turned up or an up key pauses at once, so a flood's next scroll to the end cannot undo it.
  const userScrollAt = useRef(Number.NEGATIVE_INFINITY);
  // Whether that was a move up (a wheel turned up, an up key): then reaching the end is not theirs.
  const userScrolledUp = useRef(false);
  const userScroll = (up: boolean) => {
    userScrollAt.current = performance.now();
    userScrolledUp.current = up;
    if (up && following) follow(false);
  };

  const { test, error: filterError } = useMemo(() => matcher(filter), [filter]);
  const shown = useMemo(() => entries.filter(test), [entries, test]);
  // The app does not use the React Compiler, so the virtualiser's unmemoisable API is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 26,
    overscan: 30,
  });

  useEffect(() => {
    if (following && shown.length > 0 && visible) virtualizer.scrollToIndex(shown.length - 1, { align: "end" });
  }, [shown.length, following, visible, virtualizer]);

  const open = status?.state === "open";
  const dialect = status?.dialect ?? "websocket";
  const raw = dialect === "websocket" || rawComposer;
  const selectedDecoded = selected ? decodedDetail(selected) : null;
  const selectedText = selected ? (selectedDecoded !== null && !showRaw ? selectedDecoded : detail(selected)) : "";
  return (
    <div className="console-session" hidden={!visible} data-console={id}>
      <div className="status-line" role="status" aria-label="Connection status">
        <span className={`state state-${status?.state ?? "connecting"}`} id={`state-${id}`}>
          {status?.state ?? "connecting"}
        </span>
        <span>{status?.url}</span>
        {dialect !== "websocket" && <span className="dialect">{DIALECT_NAME[dialect]}{status?.joined ? "" : " (joining…)"}</span>}
        {status?.protocol && <span>subprotocol {status.protocol}</span>}
        {status?.extensions && <span>extensions {status.extensions}</span>}
        <span>
          in {status?.messagesIn ?? 0} ({formatBytes(status?.bytesIn ?? 0)}, {rates.in.toFixed(0)}/s) · out {status?.messagesOut ?? 0} (
          {formatBytes(status?.bytesOut ?? 0)}, {rates.out.toFixed(0)}/s)
        </span>
        {status?.lastRttMs != null && <span>RTT {status.lastRttMs.toFixed(1)} ms</span>}
        {status && status.onDisk > 0 && (
          <span className="on-disk" title="Kept in a file in the app's cache folder, read back as you scroll; deleted when the session closes">
            {status.onDisk} older entries on disk
          </span>
        )}
        {status && status.dropped > 0 && <span className="dropped">{status.dropped} older entries dropped</span>}
      </div>

      <div className="filters">
        <label>
          Direction{" "}
          <select value={filter.direction} onChange={(e) => { setFilter({ ...filter, direction: e.target.value as EntryFilter["direction"] }); }}>
            <option value="all">all</option>
            <option value="in">received</option>
            <option value="out">sent</option>
          </select>
        </label>
        <label>
          Type{" "}
          <select value={filter.type} onChange={(e) => { setFilter({ ...filter, type: e.target.value as EntryFilter["type"] }); }}>
            <option value="all">all</option>
            <option value="messages">messages</option>
            <option value="control">pings, pongs, closes</option>
            <option value="events">connection timeline</option>
          </select>
        </label>
        <label>
          Search{" "}
          <input className="search" value={filter.search} onChange={(e) => { setFilter({ ...filter, search: e.target.value }); }} aria-invalid={filterError !== null} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={filter.regex} onChange={(e) => { setFilter({ ...filter, regex: e.target.checked }); }} /> regex
        </label>
        {dialect !== "websocket" && (
          <>
            <label>
              {NAME_FILTER[dialect]}{" "}
              <input className="search" id={`name-filter-${id}`} value={filter.name} onChange={(e) => { setFilter({ ...filter, name: e.target.value }); }} />
            </label>
            <label className="inline">
              <input type="checkbox" id={`heartbeats-${id}`} checked={filter.heartbeats} onChange={(e) => { setFilter({ ...filter, heartbeats: e.target.checked }); }} /> heartbeats
            </label>
          </>
        )}
        {filterError && <span className="field-error">{filterError}</span>}
        <span className="hint">
          {shown.length} of {entries.length} shown
        </span>
        {olderAvailable && (
          <button type="button" className="secondary" onClick={() => { void loadOlder().then((note) => { if (note) setNotice(note); }); }}>
            Load older
          </button>
        )}
      </div>

      <div
        className="message-list"
        ref={scroller}
        role="log"
        aria-label="Messages"
        onWheel={(e) => {
          userScroll(e.deltaY < 0);
        }}
        onTouchMove={() => {
          userScroll(false);
        }}
        onKeyDown={(e) => {
          if (SCROLL_KEYS.has(e.key)) userScroll(UP_KEYS.has(e.key));
        }}
        onPointerDown={(e) => {
          // On the list itself (its scrollbar), not on an entry.
          if (e.target === e.currentTarget) userScroll(false);
        }}
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          const movedUp = el.scrollTop < lastScrollTop.current - 1;
          lastScrollTop.current = el.scrollTop;
          const byUser = performance.now() - userScrollAt.current < USER_SCROLL_MS;
          // Both ways only for a person's scroll, and back to following only after a move that was not up:
          // the virtualiser's scroll to the end can land a frame after a wheel turned up paused the list.
          if (!byUser) return;
          if (atBottom && !following && !userScrolledUp.current) follow(true);
          else if (!atBottom && movedUp && following) follow(false);
        }}
      >
        <div className="virtual-body" ref={(el) => { if (el) el.style.height = `${virtualizer.getTotalSize()}px`; }}>
          {virtualizer.getVirtualItems().map((row) => {
            const entry = shown[row.index];
            if (!entry) return null;
            return (
              <div
                role="button"
                tabIndex={0}
                key={entry.seq}
                className={`entry entry-${entry.direction} entry-${entry.kind}${entry.decoded?.cause ? " entry-cause" : ""}${selected?.seq === entry.seq ? " selected" : ""}`}
                data-seq={entry.seq}
                data-kind={entry.kind}
                data-decoded={entry.decoded?.kind}
                data-name={entry.decoded?.name ?? undefined}
                data-direction={entry.direction}
                ref={(el) => { if (el) el.style.transform = `translateY(${row.start}px)`; }}
                onClick={() => { setSelected(entry); }}
                onKeyDown={(e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); setSelected(entry); } }}
              >
                <span className="entry-arrow" aria-label={entry.direction}>{ARROW[entry.direction]}</span>
                <span className="entry-time">{clock(entry.atUs)}</span>
                <span className="entry-kind">{entry.decoded ? entry.decoded.kind : entry.kind}</span>
                <span className="entry-size">{entry.direction === "local" ? "" : formatBytes(entry.size)}</span>
                <span className="entry-preview">
                  {entry.rttMs != null ? `RTT ${entry.rttMs.toFixed(1)} ms ` : ""}
                  {preview(entry)}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      {!following && unseen > 0 && (
        <button
          type="button"
          className="new-entries"
          onClick={() => {
            follow(true);
          }}
        >
          {unseen} new ↓
        </button>
      )}

      {selected && (
        <div className="entry-detail" aria-label="Selected message">
          <p className="hint">
            #{selected.seq} {selected.direction} {selected.kind} {formatBytes(selected.size)} at {clock(selected.atUs)}
            {selected.code !== null ? `, code ${selected.code}` : ""}
          </p>
          {selectedDecoded !== null && (
            <label className="inline">
              <input type="checkbox" checked={showRaw} onChange={(e) => { setShowRaw(e.target.checked); }} /> Raw frame
            </label>
          )}
          <pre>{selectedText}</pre>
          <CopyButton text={selectedText} />
        </div>
      )}

      {dialect !== "websocket" && <FrameworkComposer id={id} dialect={dialect} joined={status?.joined ?? false} profileId={profileId} />}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          if (open && jsonError === null) send();
        }}
      >
        {dialect !== "websocket" && (
          <label className="inline">
            <input type="checkbox" checked={rawComposer} onChange={(e) => { setRawComposer(e.target.checked); }} /> Send raw frames too
          </label>
        )}
        {raw && <RawComposer id={id} composer={composer} open={open} profileId={profileId} onNotice={setNotice} />}
        <div className="composer-row">
          {raw && (
            <button type="submit" id={`send-${id}`} disabled={!open || jsonError !== null}>
              Send
            </button>
          )}
          <button type="button" className="secondary" disabled={!open} onClick={() => {
              // The draft is the ping's payload when it is short text; otherwise a fixed one.
              const payload = mode === "text" && draft !== "" && new TextEncoder().encode(draft).length <= 125 ? draft : "wsdoctor";
              ipc.consolePing(id, payload).catch((e: unknown) => { setProblem(errorText(e)); });
            }}>
            Ping
          </button>
          <label>
            Close code <input className="code" id={`close-code-${id}`} value={closeCode} onChange={(e) => { setCloseCode(e.target.value); }} />
          </label>
          <label>
            Reason <input value={closeReason} onChange={(e) => { setCloseReason(e.target.value); }} />
          </label>
          <button
            type="button"
            className="secondary"
            id={`close-${id}`}
            disabled={!open}
            onClick={() => {
              const parsed = parseCloseCode(closeCode);
              if ("error" in parsed) {
                setProblem(parsed.error);
                return;
              }
              setProblem(null);
              ipc.consoleClose(id, parsed.code, closeReason).catch((e: unknown) => { setProblem(errorText(e)); });
            }}
          >
            Close
          </button>
          <button type="button" className="secondary" id={`export-jsonl-${id}`} onClick={() => { ipc.consoleExport(id, "jsonLines").then((p) => { setNotice(p ? `Saved to ${p}` : "Export cancelled."); }).catch((e: unknown) => { setNotice(errorText(e)); }); }}>
            Export JSON Lines
          </button>
          <button type="button" className="secondary" onClick={() => { ipc.consoleExport(id, "har").then((p) => { setNotice(p ? `Saved to ${p}` : "Export cancelled."); }).catch((e: unknown) => { setNotice(errorText(e)); }); }}>
            Export HAR
          </button>
        </div>
        {notice && <p role="status" className="hint" id={`notice-${id}`}>{notice}</p>}
      </form>
    </div>
  );
}
