// Generated from the Rust types by `make bindings` (src-tauri/src/bindings.rs). Do not edit.

export type AppInfo = { name: string, version: string, logDir: string, dataDir: string, 
/**
 * The lab's `ws://` address.
 */
labAddress: string, 
/**
 * The lab's `wss://` address.
 */
labTlsAddress: string, };

export type IpcError = { 
/**
 * A stable word the UI can branch on (`invalid_input`, `io`, `tls`, `internal`).
 */
kind: string, 
/**
 * A sentence for the user.
 */
message: string, 
/**
 * The request field it is about (`url`, `caFile`, `timeoutSecs`, ...), so a form shows it there.
 */
field?: string, };

export type LabEndpoint = { 
/**
 * A stable identifier (`echo`, `close-1011`, `tls-echo`, ...).
 */
id: string, 
/**
 * The full URL to connect to.
 */
url: string, title: string, 
/**
 * One line on what the endpoint does and what it teaches.
 */
description: string, outcome: Outcome, 
/**
 * Seconds a client must stay connected after sending to see the behaviour (0: it shows at once).
 */
observeSecs: number, };

export type Outcome = "healthy" | "conditional" | "broken";

export type CheckRequest = { server: ServerRequest, 
/**
 * Only these sections (a re-run of one section).
 */
sections: Array<Section> | null, 
/**
 * The WebSocket URL; empty for server-side checks only.
 */
url: string, origin: string | null, pageUrl: string | null, headers: Array<HeaderInput>, subprotocols: Array<string>, 
/**
 * `auto` (from the URL), `websocket`, or a framework's protocol (`socketio`).
 */
protocol: Protocol, 
/**
 * Socket.IO's path when it is not `/socket.io/` (the client's `path` option); implies Socket.IO.
 */
socketioPath: string | null, caFile: string | null, insecure: boolean, 
/**
 * Whose upgrade request to send: `chrome` (default), `firefox`, `safari`, `node`, `python`, `raw`.
 */
client: ClientProfile, 
/**
 * The browser's cookies: a Netscape cookie file or a HAR.
 */
cookieFile: string | null, 
/**
 * Addresses for names instead of DNS, each `HOST:PORT:ADDR[,ADDR]` (as curl's `--resolve`).
 */
resolve: Array<string>, 
/**
 * Do not offer permessage-deflate (browsers do; off to tell a failure that happens only with it).
 */
noCompression: boolean, 
/**
 * PEM client certificate for mutual TLS, and its key (default: the certificate's file).
 */
clientCert: string | null, clientKey: string | null, 
/**
 * The client key's passphrase: accepted from the UI, never sent back to it nor written to a file.
 */
keyPassphrase?: string, 
/**
 * The framework's auth payload, a JSON object (Socket.IO's `auth`): accepted, never sent back.
 */
auth?: string, proxy: string | null, direct: string | null, 
/**
 * Connect and handshake timeout, seconds (default 5).
 */
timeoutSecs: number | null, 
/**
 * Reply and pong wait, seconds (default 1).
 */
replySecs: number | null, idleSecs: number | null, probeSize: number | null, message: string | null, };

export type TargetRequest = { 
/**
 * The WebSocket URL; empty for server-side checks only.
 */
url: string, origin: string | null, pageUrl: string | null, headers: Array<HeaderInput>, subprotocols: Array<string>, 
/**
 * `auto` (from the URL), `websocket`, or a framework's protocol (`socketio`).
 */
protocol: Protocol, 
/**
 * Socket.IO's path when it is not `/socket.io/` (the client's `path` option); implies Socket.IO.
 */
socketioPath: string | null, caFile: string | null, insecure: boolean, 
/**
 * Whose upgrade request to send: `chrome` (default), `firefox`, `safari`, `node`, `python`, `raw`.
 */
client: ClientProfile, 
/**
 * The browser's cookies: a Netscape cookie file or a HAR.
 */
cookieFile: string | null, 
/**
 * Addresses for names instead of DNS, each `HOST:PORT:ADDR[,ADDR]` (as curl's `--resolve`).
 */
resolve: Array<string>, 
/**
 * Do not offer permessage-deflate (browsers do; off to tell a failure that happens only with it).
 */
noCompression: boolean, 
/**
 * PEM client certificate for mutual TLS, and its key (default: the certificate's file).
 */
clientCert: string | null, clientKey: string | null, 
/**
 * The client key's passphrase: accepted from the UI, never sent back to it nor written to a file.
 */
keyPassphrase?: string, 
/**
 * The framework's auth payload, a JSON object (Socket.IO's `auth`): accepted, never sent back.
 */
auth?: string, proxy: string | null, direct: string | null, 
/**
 * Connect and handshake timeout, seconds (default 5).
 */
timeoutSecs: number | null, 
/**
 * Reply and pong wait, seconds (default 1).
 */
replySecs: number | null, idleSecs: number | null, probeSize: number | null, message: string | null, };

