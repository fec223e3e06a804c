import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Profile, ProfileView } from "../bindings";
import { ipc } from "../ipc";
import { cleanUpAfterEach, renderInWorkspace } from "../test-support";
import { ProfilesView, blankProfile } from "./ProfilesView";

vi.mock("../ipc", async (importOriginal) => (await import("../test-support")).stubbedIpc(importOriginal));

function profile(id: string, name: string, tags: string[] = []): Profile {
  const blank = blankProfile();
  return {
    ...blank,
    id,
    name,
    tags,
    target: { ...blank.target, url: `wss://${name}.example/ws`, headers: [{ name: "Authorization", value: "", secret: true }] },
    lastRuns: [{ atMs: 1, verdict: "healthy", summary: "Healthy", environment: null }],
    updatedMs: 1,
  };
}

const staging = profile("p-1", "staging", ["team"]);
const acme = profile("p-2", "acme", ["customer"]);
const view = (p: Profile, state: "saved" | "notSet"): ProfileView => ({
  profile: p,
  secrets: [{ slot: { kind: "header", name: "Authorization" }, label: "header Authorization", state }],
  warning: null,
  notes: [],
});

// jsdom lays nothing out: give elements the list's size so the virtualised rows render.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 420 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 320 });

beforeEach(() => {
  vi.mocked(ipc.profilesList).mockResolvedValue({ profiles: [acme, staging], problems: ["x.json was damaged"], keyringProblem: null });
  vi.mocked(ipc.profileGet).mockResolvedValue(view(staging, "saved"));
  vi.mocked(ipc.consoleDefaults).mockResolvedValue({
    dialect: "websocket",
    namespace: null,
    backoffInitialMs: 500,
    backoffMaxMs: 30000,
    backoffFactor: 2,
    backoffAttempts: 10,
    backoffSpread: 0.25,
    ackTimeoutSecs: 5,
    summary: "reconnects 0.5 s doubling to 30 s, ±25 %, 10 attempts; an ack or receipt waits 5 s",
  });
});

cleanUpAfterEach();

function renderView() {
  return renderInWorkspace(<ProfilesView visible onOpen={() => undefined} />);
}

describe("ProfilesView", () => {
  it("lists, searches and filters by tag, and tells of damaged files", async () => {
    renderView();
    expect(await screen.findByText("staging")).toBeTruthy();
    expect(screen.getByText("acme")).toBeTruthy();
    expect(screen.getByText("x.json was damaged")).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText("Search name, URL, tag"), { target: { value: "acm" } });
    expect(screen.queryByText("staging")).toBeNull();
    fireEvent.change(screen.getByPlaceholderText("Search name, URL, tag"), { target: { value: "" } });
    fireEvent.click(screen.getByText("#team"));
    expect(screen.queryByText("acme")).toBeNull();
    expect(screen.getByText("1 of 2 profiles")).toBeTruthy();
  });

  it("shows whether a secret is set, never a value, and sends a replacement one way", async () => {
    vi.mocked(ipc.profileSave).mockResolvedValue(view(staging, "saved"));
    renderView();
    fireEvent.click(await screen.findByText("staging"));
    const input = await screen.findByLabelText<HTMLInputElement>("Header Authorization (secret)");
    expect(input.type).toBe("password");
    expect(input.value).toBe("");
    expect(screen.getByText("set (keyring)")).toBeTruthy();
    fireEvent.change(input, { target: { value: "Bearer new" } });
    fireEvent.click(screen.getByText("Save"));
    await waitFor(() => {
      expect(ipc.profileSave).toHaveBeenCalled();
    });
    const [saved, secrets] = vi.mocked(ipc.profileSave).mock.calls[0] ?? [];
    expect(JSON.stringify(saved)).not.toContain("Bearer new");
    expect(secrets).toEqual([{ slot: { kind: "header", name: "Authorization" }, value: "Bearer new", sessionOnly: false }]);
    await waitFor(() => {
      expect(input.value).toBe("");
    });
  });

  it("says plainly when no keyring is available and offers this session only", async () => {
    vi.mocked(ipc.profilesList).mockResolvedValue({ profiles: [staging], problems: [], keyringProblem: "No OS keyring is available (no bus)." });
    renderView();
    expect((await screen.findByRole("alert")).textContent).toContain("No OS keyring is available");
    fireEvent.click(await screen.findByText("staging"));
    expect(await screen.findByText("Keep new secrets for this session only (not in the keyring)", { exact: false })).toBeTruthy();
  });

  it("deletes with an undo that saves the profile back", async () => {
    vi.mocked(ipc.profileDelete).mockResolvedValue({ profile: staging, undoMs: 10_000 });
    vi.mocked(ipc.profileSave).mockResolvedValue(view(staging, "saved"));
    renderView();
    fireEvent.click(await screen.findByText("staging"));
    fireEvent.click(await screen.findByText("Delete"));
    fireEvent.click(await screen.findByText("Undo"));
    await waitFor(() => {
      expect(ipc.profileSave).toHaveBeenCalledWith(staging, []);
    });
  });
});
