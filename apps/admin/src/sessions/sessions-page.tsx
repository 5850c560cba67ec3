import { useCallback, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";
import { QrModal } from "./qr-modal";
import { SessionCard } from "./session-card";
import { SessionForm } from "./session-form";
import { SessionOwner } from "./session-owner";
import { useSessionStatus } from "./use-session-status";

type Mode = "view" | "create" | "edit";

export function SessionsPage({ isLive }: { isLive: boolean }) {
  const { t } = useI18n();
  const session = trpc.session.get.useQuery();
  const status = useSessionStatus();
  const [mode, setMode] = useState<Mode>("view");
  const [isQrOpen, setIsQrOpen] = useState(false);
  const [connectedNumber, setConnectedNumber] = useState<string | null>(null);

  const closeQr = useCallback(() => setIsQrOpen(false), []);
  const onConnected = useCallback((linkedNumber: string | null) => {
    setIsQrOpen(false);
    setConnectedNumber(linkedNumber ?? "");
  }, []);
  const openQr = useCallback(() => {
    setConnectedNumber(null);
    setIsQrOpen(true);
  }, []);

  if (session.isPending) return <p className="muted">{t.app.loading}</p>;
  if (session.error !== null) return <ErrorText message={readError(session.error, t).message} />;

  const record = session.data;
  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.sessions.title}</h1>
      </header>
      {connectedNumber === null ? null : (
        <p className="notice notice-ok" role="status">
          <strong>{t.qr.connectedTitle}</strong> {format(t.qr.connectedBody, { number: connectedNumber })}
        </p>
      )}
      {record === null ? (
        mode === "create" ? (
          <SessionForm
            onCancel={() => setMode("view")}
            onDone={() => {
              setMode("view");
              // The modal starts linking and shows the QR as soon as the socket reports one.
              openQr();
            }}
          />
        ) : (
          <div className="card empty">
            <h2>{t.sessions.emptyTitle}</h2>
            <p className="muted">{t.sessions.emptyBody}</p>
            <Button onClick={() => setMode("create")}>{t.sessions.add}</Button>
          </div>
        )
      ) : mode === "edit" ? (
        <SessionForm session={record} onCancel={() => setMode("view")} onDone={() => setMode("view")} />
      ) : (
        <>
          <SessionCard
            session={record}
            status={status.data}
            isLive={isLive}
            onEdit={() => setMode("edit")}
            onShowQr={openQr}
          />
          <SessionOwner />
          <p className="notice" id="only-one-session">
            {format(t.sessions.onlyOne, { name: record.name })}
          </p>
        </>
      )}
      {isQrOpen ? <QrModal onClose={closeQr} onConnected={onConnected} /> : null}
    </div>
  );
}