export type Protocol = "auto" | "websocket" | "socketio" | "stomp" | "sockjs" | "graphql-ws" | "mqtt";

export type ClientProfile = "chrome" | "firefox" | "safari" | "node" | "python" | "raw";

export type HeaderInput = { name: string, value: string, secret: boolean, };

export type ServerRequest = { process: string | null, port: number | null, env: Array<string>, logs: Array<string>, 
/**
 * A reverse proxy's configuration (nginx today): a file or a directory of them.
 */
proxyConfig: string | null, project: string | null, };

export type CheckEvent = { "kind": "planned", checks: Array<PlannedCheck>, } | { "kind": "running", id: string, section: Section, title: string, } | { "kind": "finished", check: Check, } | { "kind": "diagnosed", diagnosis: Diagnosis, };

export type PlannedCheck = { id: string, section: Section, title: string, };

export type RunResult = { 
/**
 * The run's report; for a re-run of some sections given the report it refreshes, that report with
 * those sections replaced (the history keeps the re-run as it ran).
 */
report: Report, 
/**
 * Its place in the history (absent if it could not be saved; the report is still shown).
 */
history: HistoryEntry | null, };

export type ManualGuide = { sections: Array<SectionHeading>, items: Array<ManualItem>, consoleErrors: Array<ConsoleError>, };

export type SectionHeading = { id: Section, title: string, };

export type ManualItem = { id: string, section: Section, title: string, 
/**
 * How to check it.
 */
help: string, };

export type ConsoleError = { text: string, meaning: string, 
/**
 * The catalog code it usually corresponds to.
 */
code: string, };

export type Reproduction = { curl: string, websocat: string, wscat: string, javascript: string, };

export type HistoryEntry = { id: string, 
/**
 * The target's URL (redacted), or "server-side checks".
 */
target: string, startedAt: string, verdict: Verdict, headline: string, };

export type ReportFormat = "markdown" | "json" | "html";

export type PickKind = "file" | "folder";

export type Report = { tool: Tool, target: TargetSummary, 
/**
 * RFC 3339, UTC.
 */
startedAt: string, durationMs: number, verdict: Verdict, checks: Array<Check>, 
/**
 * Ranked: the first error is the root cause.
 */
diagnoses: Array<Diagnosis>, 
/**
 * How many distinct secret values were hidden from this report.
 */
redactions: number, 
/**
 * What was hidden (`header Authorization`), never the values.
 */
redacted: Array<string>, 
/**
 * The items a person ticked, beside the automated ones.
 */
manual: Array<ManualCheck>, 
/**
 * Ticket fields filled in before export.
 */
ticket: Ticket | null, };

export type Tool = { name: string, version: string, };

export type TargetSummary = { url: string, origin: string | null, pageUrl: string | null, headers: Array<HeaderLine>, subprotocols: Array<string>, caFile: string | null, 
/**
 * The client certificate presented for mutual TLS (its path; the key is never reported).
 */
clientCert: string | null, insecure: boolean, 
/**
 * Whose upgrade request was sent (`--client`), e.g. "Chrome 131 (a browser: …)".
 */
client: string, proxy: string | null, direct: string | null, connectTimeoutMs: number, handshakeTimeoutMs: number, replyTimeoutMs: number, idleSecs: number | null, probeSize: number | null, 
/**
 * The server-side inputs (`process: node`, `log: /var/log/app.log`, ...).
 */
server: Array<string>, };

export type HeaderLine = { name: string, value: string, };

export type Verdict = "healthy" | "degraded" | "broken";

export type Section = "serverHealth" | "webSocketSetup" | "framework" | "frontendConnection" | "proxyAndHttps" | "desktopApp" | "debuggingDetails";

export type CheckStatus = "pass" | "warn" | "fail" | "skip" | "info";

