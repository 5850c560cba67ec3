import { type InputHTMLAttributes, useId } from "react";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange"> {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  hint?: string;
  error?: string | undefined;
  /** A textarea instead of an input. */
  multiline?: boolean;
}

/** A labelled input whose hint and error are tied to it for screen readers. */
export function Field({ label, value, onValueChange, hint, error, multiline = false, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? null : hintId, error === undefined ? null : errorId]
    .filter((part) => part !== null)
    .join(" ");
  const common = {
    id,
    name: input.name,
    value,
    disabled: input.disabled,
    required: input.required,
    "aria-invalid": error !== undefined,
    "aria-describedby": describedBy === "" ? undefined : describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(event) => onValueChange(event.target.value)} />
      ) : (
        <input {...input} {...common} onChange={(event) => onValueChange(event.target.value)} />
      )}
      {hint === undefined ? null : (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error === undefined ? null : (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
