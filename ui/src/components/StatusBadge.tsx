import type { ItemState } from "../run";

const LABEL: Record<ItemState, { icon: string; word: string }> = {
  pending: { icon: "○", word: "Pending" },
  running: { icon: "…", word: "Running" },
  pass: { icon: "✔", word: "Pass" },
  warn: { icon: "▲", word: "Warning" },
  fail: { icon: "✖", word: "Fail" },
  skip: { icon: "–", word: "Skipped" },
  info: { icon: "•", word: "Info" },
};

/** A status as icon and word, so it reads without colour. */
export function StatusBadge({ status }: { status: ItemState }) {
  const { icon, word } = LABEL[status];
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span aria-hidden="true">{icon}</span> {word}
    </span>
  );
}
