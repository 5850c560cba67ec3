/** A readable error placed next to what caused it; renders nothing when there is none. */
export function ErrorText({ message }: { message: string | null | undefined }) {
  if (message === null || message === undefined || message === "") return null;
  return (
    <p className="error-text" role="alert">
      {message}
    </p>
  );
}
