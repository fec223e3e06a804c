import { STATUS_LABEL, type Status } from "../describe";

/** A status as icon and word, so it reads without colour. */
export function StatusBadge({ status }: { status: Status }) {
  const { icon, word } = STATUS_LABEL[status];
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true">{icon}</span> {word}
    </span>
  );
}
