import { useState } from "react";
import { readError } from "../api/errors";
import { type SessionRecord, type SessionStatus, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { StatusBadge } from "../components/status-badge";
import { format, useI18n } from "../i18n/i18n";
import { RefusalNotice } from "./refusal-notice";
import { detailText } from "../messages/detail-text";

interface SessionCardProps {
  session: SessionRecord;
  status: SessionStatus | undefined;
  isLive: boolean;
  onEdit: () => void;
  onShowQr: () => void;
}

/** The one session: its details, its live status and what can be done with it. */
export function SessionCard({ session, status, isLive, onEdit, onShowQr }: SessionCardProps) {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const [deleteRefusal, setDeleteRefusal] = useState<string | null>(null);
  const refresh = () => Promise.all([utils.session.get.invalidate(), utils.session.status.invalidate()]);
  const remove = trpc.session.delete.useMutation({ onSuccess: refresh });
  const disconnect = trpc.session.disconnect.useMutation({ onSuccess: refresh });
  const logout = trpc.session.logout.useMutation({ onSuccess: refresh });
  const takeOver = trpc.session.takeOver.useMutation({ onSuccess: refresh });

  const state = status?.state ?? "disconnected";
  const isLinking = state === "waiting_qr" || state === "waiting_pairing_code" || state === "connecting";
  const connectionError = disconnect.error ?? logout.error ?? takeOver.error;

  function requestDelete() {
    // The seed refuses to delete the default session; say so before asking the server.
    if (session.isDefault) {
      setDeleteRefusal(format(t.sessions.deleteRefused, { name: session.name }));
      return;
    }
    if (window.confirm(format(t.sessions.deleteConfirm, { name: session.name })))
      remove.mutate({ id: session.id });
  }

  const details: Array<[string, string]> = [
    [t.sessions.sessionId, session.sessionId],
    [t.sessions.phoneNumber, session.phoneNumber ?? t.sessions.none],
    [t.sessions.linkedNumber, status?.linkedNumber ?? t.sessions.none],
    [
      t.sessions.lastConnected,
      status?.lastConnectedAt == null ? t.sessions.never : formatDateTime(status.lastConnectedAt),
    ],
    [t.sessions.reconnectAttempts, String(status?.reconnectAttempts ?? 0)],
    // Codes from the server, translated here; its English text only for a code this panel predates.
    [
      t.sessions.stateReason,
      status?.reasonCode == null ? (status?.reason ?? t.sessions.none) : t.sessionReasons[status.reasonCode],
    ],
    [
      t.sessions.lastDisconnectReason,
      status?.lastDisconnectCode == null
        ? (status?.lastDisconnectReason ?? t.sessions.none)
        : t.disconnectCodes[status.lastDisconnectCode],
    ],
    [
      t.sessions.waWebVersion,
      status?.waWebVersion == null
        ? t.sessions.none
        : `${status.waWebVersion.version} (${t.sessions.waWebVersionSource[status.waWebVersion.source]})`,
    ],
  ];

  return (
    <section className="card session-card" aria-labelledby="session-name">
      <header className="session-header">
        <div>
          <h2 id="session-name">{session.name}</h2>
          {session.description === null ? null : <p className="muted">{session.description}</p>}
        </div>
        <div className="session-state">
          <StatusBadge state={state} />
          <span className="muted small">{isLive ? t.sessions.live : t.sessions.polling}</span>
        </div>
      </header>
      <div className="tags">
        {session.isActive ? <span className="tag">{t.sessions.active}</span> : null}
        {session.isDefault ? <span className="tag">{t.sessions.default}</span> : null}
      </div>
      <dl className="details">
        {details.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {status?.outboxPausedReason == null ? null : (
        <p className="notice notice-warn" data-outbox-paused={status.outboxPausedCode ?? undefined}>
          {format(t.sessions.outboxPaused, {
            reason:
              detailText(t, formatDateTime, {
                detail: status.outboxPausedReason,
                code: status.outboxPausedCode,
                params: status.outboxPausedParams,
              }) ?? status.outboxPausedReason,
          })}
        </p>
      )}
      <RefusalNotice status={status} />
      {status?.storageProblem == null ? null : (
        // Rendered only while set: the normal state keeps the card exactly as it was.
        <div className="notice notice-warn storage-problem" role="alert">
          <strong>{t.sessions.storageProblemTitle}</strong>
          <p>{status.storageProblem}</p>
          <p>{t.sessions.storageProblemAdvice}</p>
        </div>
      )}
      <div className="actions">
        {state === "connected" ? (
          <>
            <Button
              variant="secondary"
              onClick={() => disconnect.mutate()}
              isLoading={disconnect.isPending}
              loadingLabel={t.sessions.working}
            >
              {t.sessions.disconnect}
            </Button>
            <Button
              variant="danger"
              onClick={() => logout.mutate()}
              isLoading={logout.isPending}
              loadingLabel={t.sessions.working}
            >
              {t.sessions.logout}
            </Button>
          </>
        ) : isLinking ? (
          <Button onClick={onShowQr}>{t.sessions.showQr}</Button>
        ) : state === "replaced" ? (
          <Button
            onClick={() => takeOver.mutate()}
            isLoading={takeOver.isPending}
            loadingLabel={t.sessions.working}
          >
            {t.sessions.useThisServer}
          </Button>
        ) : (
          <Button onClick={onShowQr}>
            {state === "logged_out" ? t.sessions.showQr : t.sessions.connect}
          </Button>
        )}
        <Button variant="ghost" onClick={onEdit}>
          {t.sessions.edit}
        </Button>
        <Button
          variant="ghost"
          onClick={requestDelete}
          isLoading={remove.isPending}
          loadingLabel={t.sessions.deleting}
        >
          {t.sessions.delete}
        </Button>
      </div>
      <ErrorText message={connectionError === null ? null : readError(connectionError, t).message} />
      <ErrorText
        message={deleteRefusal ?? (remove.error === null ? null : readError(remove.error, t).message)}
      />
    </section>
  );
}
