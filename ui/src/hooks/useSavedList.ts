// A list the console keeps for the person (message snippets, framework actions): in the profile the
// session was opened for, else in this app's local storage. One place loads it and saves it back.
import { useEffect, useState } from "react";
import type { SavedAction } from "../bindings";
import { ipc } from "../ipc";

interface Lists {
  snippets: string[];
  savedActions: SavedAction[];
}

function loadLocal(key: string, keep: (value: unknown) => boolean): unknown[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(value) ? value.filter(keep) : [];
  } catch {
    return [];
  }
}

/** The list `field` of `profileId` (or of local storage under `localKey`), items that fail `keep` left
 * out; `save` writes a new list and says where it went. */
export function useSavedList<K extends keyof Lists>(profileId: string | null, field: K, localKey: string, keep: (value: unknown) => boolean) {
  const [items, setItems] = useState<Lists[K]>(() => (profileId ? [] : loadLocal(localKey, keep)) as Lists[K]);
  useEffect(() => {
    if (!profileId) return;
    ipc
      .profileGet(profileId)
      .then((view) => { setItems((view.profile[field] as unknown[]).filter(keep) as Lists[K]); })
      .catch(() => undefined);
  }, [profileId, field, keep]);
  const save = (next: Lists[K]): Promise<string> => {
    setItems(next);
    if (profileId) {
      return ipc
        .profileGet(profileId)
        .then((view) => ipc.profileSave({ ...view.profile, [field]: next }, []))
        .then(() => "in the profile");
    }
    localStorage.setItem(localKey, JSON.stringify(next));
    return Promise.resolve("in this app");
  };
  return { items, save };
}
