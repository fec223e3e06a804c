import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { Action } from "../bindings";
import { cleanUpAfterEach } from "../test-support";
import { EMPTY_MQTT, MqttFields, mqttAction, mqttDraft, type MqttDraft } from "./MqttFields";

cleanUpAfterEach();

function Harness({ sent }: { sent: (action: Action) => void }) {
  const [draft, setDraft] = useState<MqttDraft>(EMPTY_MQTT);
  return <MqttFields id="t" joined draft={draft} onChange={setDraft} onSend={() => { sent(mqttAction(draft)); }} />;
}

describe("MqttFields", () => {
  it("sends the packet the form says, the payload as typed", () => {
    const sent = vi.fn();
    const { container } = render(<Harness sent={sent} />);
    const field = (selector: string) => container.querySelector(selector) as HTMLInputElement;
    fireEvent.change(field("#topic-t"), { target: { value: "sensors/lab/temp" } });
    fireEvent.change(field("#payload-t"), { target: { value: '{"c": 21.5,  "ok":true}' } });
    fireEvent.change(field("#qos-t"), { target: { value: "1" } });
    fireEvent.click(field("#retain-t"));
    fireEvent.click(screen.getByRole("button", { name: "Send PUBLISH" }));
    expect(sent).toHaveBeenLastCalledWith({ action: "publish", topic: "sensors/lab/temp", payload: '{"c": 21.5,  "ok":true}', qos: 1, retain: true });

    fireEvent.change(field("#mqtt-command-t"), { target: { value: "subscribeTopic" } });
    fireEvent.change(field("#topic-t"), { target: { value: "sensors/+/temp" } });
    fireEvent.change(field("#qos-t"), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Send SUBSCRIBE" }));
    expect(sent).toHaveBeenLastCalledWith({ action: "subscribeTopic", topic: "sensors/+/temp", qos: 2 });
    expect(container.querySelector("#payload-t")).toBeNull();
  });

  it("fills the form from a saved action and gives the same action back", () => {
    const saved: Action[] = [
      { action: "publish", topic: "a/b", payload: "x", qos: 0, retain: false },
      { action: "subscribeTopic", topic: "a/#", qos: 1 },
      { action: "unsubscribeTopic", topic: "a/#" },
    ];
    for (const action of saved) {
      if (action.action === "publish" || action.action === "subscribeTopic" || action.action === "unsubscribeTopic") {
        expect(mqttAction(mqttDraft(action))).toEqual(action);
      }
    }
  });
});
