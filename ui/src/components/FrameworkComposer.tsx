// What a framework session sends: a Socket.IO emit (with an ack), a STOMP frame, a GraphQL operation or
// its stop, an MQTT PUBLISH, SUBSCRIBE or UNSUBSCRIBE. The form only shapes the action; the core reads it (JSON arguments, variables, the ack mode)
// and refuses what it cannot send, with why. Saved actions live in the profile (or this app's storage).
import { useState } from "react";
import type { Action, Dialect, SavedAction } from "../bindings";
import { useSavedList } from "../hooks/useSavedList";
import { errorText, ipc } from "../ipc";
import { EMPTY_MQTT, MqttFields, mqttAction, mqttDraft, type MqttDraft } from "./MqttFields";

const SAVED_KEY = "wsdoctor.console.savedActions";
const isSavedAction = (value: unknown) => typeof value === "object" && value !== null && "label" in value && "action" in value;

/** What a saved action is called in the list. */
export function actionLabel(action: Action): string {
  switch (action.action) {
    case "emit":
      return `${action.ack ? "emit-ack" : "emit"} ${action.event} ${action.args}`.trim();
    case "subscribe":
      return `subscribe ${action.destination}${action.ack ? ` ${action.ack}` : ""}`;
    case "unsubscribe":
      return `unsubscribe ${action.destination}`;
    case "send":
      return `send ${action.destination} ${action.body}`.trim();
    case "ack":
      return `${action.nack ? "nack" : "ack"} ${action.id}`;
    case "operation":
      return `subscribe ${action.operationName ?? action.query}`;
    case "stop":
      return `stop ${action.id}`;
    case "subscribeTopic":
      return `subscribe ${action.topic} ${String(action.qos)}`;
    case "unsubscribeTopic":
      return `unsubscribe ${action.topic}`;
    case "publish":
      return `publish${action.qos > 0 ? ` -q ${String(action.qos)}` : ""}${action.retain ? " -r" : ""} ${action.topic} ${action.payload}`;
  }
}

/** `name:value` lines as headers; a line without a colon is a header with an empty value, which the core refuses. */
function headerLines(text: string): Array<[string, string]> {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const at = line.indexOf(":");
      return at < 0 ? [line.trim(), ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    });
}

interface Props {
  id: string;
  dialect: Exclude<Dialect, "websocket">;
  /** The session can be spoken to (joined the namespace, CONNECTED, acknowledged). */
  joined: boolean;
  profileId: string | null;
}

type StompCommand = "subscribe" | "unsubscribe" | "send" | "ack" | "nack";

