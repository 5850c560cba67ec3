import { useState } from "react";
import { readError } from "../api/errors";
import { type RouterOutputs, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";

type Progress = RouterOutputs["broadcasts"]["get"];
type RowStatus = keyof Progress["counts"];

const BAR_ORDER: RowStatus[] = [
  "read",
  "delivered",
  "sent",
  "queued",
  "held",
  "failed",
  "opted_out",
  "cancelled",
];

/** One broadcast live: the progress bar and counts over SSE (`broadcasts.onProgress`), ETA, controls, report. */
export function BroadcastProgress({ id }: { id: string }) {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const [live, setLive] = useState<Progress | null>(null);
  const query = trpc.broadcasts.get.useQuery({ id });
  trpc.broadcasts.onProgress.useSubscription(
    { id },
    {
      onData: (update) => {
        if (update.data === null) return;
        // the list beside shows statuses too: re-read it when this one changes (started, completed…)
        if (update.data.broadcast.status !== live?.broadcast.status) void utils.broadcasts.list.invalidate();
        setLive(update.data);
      },
    },
  );
  const progress = live ?? query.data;
  const onSuccess = (next: Progress) => {
    setLive(next);
    void utils.broadcasts.list.invalidate();
  };
  const start = trpc.broadcasts.start.useMutation({ onSuccess });
  const pause = trpc.broadcasts.pause.useMutation({ onSuccess });
  const resume = trpc.broadcasts.resume.useMutation({ onSuccess });
  const cancel = trpc.broadcasts.cancel.useMutation({ onSuccess });
  const failure = start.error ?? pause.error ?? resume.error ?? cancel.error ?? query.error;
  if (progress === undefined)
    return <ErrorText message={failure === null ? null : readError(failure, t).message} />;

  const status = progress.broadcast.status;
  const valid = progress.total - progress.counts.invalid;
  const percent = valid === 0 ? 100 : Math.round((progress.done / valid) * 100);
  return (
    <section className="card" aria-labelledby="broadcast-progress-title" data-broadcast-status={status}>
      <h2 id="broadcast-progress-title">
        {progress.broadcast.name} · {t.broadcasts.statuses[status]}
      </h2>
      <div
        className="progress"
        role="progressbar"
        aria-label={t.broadcasts.progress}
        aria-valuemin={0}
        aria-valuemax={valid}
        aria-valuenow={progress.done}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted small">
        {progress.done} / {valid} ({percent}%)
        {progress.eta === null
          ? null
          : ` · ${format(t.broadcasts.eta, { time: formatDateTime(progress.eta) })}`}
      </p>
      <ul className="counts" data-testid="broadcast-counts">
        {(["pending", ...BAR_ORDER, "invalid"] as RowStatus[]).map((key) => (
          <li key={key} data-count={key}>
            {t.broadcasts.rowStatuses[key]}: <strong>{progress.counts[key]}</strong>
          </li>
        ))}
      </ul>
      <ErrorText message={failure === null ? null : readError(failure, t).message} />
      <div className="actions">
        {status === "draft" || status === "scheduled" ? (
          <Button isLoading={start.isPending} onClick={() => start.mutate({ id })}>
            {t.broadcasts.start}
          </Button>
        ) : null}
        {status === "running" ? (
          <Button variant="secondary" isLoading={pause.isPending} onClick={() => pause.mutate({ id })}>
            {t.broadcasts.pause}
          </Button>
        ) : null}
        {status === "paused" ? (
          <Button isLoading={resume.isPending} onClick={() => resume.mutate({ id })}>
            {t.broadcasts.resume}
          </Button>
        ) : null}
        {status === "completed" || status === "cancelled" ? null : (
          <Button variant="danger" isLoading={cancel.isPending} onClick={() => cancel.mutate({ id })}>
            {t.broadcasts.cancel}
          </Button>
        )}
        <a
          className="button button-ghost"
          href={`/api/broadcasts/${encodeURIComponent(id)}/report.csv`}
          download
        >
          {t.broadcasts.report}
        </a>
      </div>
    </section>
  );
}
