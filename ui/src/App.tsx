import { useCallback, useEffect, useState } from "react";
import { ShortcutHelp } from "./components/ShortcutHelp";
import { ipc } from "./ipc";
import { SHORTCUTS, target, type ViewId } from "./shortcuts";
import { type ThemeChoice, useTheme } from "./theme";
import { AboutView } from "./views/AboutView";
import { ChecklistView } from "./views/ChecklistView";
import { ConsoleView } from "./views/ConsoleView";
import { ProfilesView } from "./views/ProfilesView";
import { ReportsView } from "./views/ReportsView";
import { WorkspaceProvider } from "./workspace";

const NAV: readonly { id: ViewId; label: string }[] = [
  { id: "checklist", label: "Checklist" },
  { id: "console", label: "Console" },
  { id: "profiles", label: "Profiles" },
  { id: "reports", label: "Reports" },
];

const VIEWS: readonly ViewId[] = [...NAV.map((n) => n.id), "about"];
const VIEW_KEY = "wsdoctor.view";

/** The view the app was left on, so a launch opens where the user was. */
function lastView(): ViewId {
  const stored = localStorage.getItem(VIEW_KEY);
  return VIEWS.find((v) => v === stored) ?? "checklist";
}

interface ViewProps {
  id: ViewId;
  visible: boolean;
  onOpen: (view: ViewId) => void;
  theme: ThemeChoice;
  onTheme: (choice: ThemeChoice) => void;
}

function View({ id, visible, onOpen, theme, onTheme }: ViewProps) {
  switch (id) {
    case "checklist":
      return <ChecklistView />;
    case "console":
      return <ConsoleView />;
    case "profiles":
      return <ProfilesView visible={visible} onOpen={onOpen} />;
    case "reports":
      return <ReportsView />;
    case "about":
      return <AboutView theme={theme} onTheme={onTheme} />;
  }
}

export function App() {
  const [view, setViewState] = useState<ViewId>(lastView);
  const [help, setHelp] = useState(false);
  const [theme, setTheme] = useTheme();
  const setView = useCallback((next: ViewId) => {
    localStorage.setItem(VIEW_KEY, next);
    setViewState(next);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || help) return;
      const shortcut = SHORTCUTS.find((s) => {
        if (!s.matches(e)) return false;
        // A shortcut for a view's button applies only there, and only when that button is there to press.
        return s.action.kind !== "click" || target(s.action) !== null;
      });
      if (!shortcut) return;
      e.preventDefault();
      const action = shortcut.action;
      if (action.kind === "view") {
        setView(action.view);
        document.getElementById(`nav-${action.view}`)?.focus();
      } else if (action.kind === "help") {
        setHelp(true);
      } else {
        target(action)?.click();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [help, setView]);

  useEffect(() => {
    // Two frames after the first commit the shell has been painted: report it for the launch figure.
    requestAnimationFrame(() => {
      requestAnimationFrame(() => {
        ipc.uiReady().catch(() => undefined);
      });
    });
  }, []);

  const navButton = (id: ViewId, label: string) => (
    <button
      key={id}
      type="button"
      id={`nav-${id}`}
      className="nav-item"
      aria-current={view === id ? "page" : undefined}
      onClick={() => {
        setView(id);
      }}
    >
      {label}
    </button>
  );

  return (
    <WorkspaceProvider>
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <img src="./icon.svg" alt="" width="28" height="28" />
          <span>WS Doctor</span>
        </div>
        {NAV.map(({ id, label }) => navButton(id, label))}
        <div className="spacer" />
        <button
          type="button"
          id="open-shortcuts"
          className="nav-item"
          aria-keyshortcuts="F1"
          onClick={() => {
            setHelp(true);
          }}
        >
          Shortcuts
        </button>
        {navButton("about", "About")}
      </nav>
      <main className="content">
        {/* Every view stays mounted and only the current one is shown, so a console session, a running
            check or a half-typed form survives a visit to another view. */}
        {VIEWS.map((id) => (
          <div key={id} className="view" data-view={id} hidden={id !== view}>
            <View id={id} visible={id === view} onOpen={setView} theme={theme} onTheme={setTheme} />
          </div>
        ))}
      </main>
      {help && (
        <ShortcutHelp
          view={view}
          onClose={() => {
            setHelp(false);
          }}
        />
      )}
    </div>
    </WorkspaceProvider>
  );
}