export function FrameworkComposer({ id, dialect, joined, profileId }: Props) {
  const [event, setEvent] = useState("");
  const [args, setArgs] = useState("");
  const [withAck, setWithAck] = useState(false);
  const [stompCommand, setStompCommand] = useState<StompCommand>("send");
  const [destination, setDestination] = useState("");
  const [ackMode, setAckMode] = useState("auto");
  const [headers, setHeaders] = useState("");
  const [body, setBody] = useState("");
  const [messageId, setMessageId] = useState("");
  const [query, setQuery] = useState("");
  const [variables, setVariables] = useState("");
  const [operationName, setOperationName] = useState("");
  const [stopId, setStopId] = useState("");
  const [mqtt, setMqtt] = useState<MqttDraft>(EMPTY_MQTT);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { items: saved, save: keep } = useSavedList(profileId, "savedActions", SAVED_KEY, isSavedAction);

  const current = (): Action => {
    if (dialect === "socketio") return { action: "emit", event, args, ack: withAck };
    if (dialect === "graphql-ws") return { action: "operation", query, variables: variables.trim() === "" ? null : variables, operationName: operationName.trim() === "" ? null : operationName };
    if (dialect === "mqtt") return mqttAction(mqtt);
    switch (stompCommand) {
      case "subscribe":
        return { action: "subscribe", destination, ack: ackMode, headers: headerLines(headers) };
      case "unsubscribe":
        return { action: "unsubscribe", destination };
      case "send":
        return { action: "send", destination, headers: headerLines(headers), body };
      case "ack":
      case "nack":
        return { action: "ack", id: messageId, nack: stompCommand === "nack" };
    }
  };

  const act = (action: Action) => {
    setProblem(null);
    ipc.consoleAct(id, action).catch((e: unknown) => { setProblem(errorText(e)); });
  };

  /** Fills the form from a saved action. */
  const load = (action: Action) => {
    switch (action.action) {
      case "emit":
        setEvent(action.event);
        setArgs(action.args);
        setWithAck(action.ack);
        return;
      case "subscribe":
        setStompCommand("subscribe");
        setDestination(action.destination);
        setAckMode(action.ack ?? "auto");
        setHeaders(action.headers.map(([n, v]) => `${n}:${v}`).join("\n"));
        return;
      case "unsubscribe":
        setStompCommand("unsubscribe");
        setDestination(action.destination);
        return;
      case "send":
        setStompCommand("send");
        setDestination(action.destination);
        setHeaders(action.headers.map(([n, v]) => `${n}:${v}`).join("\n"));
        setBody(action.body);
        return;
      case "ack":
        setStompCommand(action.nack ? "nack" : "ack");
        setMessageId(action.id);
        return;
      case "operation":
        setQuery(action.query);
        setVariables(action.variables ?? "");
        setOperationName(action.operationName ?? "");
        return;
      case "stop":
        setStopId(action.id);
        return;
      case "publish":
      case "subscribeTopic":
      case "unsubscribeTopic":
        setMqtt(mqttDraft(action));
    }
  };

  const save = () => {
    const action = current();
    const entry: SavedAction = { label: actionLabel(action).slice(0, 80), action, dialect };
    const next = [entry, ...saved.filter((s) => s.label !== entry.label)].slice(0, 200);
    keep(next)
      .then((where) => { setNotice(`Saved ${where}.`); })
      .catch((e: unknown) => { setNotice(errorText(e)); });
  };

  // Each saved action carries the dialect the core reads from it; one kept in this app before it did is
  // offered everywhere (the core refuses it, with why, in a session of another protocol).
  const mine = saved.filter((s) => (s.dialect as Dialect | undefined) === undefined || s.dialect === dialect);
  const waiting = joined ? null : "Waiting for the server to accept the session…";

  return (
    <div className="framework-composer" data-dialect={dialect}>
      {dialect === "socketio" && (
        <div className="composer-grid">
          <label>
            Event <input id={`event-${id}`} value={event} spellCheck={false} onChange={(e) => { setEvent(e.target.value); }} />
          </label>
          <label className="wide">
            Arguments (JSON values one after another; {`{"$base64": "…"}`} is a binary attachment)
            <textarea id={`args-${id}`} rows={2} value={args} spellCheck={false} onChange={(e) => { setArgs(e.target.value); }} />
          </label>
          <label className="inline">
            <input type="checkbox" id={`ack-${id}`} checked={withAck} onChange={(e) => { setWithAck(e.target.checked); }} /> Ask for an acknowledgement
          </label>
          <button type="button" id={`emit-${id}`} disabled={!joined || event.trim() === ""} onClick={() => { act(current()); }}>
            Emit
          </button>
        </div>
      )}
      {dialect === "stomp" && (
        <div className="composer-grid">
          <label>
            Frame{" "}
            <select id={`stomp-command-${id}`} value={stompCommand} onChange={(e) => { setStompCommand(e.target.value as StompCommand); }}>
              <option value="send">SEND</option>
              <option value="subscribe">SUBSCRIBE</option>
              <option value="unsubscribe">UNSUBSCRIBE</option>
              <option value="ack">ACK</option>
              <option value="nack">NACK</option>
            </select>
          </label>
          {(stompCommand === "ack" || stompCommand === "nack") ? (
            <label>
              Message ack id <input id={`message-id-${id}`} value={messageId} onChange={(e) => { setMessageId(e.target.value); }} />
            </label>
          ) : (
            <label>
              Destination <input id={`destination-${id}`} value={destination} spellCheck={false} onChange={(e) => { setDestination(e.target.value); }} />
            </label>
          )}
          {stompCommand === "subscribe" && (
            <label>
              Ack mode{" "}
              <select value={ackMode} onChange={(e) => { setAckMode(e.target.value); }}>
                <option value="auto">auto</option>
                <option value="client">client</option>
                <option value="client-individual">client-individual</option>
              </select>
            </label>
          )}
          {(stompCommand === "send" || stompCommand === "subscribe") && (
            <label className="wide">
              Headers (name:value, one a line)
              <textarea rows={2} value={headers} spellCheck={false} onChange={(e) => { setHeaders(e.target.value); }} />
            </label>
          )}
          {stompCommand === "send" && (
            <label className="wide">
              Body
              <textarea id={`body-${id}`} rows={2} value={body} onChange={(e) => { setBody(e.target.value); }} />
            </label>
          )}
          <button type="button" id={`stomp-send-${id}`} disabled={!joined} onClick={() => { act(current()); }}>
            Send {stompCommand.toUpperCase()}
          </button>
        </div>
      )}
      {dialect === "graphql-ws" && (
        <div className="composer-grid">
          <label className="wide">
            Query
            <textarea id={`query-${id}`} rows={3} value={query} spellCheck={false} onChange={(e) => { setQuery(e.target.value); }} />
          </label>
          <label className="wide">
            Variables (JSON object)
            <textarea id={`variables-${id}`} rows={2} value={variables} spellCheck={false} onChange={(e) => { setVariables(e.target.value); }} />
          </label>
          <label>
            Operation name <input value={operationName} onChange={(e) => { setOperationName(e.target.value); }} />
          </label>
          <button type="button" id={`subscribe-${id}`} disabled={query.trim() === ""} onClick={() => { act(current()); }}>
            Subscribe
          </button>
          <label>
            Operation id <input id={`stop-id-${id}`} className="code" value={stopId} onChange={(e) => { setStopId(e.target.value); }} />
          </label>
          <button type="button" className="secondary" disabled={!joined || stopId.trim() === ""} onClick={() => { act({ action: "stop", id: stopId.trim() }); }}>
            Stop
          </button>
        </div>
      )}
      {dialect === "mqtt" && <MqttFields id={id} joined={joined} draft={mqtt} onChange={setMqtt} onSend={() => { act(current()); }} />}
      <div className="composer-row">
        <button type="button" className="secondary" onClick={save}>
          Save message
        </button>
        {mine.length > 0 && (
          <select
            aria-label="Saved messages"
            value=""
            onChange={(e) => {
              const found = mine[Number(e.target.value)];
              if (found) load(found.action);
            }}
          >
            <option value="">Saved messages…</option>
            {mine.map((s, i) => (
              <option key={s.label} value={i}>
                {s.label}
              </option>
            ))}
          </select>
        )}
        <span className="hint">{"{{variables}}"} are filled from the profile's environment when sent.</span>
      </div>
      {waiting && dialect !== "graphql-ws" && <p className="hint">{waiting}</p>}
      {problem && (
        <p className="field-error" role="alert" id={`act-error-${id}`}>
          {problem}
        </p>
      )}
      {notice && <p role="status" className="hint">{notice}</p>}
    </div>
  );
}
