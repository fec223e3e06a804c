// The saved profiles as the list shows them: loaded from Rust when the view is shown (and after every
// change), with the files that could not be read and the keyring's state, filtered by a search and a tag.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Profile } from "../bindings";
import { errorText, ipc } from "../ipc";

export function useProfilesList(visible: boolean, onError: (message: string) => void) {
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [keyringProblem, setKeyringProblem] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [tag, setTag] = useState<string | null>(null);

  const reload = useCallback(() => {
    ipc
      .profilesList()
      .then((list) => {
        setProfiles(list.profiles);
        setProblems(list.problems);
        setKeyringProblem(list.keyringProblem);
      })
      .catch((e: unknown) => {
        onError(errorText(e));
      });
  }, [onError]);

  useEffect(() => {
    if (visible) reload();
  }, [visible, reload]);

  const tags = useMemo(() => [...new Set(profiles.flatMap((p) => p.tags))].sort(), [profiles]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return profiles.filter(
      (p) =>
        (tag === null || p.tags.includes(tag)) &&
        (q === "" || p.name.toLowerCase().includes(q) || p.target.url.toLowerCase().includes(q) || p.tags.some((t) => t.toLowerCase().includes(q))),
    );
  }, [profiles, search, tag]);

  return { profiles, problems, keyringProblem, reload, search, setSearch, tag, setTag, tags, shown };
}
