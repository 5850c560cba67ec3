import { MESSAGE_STATUSES } from "@kabar/core/schemas";
import { trpc } from "../api/trpc";
import { StatusBadge } from "../components/status-badge";
import { useI18n } from "../i18n/i18n";
import { Link, routes } from "../router";
import { useSessionStatus } from "../sessions/use-session-status";

export function DashboardPage() {
  const { t } = useI18n();
  const status = useSessionStatus().data;
  const recent = trpc.messages.list.useQuery({ limit: 100 });
  const counts = new Map<string, number>();
  for (const message of recent.data?.items ?? [])
    counts.set(message.status, (counts.get(message.status) ?? 0) + 1);

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.dashboard.title}</h1>
      </header>
      <div className="grid-2">
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
        <section className="card dashboard-card" aria-labelledby="dashboard-outbox">
          <h2 id="dashboard-outbox">{t.dashboard.outbox}</h2>
          <dl className="counts">
            {MESSAGE_STATUSES.map((value) => (
              <div key={value}>
                <dt>{t.messages.statuses[value]}</dt>
                <dd>{counts.get(value) ?? 0}</dd>
              </div>
            ))}
          </dl>
          <Link className="button button-secondary" to={routes.messages}>
            {t.dashboard.viewMessages}
          </Link>
        </section>
      </div>
    </div>
  );
}
