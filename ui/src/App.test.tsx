import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { ipc } from "./ipc";
import { SHORTCUTS } from "./shortcuts";

vi.mock("./ipc", async (importOriginal) => (await import("./test-support")).stubbedIpc(importOriginal));

beforeEach(() => {
  localStorage.clear();
  // The views ask the core for their data on mount; these tests are about the shell, so nothing answers.
  for (const fn of Object.values(ipc)) vi.mocked(fn as () => Promise<never>).mockReturnValue(new Promise<never>(() => undefined));
});
afterEach(() => {
  cleanup();
  vi.resetAllMocks();
});

const shown = () => document.querySelector<HTMLElement>(".view[data-view]:not([hidden])")?.dataset.view;

describe("App shell", () => {
  it("switches views with Ctrl+1…5 and opens on the view it was left on", () => {
    render(<App />);
    expect(shown()).toBe("checklist");
    fireEvent.keyDown(window, { key: "2", ctrlKey: true });
    expect(shown()).toBe("console");
    expect(document.activeElement?.id).toBe("nav-console");
    fireEvent.keyDown(window, { key: "4", ctrlKey: true });
    expect(shown()).toBe("reports");
    cleanup();
    render(<App />);
    expect(shown()).toBe("reports");
  });

  it("lists the shortcuts of the current view in the help overlay, from the table the keys use", () => {
    render(<App />);
    fireEvent.keyDown(window, { key: "F1" });
    const help = screen.getByRole("dialog", { hidden: true });
    const rows = within(help).getAllByRole("row", { hidden: true }).slice(1);
    const listed = rows.map((r) => r.textContent);
    expect(listed.some((t) => t.includes("Run the checks"))).toBe(true);
    expect(listed.some((t) => t.includes("Connect"))).toBe(false);
    expect(listed).toHaveLength(SHORTCUTS.filter((s) => s.action.kind !== "click" || s.action.view === "checklist").length);
    // While it is open, the other shortcuts wait; Close ends it.
    fireEvent.keyDown(window, { key: "2", ctrlKey: true });
    expect(shown()).toBe("checklist");
    fireEvent.click(within(help).getByText("Close"));
    expect(screen.queryByRole("dialog", { hidden: true })).toBeNull();
    // "?" opens it too, but not while typing in a field.
    const field = document.createElement("input");
    document.body.append(field);
    fireEvent.keyDown(field, { key: "?" });
    expect(screen.queryByRole("dialog", { hidden: true })).toBeNull();
    fireEvent.keyDown(document.body, { key: "?" });
    expect(screen.getByRole("dialog", { hidden: true })).toBeTruthy();
    field.remove();
  });

  it("runs the checks on Ctrl+Enter only where the Run button is", () => {
    render(<App />);
    const run = document.querySelector<HTMLButtonElement>('[data-view="checklist"] #run');
    expect(run).not.toBeNull();
    const clicked = vi.fn((e: Event) => {
      e.preventDefault();
    });
    run?.addEventListener("click", clicked);
    fireEvent.keyDown(window, { key: "Enter", ctrlKey: true });
    expect(clicked).toHaveBeenCalledTimes(1);
    // In another view the checklist's button, mounted but hidden, is not pressed.
    fireEvent.keyDown(window, { key: "2", ctrlKey: true });
    fireEvent.keyDown(window, { key: "Enter", ctrlKey: true });
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it("follows the system's theme until the user picks one in About, and remembers it", () => {
    let dark = true;
    const listeners: (() => void)[] = [];
    window.matchMedia = ((query: string) => ({
      get matches() {
        return query.includes("dark") && dark;
      },
      addEventListener: (_: string, f: () => void) => listeners.push(f),
      removeEventListener: () => undefined,
    })) as unknown as typeof window.matchMedia;
    render(<App />);
    expect(document.documentElement.dataset.theme).toBe("dark");
    dark = false;
    act(() => {
      for (const f of listeners) f();
    });
    expect(document.documentElement.dataset.theme).toBe("light");

    fireEvent.keyDown(window, { key: "5", ctrlKey: true });
    fireEvent.click(screen.getByLabelText("Dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("wsdoctor.theme")).toBe("dark");
    cleanup();
    render(<App />);
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(screen.getByLabelText<HTMLInputElement>("Dark").checked).toBe(true);
    fireEvent.click(screen.getByLabelText("Follow the system"));
    expect(localStorage.getItem("wsdoctor.theme")).toBeNull();
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
