import { describe, expect, it } from "vitest";
import type { Entry } from "./bindings";
import { NO_FILTER, decodedDetail, detail, hexDump, matcher, parseCloseCode, preview } from "./console";

const entry = (patch: Partial<Entry>): Entry => ({
  seq: 1,
  atUs: 0,
  direction: "in",
  kind: "text",
  size: 0,
  text: null,
  data: null,
  rttMs: null,
  code: null,
  decoded: null,
  ...patch,
});

const decoded = (patch: Partial<NonNullable<Entry["decoded"]>>): Entry["decoded"] => ({
  kind: "event",
  name: null,
  id: null,
  body: null,
  headers: [],
  note: null,
  cause: null,
  refusal: false,
  heartbeat: false,
  ...patch,
});

describe("console helpers", () => {
  it("shows a framework entry decoded, keeps its raw frame, and filters by name and heartbeat", () => {
    const event = entry({ text: '42["chat",{"a":1}]', decoded: decoded({ name: "chat", body: '[{"a":1}]' }) });
    expect(preview(event)).toBe('chat [{"a":1}]');
    expect(detail(event)).toBe('42["chat",{"a":1}]');
    expect(decodedDetail(event)).toBe('event chat\n\n[\n  {\n    "a": 1\n  }\n]');
    const ping = entry({ text: "2", decoded: decoded({ kind: "ping", heartbeat: true }) });
    const hidden = matcher(NO_FILTER).test;
    expect(hidden(event)).toBe(true);
    expect(hidden(ping)).toBe(false);
    expect(matcher({ ...NO_FILTER, heartbeats: true }).test(ping)).toBe(true);
    expect(matcher({ ...NO_FILTER, name: "CHA" }).test(event)).toBe(true);
    expect(matcher({ ...NO_FILTER, name: "other" }).test(event)).toBe(false);
    const message = entry({ decoded: decoded({ kind: "MESSAGE", name: "/queue/a", id: "sub-1", headers: [["destination", "/queue/a"]], body: "hi", note: "on subscription sub-1" }) });
    expect(decodedDetail(message)).toBe("MESSAGE /queue/a sub-1\ndestination:/queue/a\n\nhi\n\non subscription sub-1");
  });

  it("dumps bytes as offset, hex and printable text", () => {
    expect(hexDump(new Uint8Array([0x68, 0x69, 0x00, 0xff]))).toBe("00000000  68 69 00 ff" + " ".repeat(36) + "  hi..");
  });

  it("previews text by its first line and binary as hex", () => {
    expect(preview(entry({ text: "open: HTTP 101\n\nRequest headers" }))).toBe("open: HTTP 101");
    expect(preview(entry({ kind: "binary", data: "3q2+7w==" }))).toBe("de ad be ef");
  });

  it("pretty-prints JSON and leaves other text alone", () => {
    expect(detail(entry({ text: '{"a":[1,2]}' }))).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(detail(entry({ text: "plain" }))).toBe("plain");
  });

  it("filters by direction, type and text, and reports a bad regex", () => {
    const entries = [
      entry({ seq: 1, direction: "out", text: "hello" }),
      entry({ seq: 2, direction: "in", text: "HELLO back" }),
      entry({ seq: 3, direction: "in", kind: "pong", data: "", rttMs: 1 }),
      entry({ seq: 4, direction: "local", kind: "open", text: "open: HTTP 101" }),
    ];
    const seqs = (f: typeof NO_FILTER) => entries.filter(matcher(f).test).map((e) => e.seq);
    expect(seqs({ ...NO_FILTER, direction: "in" })).toEqual([2, 3]);
    expect(seqs({ ...NO_FILTER, type: "messages" })).toEqual([1, 2]);
    expect(seqs({ ...NO_FILTER, type: "control" })).toEqual([3]);
    expect(seqs({ ...NO_FILTER, type: "events" })).toEqual([4]);
    expect(seqs({ ...NO_FILTER, search: "hello" })).toEqual([1, 2]);
    expect(seqs({ ...NO_FILTER, search: "^HELLO", regex: true })).toEqual([1, 2]);
    expect(matcher({ ...NO_FILTER, search: "(", regex: true }).error).not.toBeNull();
  });
  it("reads a typed close code and names one that is not a number", () => {
    expect(parseCloseCode(" 4001 ")).toEqual({ code: 4001 });
    expect(parseCloseCode("10004001")).toEqual({ error: '"10004001" is not a close code (use 1000-1003, 1007-1014 or 3000-4999)' });
    expect(parseCloseCode("")).toHaveProperty("error");
    expect(parseCloseCode("4e3")).toHaveProperty("error");
    expect(parseCloseCode("70000")).toHaveProperty("error");
  });
});
