// The MQTT packet a console session sends: PUBLISH (QoS 0 or 1, retained or not), SUBSCRIBE (a topic
// filter and its QoS) or UNSUBSCRIBE. The form only shapes the action; the core checks the topic and the
// QoS and refuses, with why, what it cannot send.
import type { Action } from "../bindings";

export type MqttCommand = "publish" | "subscribeTopic" | "unsubscribeTopic";

/** What the form holds. */
export interface MqttDraft {
  command: MqttCommand;
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export const EMPTY_MQTT: MqttDraft = { command: "publish", topic: "", payload: "", qos: 0, retain: false };

/** The action the form says. */
export function mqttAction(draft: MqttDraft): Action {
  const { command, topic, payload, qos, retain } = draft;
  if (command === "publish") return { action: "publish", topic, payload, qos, retain };
  if (command === "subscribeTopic") return { action: "subscribeTopic", topic, qos };
  return { action: "unsubscribeTopic", topic };
}

/** The form filled from a saved MQTT action. */
export function mqttDraft(action: Extract<Action, { action: MqttCommand }>): MqttDraft {
  switch (action.action) {
    case "publish":
      return { command: "publish", topic: action.topic, payload: action.payload, qos: action.qos, retain: action.retain };
    case "subscribeTopic":
      return { ...EMPTY_MQTT, command: "subscribeTopic", topic: action.topic, qos: action.qos };
    case "unsubscribeTopic":
      return { ...EMPTY_MQTT, command: "unsubscribeTopic", topic: action.topic };
  }
}

const PACKET: Record<MqttCommand, string> = { publish: "PUBLISH", subscribeTopic: "SUBSCRIBE", unsubscribeTopic: "UNSUBSCRIBE" };

export function MqttFields({ id, joined, draft, onChange, onSend }: {
  id: string;
  joined: boolean;
  draft: MqttDraft;
  onChange: (draft: MqttDraft) => void;
  onSend: () => void;
}) {
  const edit = (patch: Partial<MqttDraft>) => { onChange({ ...draft, ...patch }); };
  return (
    <div className="composer-grid">
      <label>
        Packet{" "}
        <select id={`mqtt-command-${id}`} value={draft.command} onChange={(e) => { edit({ command: e.target.value as MqttCommand }); }}>
          <option value="publish">PUBLISH</option>
          <option value="subscribeTopic">SUBSCRIBE</option>
          <option value="unsubscribeTopic">UNSUBSCRIBE</option>
        </select>
      </label>
      <label>
        {draft.command === "publish" ? "Topic" : "Topic filter (+ and # allowed)"} <input id={`topic-${id}`} value={draft.topic} spellCheck={false} onChange={(e) => { edit({ topic: e.target.value }); }} />
      </label>
      {draft.command !== "unsubscribeTopic" && (
        <label>
          QoS{" "}
          <select id={`qos-${id}`} value={draft.qos} onChange={(e) => { edit({ qos: Number(e.target.value) }); }}>
            <option value={0}>0 (at most once)</option>
            <option value={1}>1 (at least once)</option>
            {draft.command === "subscribeTopic" && <option value={2}>2 (exactly once)</option>}
          </select>
        </label>
      )}
      {draft.command === "publish" && (
        <>
          <label className="inline">
            <input type="checkbox" id={`retain-${id}`} checked={draft.retain} onChange={(e) => { edit({ retain: e.target.checked }); }} /> Retained
          </label>
          <label className="wide">
            Payload (sent as typed)
            <textarea id={`payload-${id}`} rows={2} value={draft.payload} spellCheck={false} onChange={(e) => { edit({ payload: e.target.value }); }} />
          </label>
        </>
      )}
      <button type="button" id={`mqtt-send-${id}`} disabled={!joined || draft.topic.trim() === ""} onClick={onSend}>
        Send {PACKET[draft.command]}
      </button>
    </div>
  );
}
