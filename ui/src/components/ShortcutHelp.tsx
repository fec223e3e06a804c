import { useEffect, useRef } from "react";
import { shortcutsFor, type ViewId } from "../shortcuts";

/** The help overlay: the shortcuts that work in the current view, from the same table the key handler reads. */
export function ShortcutHelp({ view, onClose }: { view: ViewId; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    // A modal <dialog> keeps focus inside and gives Escape to close; showModal is missing only in jsdom.
    if (typeof element.showModal === "function") element.showModal();
    else element.setAttribute("open", "");
    return () => {
      if (element.open && typeof element.close === "function") element.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      id="shortcut-help"
      className="shortcut-help"
      aria-labelledby="shortcut-help-heading"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcut-help-heading">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What it does</th>
          </tr>
        </thead>
        <tbody>
          {shortcutsFor(view).map((s) => (
            <tr key={`${s.keys}-${s.what}`}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>
                {s.what}
                {s.where && <span className="hint"> ({s.where})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" id="shortcut-help-close" className="secondary" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