export type Check = { 
/**
 * A stable identifier (`dns`, `tcp`, `tls`, `handshake`, ...).
 */
id: string, section: Section, title: string, status: CheckStatus, summary: string, evidence: Array<Evidence>, durationMs: number, };

export type Evidence = { label: string, content: string, };

export type Diagnosis = { code: string, 
/**
 * The checklist section it belongs to (the catalog says which).
 */
section: Section, severity: Severity, title: string, explanation: string, fix: string, snippet: string | null, 
/**
 * The snippet's language (`nginx`, `js`), for highlighting.
 */
snippetLanguage: string | null, evidence: Array<Evidence>, 
/**
 * The code of a cause named in the same run that explains this one (this is its consequence).
 */
explainedBy?: string, 
/**
 * Where a static finding was read (a proxy config's line, a source file's), at most
 * [`MAX_LOCATIONS`]; empty for what a live probe saw.
 */
locations?: Array<SourceLocation>, };

export type SourceLocation = { 
/**
 * The path as quoted: relative to `root` when there is one, else as given.
 */
file: string, 
/**
 * 1-based.
 */
line: number, 
/**
 * The folder `file` is relative to (the project scanned).
 */
root?: string, };

export type Severity = "error" | "warning" | "info";

export type ManualCheck = { id: string, section: Section, title: string, status: ManualStatus, note: string, };

export type ManualStatus = "unchecked" | "pass" | "fail" | "notApplicable";

export type Ticket = { id: string, reporter: string, notes: string, };

export type ConsoleRequest = { target: TargetRequest, maxEntries: number | null, maxMegabytes: number | null, 
/**
 * Ping every N seconds and report a missed pong (off when absent).
 */
heartbeatSecs: number | null, 
/**
 * Reconnect with exponential backoff when the connection drops.
 */
reconnect: boolean, 
/**
 * First reconnect delay, ms (default 500).
 */
backoffInitialMs: number | null, 
/**
 * Longest reconnect delay, ms (default 30,000).
 */
backoffMaxMs: number | null, 
/**
 * Growth of the delay per attempt (default 2).
 */
backoffFactor: number | null, 
/**
 * Attempts before giving up (default 10; no limit for Socket.IO, as its client).
 */
backoffAttempts: number | null, 
/**
 * The Socket.IO namespace to join, when not the URL's path.
 */
namespace: string | null, 
/**
 * How long an emit waits for its ack, or a STOMP frame for its receipt, in seconds (default 5).
 */
ackTimeoutSecs: number | null, };

export type Outgoing = { "mode": "text", "payload": string } | { "mode": "json", "payload": { text: string, compact: boolean, } } | { "mode": "hex", "payload": string } | { "mode": "base64", "payload": string };

export type ConsoleBatch = { entries: Array<Entry>, status: SessionStatus, 
/**
 * Entries between the previous batch and this one that were skipped to keep up (page back for them).
 */
skipped: number, };

export type SessionExport = "jsonLines" | "har";

export type Entry = { seq: number, 
/**
 * Microseconds since the Unix epoch.
 */
atUs: number, direction: Direction, kind: EntryKind, 
/**
 * Payload size in bytes (0 for local events).
 */
size: number, 
/**
 * A text payload, or the explanation of a local event or a close.
 */
text: string | null, 
/**
 * A binary (or ping/pong) payload, base64.
 */
data: string | null, 
/**
 * For a pong: the round trip of the ping it answers.
 */
rttMs: number | null, 
/**
 * For a close: its code.
 */
code: number | null, 
/**
 * The frame read at its protocol's level, in a framework session (the raw frame stays in `text` or
 * `data`).
 */
decoded: Decoded | null, };

export type Decoded = { 
/**
 * What the frame is: `event`, `ack`, `connect`, `connect_error`, `disconnect`, `heartbeat`;
 * a STOMP command (`MESSAGE`, `RECEIPT`, `ERROR`); a GraphQL message type (`next`, `complete`).
 */
kind: string, 
/**
 * What the name filter matches: the event, the destination, the operation.
 */
name: string | null, 
/**
 * What joins entries: an ack id, a receipt, a subscription, an operation id.
 */
id: string | null, 
/**
 * The content: an event's arguments (a JSON array), a frame's body, an operation's payload.
 */
body: string | null, 
/**
 * A STOMP frame's headers.
 */
headers: Array<[string, string]>, 
/**
 * What the session adds: the emit an ack answers and after how long, the heart-beats settled, and for
 * a failure the catalog's explanation and fix.
 */
note: string | null, 
/**
 * The catalog's code when this frame is a failure of the protocol.
 */
cause: string | null, 
/**
 * The server refused the session at the protocol's level (CONNECT_ERROR, a STOMP ERROR, a GraphQL
 * rejection): a script's exit status says so.
 */
refusal: boolean, 
/**
 * A heartbeat (Engine.IO ping/pong, a STOMP heart-beat, GraphQL ping/pong/ka), hidden by default.
 */
heartbeat: boolean, };

