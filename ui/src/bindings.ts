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
message: string, };

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

export type TryConnectRequest = { 
/**
 * A `ws://` or `wss://` URL (`http://` and `https://` are taken as their WebSocket twins).
 */
url: string, 
/**
 * The text message sent once the connection is open.
 */
message: string, 
/**
 * Seconds to stay connected after sending, to see what the server does next (0-60). With 0 the
 * connection closes as soon as a reply arrives or the reply wait ends.
 */
holdSecs: number, };

export type ConnectEvent = { "kind": "connecting", url: string, host: string, port: number, } | { "kind": "tcpConnected", address: string, elapsedMs: number, } | { "kind": "tlsEstablished", protocol: string, elapsedMs: number, } | { "kind": "opened", status: number, subprotocol: string | null, elapsedMs: number, } | { "kind": "sent", text: string, elapsedMs: number, } | { "kind": "received", text: string, binary: boolean, bytes: number, elapsedMs: number, } | { "kind": "noReply", waitedMs: number, } | { "kind": "closed", code: number, reason: string, meaning: string, initiator: Initiator, 
/**
 * Whether the other side answered the close frame (a clean closing handshake).
 */
handshakeCompleted: boolean, elapsedMs: number, } | { "kind": "failed", stage: Stage, message: string, elapsedMs: number, };

export type Stage = "tcp" | "tls" | "handshake" | "open" | "close";

export type Initiator = "server" | "client";
