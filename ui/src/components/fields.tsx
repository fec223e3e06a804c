// The form fields every view builds its forms from: a labelled input with its error, a path with the
// native picker (opened by Rust), a list of values as rows, the headers editor. No view writes its own.
import { Fragment, type ReactNode, useState } from "react";
import type { HeaderInput, PickKind, TargetRequest } from "../bindings";
import { CommandError, errorText, ipc } from "../ipc";

/** An error shown beside the field it is about: the IPC error names the request field (or none: "run"). */
export type FieldErrors = Partial<Record<keyof TargetRequest | "run", string>>;

/** The errors to show for a failed command: beside its field when the core named one. */
export function errorsFrom(error: unknown): FieldErrors {
  if (error instanceof CommandError && error.field) return { [error.field as keyof TargetRequest]: error.message };
  return { run: errorText(error) };
}

export const orNull = (value: string) => (value.trim() === "" ? null : value);
export const numberOrNull = (value: string) => (value.trim() === "" || Number.isNaN(Number(value)) ? null : Number(value));

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: string;
  error?: string | undefined;
  /** In a list of rows: removes this one; `null` for the row that adds (it keeps the button, disabled, so
   * the input is not re-created, and loses no focus, when its first key makes it a row that can go). */
  onRemove?: (() => void) | null;
}) {
  const input = (
    <input
      id={props.id}
      type={props.type ?? "text"}
      spellCheck={false}
      value={props.value}
      placeholder={props.placeholder}
      aria-invalid={props.error !== undefined}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
      onChange={(e) => {
        props.onChange(e.target.value);
      }}
    />
  );
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.onRemove === undefined ? (
        input
      ) : (
        <div className="with-button">
          {input}
          <RemoveButton label={props.label} onRemove={props.onRemove} />
        </div>
      )}
      {props.error && (
        <p id={`${props.id}-error`} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A path chosen with the native dialog (opened by Rust), or typed. */
export function PathField(props: {
  id: string;
  label: string;
  value: string;
  kind: PickKind;
  onChange: (value: string) => void;
  onRemove?: (() => void) | null;
  error?: string | undefined;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="field path-field">
      <label htmlFor={props.id}>{props.label}</label>
      <div className="with-button">
        <input
          id={props.id}
          type="text"
          spellCheck={false}
          value={props.value}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
        />
        <button
          type="button"
          className="secondary"
          aria-label={`Choose ${props.label.toLowerCase()}`}
          onClick={() => {
            setProblem(null);
            ipc
              .pickPath(props.kind, props.label)
              .then((path) => {
                if (path) props.onChange(path);
              })
              .catch((e: unknown) => {
                setProblem(errorText(e));
              });
          }}
        >
          Choose…
        </button>
        {props.onRemove !== undefined && <RemoveButton label={props.label} onRemove={props.onRemove} />}
      </div>
      {(props.error ?? problem) && (
        <p id={`${props.id}-error`} className="field-error" role="alert">
          {props.error ?? problem}
        </p>
      )}
    </div>
  );
}

export function RemoveButton({ label, onRemove }: { label: string; onRemove: (() => void) | null }) {
  return (
    <button type="button" className="secondary" aria-label={`Remove ${label.toLowerCase()}`} disabled={onRemove === null} onClick={onRemove ?? undefined}>
      ×
    </button>
  );
}

export interface RowProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onRemove: (() => void) | null;
}

/**
 * A list of values as a field each, and an empty one after them to add another; `field` draws a row. A value
 * emptied in place stays a row until removed (Rust skips empty values), so rows never shift under the caret.
 */
export function Repeated(props: { id: string; label: string; values: string[]; onChange: (values: string[]) => void; field: (row: RowProps) => ReactNode }) {
  const { values, onChange } = props;
  const rows = values.length === 0 || values[values.length - 1] !== "" ? [...values, ""] : values;
  return (
    <>
      {rows.map((value, index) => (
        // Rows only come and go at the end or by their own button, so the position is a stable key.
        <Fragment key={index}>
          {props.field({
            id: index === 0 ? props.id : `${props.id}-${(index + 1).toString()}`,
            label: index === 0 ? props.label : `${props.label} ${(index + 1).toString()}`,
            value,
            onChange: (next) => {
              onChange(values.length > index ? values.map((v, i) => (i === index ? next : v)) : [...values, next]);
            },
            onRemove: index < values.length ? () => { onChange(values.filter((_, i) => i !== index)); } : null,
          })}
        </Fragment>
      ))}
    </>
  );
}

interface HeadersProps {
  /** Prefixes the add button's id and the inputs' classes (`profile-` in the profile editor). */
  idPrefix: string;
  headers: HeaderInput[];
  onChange: (headers: HeaderInput[]) => void;
  error?: string | undefined;
  /** Where secrets live elsewhere (a profile's keyring): draws a secret header's value. */
  secretValue?: (header: HeaderInput) => ReactNode;
}

/** Request headers as rows of name, value and "secret"; a secret value is typed blind. */
export function HeadersEditor({ idPrefix, headers, onChange, error, secretValue }: HeadersProps) {
  const update = (index: number, patch: Partial<HeaderInput>) => {
    onChange(headers.map((h, i) => (i === index ? { ...h, ...patch } : h)));
  };
  return (
    <fieldset className="headers">
      <legend>Headers</legend>
      {headers.map((header, index) => (
        <div className="header-row" key={index}>
          <input
            aria-label={`Header ${(index + 1).toString()} name`}
            className={`${idPrefix}header-name`}
            placeholder="Name"
            value={header.name}
            onChange={(e) => {
              update(index, { name: e.target.value });
            }}
          />
          {header.secret && secretValue ? (
            secretValue(header)
          ) : (
            <input
              aria-label={`Header ${(index + 1).toString()} value`}
              className={`${idPrefix}header-value`}
              placeholder="Value"
              type={header.secret ? "password" : "text"}
              value={header.value}
              onChange={(e) => {
                update(index, { value: e.target.value });
              }}
            />
          )}
          <label className="inline">
            <input
              type="checkbox"
              className={`${idPrefix}header-secret`}
              checked={header.secret}
              onChange={(e) => {
                // A value typed in the clear does not silently become a secret somewhere else.
                update(index, secretValue ? { secret: e.target.checked, value: "" } : { secret: e.target.checked });
              }}
            />{" "}
            secret
          </label>
          <button
            type="button"
            className="secondary"
            aria-label={`Remove header ${(index + 1).toString()}`}
            onClick={() => {
              onChange(headers.filter((_, i) => i !== index));
            }}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        id={`${idPrefix}add-header`}
        className="secondary"
        onClick={() => {
          onChange([...headers, { name: "", value: "", secret: false }]);
        }}
      >
        Add header
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
