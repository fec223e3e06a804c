import { useEffect, useState } from "react";
import { ipc } from "./ipc";
import { AboutView } from "./views/AboutView";
import { ChecklistView } from "./views/ChecklistView";
import { ConsoleView } from "./views/ConsoleView";
import { ProfilesView } from "./views/ProfilesView";
import { ReportsView } from "./views/ReportsView";
import { WorkspaceProvider } from "./workspace";

type ViewId = "checklist" | "console" | "profiles" | "reports" | "about";

const NAV: readonly { id: ViewId; label: string }[] = [
  { id: "checklist", label: "Checklist" },
  { id: "console", label: "Console" },
  { id: "profiles", label: "Profiles" },
  { id: "reports", label: "Reports" },
];

const VIEWS: readonly ViewId[] = [...NAV.map((n) => n.id), "about"];

function View({ id, visible, onOpen }: { id: ViewId; visible: boolean; onOpen: (view: ViewId) => void }) {
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
      return <AboutView />;
  }
}

export function App() {
  const [view, setView] = useState<ViewId>("checklist");

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
        {navButton("about", "About")}
      </nav>
      <main className="content">
        {/* Every view stays mounted and only the current one is shown, so a console session, a running
            check or a half-typed form survives a visit to another view. */}
        {VIEWS.map((id) => (
          <div key={id} className="view" hidden={id !== view}>
            <View id={id} visible={id === view} onOpen={setView} />
          </div>
        ))}
      </main>
    </div>
    </WorkspaceProvider>
  );
}
