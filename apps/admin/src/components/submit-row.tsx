import { Button } from "./button";
import { ErrorText } from "./error-text";

/** The end of a form: its error, the submit button with its loading label, and a note once it worked. */
export function SubmitRow(props: {
  error: string | null;
  label: string;
  loadingLabel: string;
  isPending: boolean;
  successNote: string | null;
}) {
  return (
    <>
      <ErrorText message={props.error} />
      <div className="actions">
        <Button type="submit" isLoading={props.isPending} loadingLabel={props.loadingLabel}>
          {props.label}
        </Button>
        {props.successNote === null ? null : (
          <span className="muted" role="status">
            {props.successNote}
          </span>
        )}
      </div>
    </>
  );
}
