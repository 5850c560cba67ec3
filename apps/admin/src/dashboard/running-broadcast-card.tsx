import type { RouterOutputs } from "../api/trpc";
import { format, useI18n } from "../i18n/i18n";

export type RunningBroadcast = NonNullable<RouterOutputs["dashboard"]["stats"]["runningBroadcast"]>;

/**
 * The slot for the running broadcast's progress: core's dashboard fills `runningBroadcast` once
 * broadcasts are wired in. Nothing running, nothing shown.
 */
export function RunningBroadcastCard({ progress }: { progress: RunningBroadcast | null }) {
  const { t } = useI18n();
  if (progress === null) return null;
  return (
    <section className="card dashboard-card running-broadcast" aria-labelledby="dashboard-broadcast">
      <h2 id="dashboard-broadcast">{t.dashboard.broadcastTitle}</h2>
      <p className="big">{progress.name}</p>
      <progress
        value={progress.done}
        max={Math.max(1, progress.total)}
        aria-labelledby="dashboard-broadcast"
      />
      <p className="muted">
        {format(t.dashboard.broadcastProgress, { done: progress.done, total: progress.total })}
      </p>
    </section>
  );
}
