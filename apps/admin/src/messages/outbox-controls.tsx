import { pauseOutboxInput } from "@kabar/core/schemas";
import { type FormEvent, useState } from "react";
import { type RouterOutputs, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Field } from "../components/field";
import { useFormErrors } from "../forms/use-form-errors";
import { format, useI18n } from "../i18n/i18n";
import { FALLBACK_REFRESH_MS } from "../sessions/use-session-status";
import { detailText } from "./detail-text";

type OutboxState = RouterOutputs["outbox"]["state"];

/** Pause and resume the whole outbox; shows why it is paused (by hand, or 463s from several recipients). */
export function OutboxControls() {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const state = trpc.outbox.state.useQuery(undefined, { refetchInterval: FALLBACK_REFRESH_MS });
  const [reason, setReason] = useState("");
  const onSuccess = (next: OutboxState) => {
    utils.outbox.state.setData(undefined, next);
    void utils.session.status.invalidate();
  };
  const pause = trpc.outbox.pause.useMutation({ onSuccess });
  const resume = trpc.outbox.resume.useMutation({ onSuccess });
  const { errorOf, formError, check } = useFormErrors(pause.error ?? resume.error);
  const current = state.data;

  function submitPause(event: FormEvent) {
    event.preventDefault();
    const input = check(pauseOutboxInput, reason.trim() === "" ? {} : { reason });
    if (input !== null) pause.mutate(input);
  }

  return (
    <section
      className="card"
      aria-labelledby="outbox-controls-title"
      data-outbox-paused={current?.pausedReason != null}
    >
      <h2 id="outbox-controls-title">{t.outbox.title}</h2>
      {current == null ? null : current.pausedReason === null ? (
        <p className="muted">{t.outbox.running}</p>
      ) : (
        <p className="notice notice-warn" role="status">
          {format(t.outbox.paused, {
            reason:
              detailText(t, formatDateTime, {
                detail: current.pausedReason,
                code: current.pausedCode,
                params: current.pausedParams,
              }) ?? current.pausedReason,
          })}
          {current.isPausedByHand ? <span className="muted small"> {t.outbox.pausedByHand}</span> : null}
        </p>
      )}
      {current?.pausedReason == null ? (
        <form className="form" onSubmit={submitPause} noValidate>
          <Field
            label={t.outbox.reason}
            name="reason"
            maxLength={200}
            value={reason}
            onValueChange={setReason}
            error={errorOf("reason")}
          />
          <div className="actions">
            <Button
              type="submit"
              variant="secondary"
              isLoading={pause.isPending}
              loadingLabel={t.outbox.pausing}
            >
              {t.outbox.pause}
            </Button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <Button
            onClick={() => resume.mutate()}
            isLoading={resume.isPending}
            loadingLabel={t.outbox.resuming}
          >
            {t.outbox.resume}
          </Button>
        </div>
      )}
      <ErrorText message={formError} />
    </section>
  );
}
