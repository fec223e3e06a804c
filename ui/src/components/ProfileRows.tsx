// The saved profiles as a virtualised list of rows (name, last verdict, URL): thousands stay fast.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { Profile } from "../bindings";

interface Props {
  profiles: Profile[];
  /** The profile being edited. */
  selected: string | null;
  onSelect: (id: string) => void;
}

export function ProfileRows({ profiles, selected, onSelect }: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  // The app does not use the React Compiler, so the virtualiser's unmemoisable API is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const rows = useVirtualizer({
    count: profiles.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => 52,
    overscan: 10,
    // The list's CSS height, so rows render before the first measurement (and where nothing measures).
    initialRect: { width: 320, height: 420 },
  });
  return (
    <div className="profile-rows" ref={listRef}>
      <div style={{ height: rows.getTotalSize(), position: "relative" }}>
        {rows.getVirtualItems().map((row) => {
          const p = profiles[row.index];
          if (!p) return null;
          const last = p.lastRuns[0];
          return (
            <button
              type="button"
              key={p.id}
              className={selected === p.id ? "profile-row selected" : "profile-row"}
              data-profile={p.name}
              style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${String(row.start)}px)` }}
              onClick={() => { onSelect(p.id); }}
            >
              <span className="name">{p.name}</span>
              {last && <span className={`verdict verdict-${last.verdict}`}>{last.verdict}</span>}
              <span className="url">{p.target.url}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