export type Dialect = "websocket" | "socketio" | "stomp" | "graphql-ws" | "mqtt";

export type Action = { "action": "emit", event: string, args: string, ack: boolean, } | { "action": "subscribe", destination: string, ack: string | null, headers: Array<[string, string]>, } | { "action": "unsubscribe", destination: string, } | { "action": "send", destination: string, headers: Array<[string, string]>, body: string, } | { "action": "ack", id: string, nack: boolean, } | { "action": "operation", query: string, variables: string | null, operationName: string | null, } | { "action": "stop", id: string, } | { "action": "subscribeTopic", topic: string, qos: number, } | { "action": "unsubscribeTopic", topic: string, } | { "action": "publish", topic: string, payload: string, qos: number, retain: boolean, };

export type Direction = "in" | "out" | "local";

export type EntryKind = "text" | "binary" | "ping" | "pong" | "close" | "open" | "connecting" | "error" | "reconnect" | "info";

export type SessionStatus = { state: SessionState, 
/**
 * What the session speaks over the socket.
 */
dialect: Dialect, 
/**
 * The session can be spoken to: open, and for a framework joined (namespace, CONNECTED, ack).
 */
joined: boolean, url: string, protocol: string | null, extensions: string | null, messagesIn: number, messagesOut: number, bytesIn: number, bytesOut: number, lastRttMs: number | null, lastSeq: number, 
/**
 * Entries the ring buffer let go of.
 */
dropped: number, 
/**
 * Entries held now, and the bytes they take (in memory and on disk).
 */
held: number, heldBytes: number, 
/**
 * How many of the entries held are on disk, beyond the in-memory window.
 */
onDisk: number, };

export type SessionState = "connecting" | "open" | "reconnecting" | "closed";

export type ProfileRef = { id: string, environment: string | null, };

export type ProfileDeleted = { profile: Profile, undoMs: number, };

export type ProfileList = { profiles: Array<Profile>, problems: Array<string>, 
/**
 * Why the OS keyring cannot be used, when it cannot.
 */
keyringProblem: string | null, };

export type ProfileView = { profile: Profile, secrets: Array<SecretView>, 
/**
 * Set when the profile was saved but a secret was not (no keyring): says what to do.
 */
warning: string | null, 
/**
 * What an import left out.
 */
notes: Array<string>, };

export type SecretView = { slot: SecretSlot, label: string, state: SecretState, };

export type SecretInput = { slot: SecretSlot, value: string, sessionOnly: boolean, };

export type Profile = { schema: number, id: string, name: string, notes: string, tags: Array<string>, target: ProfileTarget, console: ConsoleSettings, server: ServerRequest, 
/**
 * Console messages saved for this profile.
 */
snippets: Array<string>, 
/**
 * Framework messages saved for this profile (an emit, a SEND, an operation), each with its label;
 * `{{variables}}` in them are filled from the environment when sent.
 */
savedActions: Array<SavedAction>, 
/**
 * Variables used as `{{name}}` in the target's fields; their values are per environment.
 */
variables: Array<Variable>, environments: Array<Environment>, 
/**
 * The environment used when none is named.
 */
activeEnvironment: string | null, 
/**
 * Newest first, at most [`KEPT_RUNS`].
 */
lastRuns: Array<RunVerdict>, 
/**
 * Milliseconds since the Unix epoch.
 */
updatedMs: number, };

