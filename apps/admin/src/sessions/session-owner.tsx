import { trpc } from "../api/trpc";
import { format, useI18n } from "../i18n/i18n";

/** How often the owner line asks again: a takeover is not an event a follower's panel sees otherwise. */
const OWNER_REFRESH_MS = 10_000;

/** In cluster mode (PostgreSQL, several nodes): which node holds the WhatsApp session, since when. */
export function SessionOwner() {
  const { t, formatDateTime } = useI18n();
  const health = trpc.health.useQuery(undefined, { refetchInterval: OWNER_REFRESH_MS });
  const cluster = health.data?.cluster;
  if (cluster?.mode !== "cluster") return null;
  if (cluster.ownerNodeId === null || cluster.ownerSince === null) {
    return (
      <p className="notice" id="session-owner" role="status">
        {t.sessions.heldByNobody}
      </p>
    );
  }
  return (
    <p className="notice" id="session-owner" role="status">
      {format(t.sessions.heldBy, { node: cluster.ownerNodeId, since: formatDateTime(cluster.ownerSince) })}
      {cluster.isOwner ? ` ${t.sessions.heldByThisNode}` : ""}
    </p>
  );
}
