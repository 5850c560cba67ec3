import { useEffect, useRef, useState } from "react";
import { trpc } from "../api/trpc";
import { ErrorText } from "../components/error-text";
import { StatusBadge } from "../components/status-badge";
import { useI18n } from "../i18n/i18n";
import { Link, routes } from "../router";
import { FALLBACK_REFRESH_MS } from "../sessions/use-session-status";
import { useSessionStatus } from "../sessions/use-session-status";
import { DailyChart } from "./daily-chart";
import { RunningBroadcastCard } from "./running-broadcast-card";
import { formatDuration, formatRate } from "./stat-format";

/** A broadcast moves hundreds of messages a minute: re-count at most this often, not per event. */
const RECOUNT_AFTER_EVENT_MS = 1000;

export function DashboardPage() {
  const { t, locale } = useI18n();
  const status = useSessionStatus().data;
  const live = useLiveRecount();
  const stats = trpc.dashboard.stats.useQuery(undefined, {
    refetchInterval: live ? false : FALLBACK_REFRESH_MS,
  });
  const data = stats.data;

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.dashboard.title}</h1>
      </header>
      <ErrorText message={stats.error ? t.dashboard.loadFailed : null} />
      <RunningBroadcastCard progress={data?.runningBroadcast ?? null} />
      <div className="stat-tiles">
        <StatTile
          id="delivery-rate"
          title={t.dashboard.deliveryRate}
          value={data?.deliveryRate == null ? t.dashboard.noData : formatRate(data.deliveryRate, locale)}
          hint={t.dashboard.deliveryRateHint}
        />
        <StatTile
          id="median-delivery"
          title={t.dashboard.medianDelivery}
          value={
            data?.medianDeliveryMs == null
              ? t.dashboard.noData
              : formatDuration(data.medianDeliveryMs, locale)
          }
          hint={t.dashboard.medianDeliveryHint}
        />
        <section className="card stat-tile" aria-labelledby="dashboard-depth">
          <h2 id="dashboard-depth">{t.dashboard.outboxDepth}</h2>
          <p className="big" data-stat="outbox-depth">
            {data?.outbox.depth ?? "…"}
          </p>
          <dl className="counts">
            {(["queued", "waiting", "held", "sending"] as const).map((part) => (
              <div key={part}>
                <dt>{t.dashboard.outboxParts[part]}</dt>
                <dd data-stat={`outbox-${part}`}>{data?.outbox[part] ?? "…"}</dd>
              </div>
            ))}
          </dl>
          <Link className="button button-secondary" to={routes.messages}>
            {t.dashboard.viewMessages}
          </Link>
        </section>
      </div>
      <section className="card" aria-labelledby="dashboard-chart">
        <h2 id="dashboard-chart">{t.dashboard.chartTitle}</h2>
        {data ? <DailyChart stats={data} /> : <p className="muted">{t.app.loading}</p>}
      </section>
      <section className="card dashboard-card" aria-labelledby="dashboard-session">
        <h2 id="dashboard-session">{t.dashboard.session}</h2>
        {status?.session == null ? (
          <p className="muted">{t.dashboard.noSession}</p>
        ) : (
          <>
            <p className="big">{status.session.name}</p>
            <StatusBadge state={status.state} />
            <p className="muted">{status.linkedNumber ?? status.session.phoneNumber ?? ""}</p>
          </>
        )}
        <Link className="button button-secondary" to={routes.sessions}>
          {t.dashboard.manage}
        </Link>
      </section>
    </div>
  );
}

function StatTile({ id, title, value, hint }: { id: string; title: string; value: string; hint: string }) {
  return (
    <section className="card stat-tile" aria-labelledby={`dashboard-${id}`}>
      <h2 id={`dashboard-${id}`}>{title}</h2>
      <p className="big" data-stat={id}>
        {value}
      </p>
      <p className="muted small">{hint}</p>
    </section>
  );
}

/**
 * Every message status change arrives over SSE; each one schedules a re-count (coalesced), so the
 * chart follows sends without polling. Returns whether the subscription is up (else: poll).
 */
function useLiveRecount(): boolean {
  const utils = trpc.useUtils();
  const [isLive, setIsLive] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const subscription = trpc.messages.onStatus.useSubscription(undefined, {
    onStarted: () => setIsLive(true),
    onData: () => {
      if (pending.current !== null) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void utils.dashboard.stats.invalidate();
      }, RECOUNT_AFTER_EVENT_MS);
    },
    onError: () => setIsLive(false),
  });
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
  return isLive && subscription.status !== "error";
}
