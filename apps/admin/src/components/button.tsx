import type { ButtonHTMLAttributes } from "react";

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  isLoading?: boolean;
  /** The label while loading, e.g. "Saving…". */
  loadingLabel?: string;
}

/** A button that shows its own loading state and cannot be pressed twice meanwhile. */
export function Button({
  variant = "primary",
  isLoading = false,
  loadingLabel,
  children,
  disabled,
  type = "button",
  className,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={["button", `button-${variant}`, className].filter(Boolean).join(" ")}
      disabled={disabled === true || isLoading}
      aria-busy={isLoading}
    >
      {isLoading ? <span className="spinner" aria-hidden="true" /> : null}
      {isLoading && loadingLabel !== undefined ? loadingLabel : children}
    </button>
  );
}