export type ProfileTarget = { 
/**
 * The client key is encrypted and its passphrase is a secret ([`SecretSlot::KeyPassphrase`]).
 */
hasKeyPassphrase: boolean, 
/**
 * The framework's auth payload is a secret of the profile ([`SecretSlot::Auth`]).
 */
hasAuth: boolean, 
/**
 * `proxy` is stored without credentials; a `user:password` secret goes with it
 * ([`SecretSlot::ProxyCredentials`]).
 */
proxyCredentials: boolean, 
/**
 * The WebSocket URL; empty for server-side checks only.
 */
url: string, origin: string | null, pageUrl: string | null, headers: Array<HeaderInput>, subprotocols: Array<string>, 
/**
 * `auto` (from the URL), `websocket`, or a framework's protocol (`socketio`).
 */
protocol: Protocol, 
/**
 * Socket.IO's path when it is not `/socket.io/` (the client's `path` option); implies Socket.IO.
 */
socketioPath: string | null, caFile: string | null, insecure: boolean, 
/**
 * Whose upgrade request to send: `chrome` (default), `firefox`, `safari`, `node`, `python`, `raw`.
 */
client: ClientProfile, 
/**
 * The browser's cookies: a Netscape cookie file or a HAR.
 */
cookieFile: string | null, 
/**
 * Addresses for names instead of DNS, each `HOST:PORT:ADDR[,ADDR]` (as curl's `--resolve`).
 */
resolve: Array<string>, 
/**
 * Do not offer permessage-deflate (browsers do; off to tell a failure that happens only with it).
 */
noCompression: boolean, 
/**
 * PEM client certificate for mutual TLS, and its key (default: the certificate's file).
 */
clientCert: string | null, clientKey: string | null, 
/**
 * The client key's passphrase: accepted from the UI, never sent back to it nor written to a file.
 */
keyPassphrase?: string, 
/**
 * The framework's auth payload, a JSON object (Socket.IO's `auth`): accepted, never sent back.
 */
auth?: string, proxy: string | null, direct: string | null, 
/**
 * Connect and handshake timeout, seconds (default 5).
 */
timeoutSecs: number | null, 
/**
 * Reply and pong wait, seconds (default 1).
 */
replySecs: number | null, idleSecs: number | null, probeSize: number | null, message: string | null, };

export type ConsoleSettings = { 
/**
 * Ping every N seconds and report a missed pong (off when absent).
 */
heartbeatSecs: number | null, 
/**
 * Reconnect with exponential backoff when the connection drops.
 */
reconnect: boolean, 
/**
 * First reconnect delay, ms (default 500).
 */
backoffInitialMs: number | null, 
/**
 * Longest reconnect delay, ms (default 30,000).
 */
backoffMaxMs: number | null, 
/**
 * Growth of the delay per attempt (default 2).
 */
backoffFactor: number | null, 
/**
 * Attempts before giving up (default 10; no limit for Socket.IO, as its client).
 */
backoffAttempts: number | null, 
/**
 * The Socket.IO namespace to join, when not the URL's path.
 */
namespace: string | null, 
/**
 * How long an emit waits for its ack, or a STOMP frame for its receipt, in seconds (default 5).
 */
ackTimeoutSecs: number | null, };

export type ConsoleDefaults = { 
/**
 * What the session will speak.
 */
dialect: Dialect, 
/**
 * The Socket.IO namespace the URL names (a Socket.IO target only).
 */
namespace: string | null, backoffInitialMs: number, backoffMaxMs: number, backoffFactor: number, 
/**
 * Attempts before giving up; `None` for no limit (socket.io-client's default).
 */
backoffAttempts: number | null, 
/**
 * How far each delay is spread either way, as a fraction.
 */
backoffSpread: number, ackTimeoutSecs: number, 
/**
 * The reconnect defaults in words: "0.5 s doubling to 30 s, ±25 %, 10 attempts".
 */
summary: string, };

export type SavedAction = { label: string, action: Action, 
/**
 * The protocol the action is spoken in, as the engine reads the action (whatever a file or the UI
 * said is read again from the action), so a front end lists each session's own.
 */
dialect: Dialect, };

export type Variable = { name: string, 
/**
 * A secret variable's values (one per environment) live in the keyring.
 */
secret: boolean, };

export type Environment = { name: string, values: { [key in string]: string }, };

export type RunVerdict = { atMs: number, verdict: Verdict, summary: string, environment: string | null, };

export type SecretSlot = { "kind": "header", name: string, } | { "kind": "variable", environment: string, name: string, } | { "kind": "proxyCredentials" } | { "kind": "keyPassphrase" } | { "kind": "auth" };

export type SecretState = "saved" | "session" | "notSet" | "unknown";
