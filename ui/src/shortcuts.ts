// The keyboard shortcuts: one table, read both by the key handler (App) and by the help overlay, so the
// overlay can never list a shortcut that does not work.

/** The app's views, as the navigation and the shortcuts name them. */
export type ViewId = "checklist" | "console" | "profiles" | "reports" | "about";

export type ShortcutAction =
  | { kind: "view"; view: ViewId }
  /** Presses the button `selector` finds in `view`, when that view is shown and the button is there. */
  | { kind: "click"; view: ViewId; selector: string }
  | { kind: "help" };

export interface Shortcut {
  /** As shown: "Ctrl+Enter". */
  keys: string;
  what: string;
  /** Where it works, as shown ("Checklist"); everywhere when absent. */
  where?: string;
  action: ShortcutAction;
  matches: (e: KeyboardEvent) => boolean;
}

const ctrl = (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && !e.altKey;

/** Whether focus is in a field where a plain key types text. */
export function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: "Ctrl+1", what: "Show the checklist", action: { kind: "view", view: "checklist" }, matches: (e) => ctrl(e) && e.key === "1" },
  { keys: "Ctrl+2", what: "Show the console", action: { kind: "view", view: "console" }, matches: (e) => ctrl(e) && e.key === "2" },
  { keys: "Ctrl+3", what: "Show the profiles", action: { kind: "view", view: "profiles" }, matches: (e) => ctrl(e) && e.key === "3" },
  { keys: "Ctrl+4", what: "Show the report", action: { kind: "view", view: "reports" }, matches: (e) => ctrl(e) && e.key === "4" },
  { keys: "Ctrl+5", what: "Show About (theme, version, logs)", action: { kind: "view", view: "about" }, matches: (e) => ctrl(e) && e.key === "5" },
  {
    keys: "Ctrl+Enter",
    what: "Run the checks",
    where: "Checklist",
    action: { kind: "click", view: "checklist", selector: "#run" },
    matches: (e) => ctrl(e) && !e.shiftKey && e.key === "Enter",
  },
  {
    keys: "Escape",
    what: "Cancel the running checks",
    where: "Checklist",
    action: { kind: "click", view: "checklist", selector: "#cancel" },
    matches: (e) => e.key === "Escape" && !e.ctrlKey && !e.metaKey && !e.altKey,
  },
  {
    keys: "Ctrl+Shift+Enter",
    what: "Connect",
    where: "Console",
    action: { kind: "click", view: "console", selector: "#console-connect" },
    matches: (e) => ctrl(e) && e.shiftKey && e.key === "Enter",
  },
  {
    keys: "Ctrl+Enter",
    what: "Send the message",
    where: "Console",
    action: {
      kind: "click",
      view: "console",
      selector: '.console-session:not([hidden]) :is([id^="send-"], [id^="emit-"], [id^="stomp-send-"], [id^="subscribe-"]):not(:disabled)',
    },
    matches: (e) => ctrl(e) && !e.shiftKey && e.key === "Enter",
  },
  {
    keys: "?  or  F1",
    what: "Show these shortcuts",
    action: { kind: "help" },
    matches: (e) => e.key === "F1" || (e.key === "?" && !e.ctrlKey && !e.metaKey && !typing(e.target)),
  },
];

/** The shortcuts that apply in `view` (those for another view are left out). */
export function shortcutsFor(view: ViewId): Shortcut[] {
  return SHORTCUTS.filter((s) => s.action.kind !== "click" || s.action.view === view);
}

/** The button a click shortcut presses now: in its view while that view is shown, else none. */
export function target(action: Extract<ShortcutAction, { kind: "click" }>): HTMLElement | null {
  return document.querySelector<HTMLElement>(`.view[data-view="${action.view}"]:not([hidden]) ${action.selector}`);
}
