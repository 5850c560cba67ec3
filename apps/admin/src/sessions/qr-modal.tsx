import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { readError } from "../api/errors";
import { type SessionStatus, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { Modal } from "../components/modal";
import { StatusBadge } from "../components/status-badge";
import { format, useI18n } from "../i18n/i18n";
import { PairingCodeForm } from "./pairing-code-form";
import { QrImage } from "./qr-image";
import { scanWithSimulatedPhone } from "./simulated-phone";
import { useNow } from "./use-now";
import { useSessionStatus } from "./use-session-status";

const rotationGraceMs = 5000;

interface QrModalProps {
  onClose: () => void;
  /** Called once when the session reports connected; the parent closes the modal and shows the number. */
  onConnected: (linkedNumber: string | null) => void;
}

export function QrModal({ onClose, onConnected }: QrModalProps) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const status = useSessionStatus().data;
  const health = trpc.health.useQuery();
  // Each answer is the new status; put it in the cache at once rather than wait for the event.
  const onSuccess = (next: SessionStatus) => utils.session.status.setData(undefined, next);
  const refresh = trpc.session.refreshQr.useMutation({ onSuccess });
  const connect = trpc.session.connect.useMutation({ onSuccess });
  const simulatedScan = useMutation({
    mutationFn: ({ controlUrl, qr }: { controlUrl: string; qr: string }) =>
      scanWithSimulatedPhone(controlUrl, qr),
  });

  const qr = status?.qr ?? null;
  const state = status?.state ?? "connecting";
  const isIdle = state === "disconnected" || state === "logged_out";

  // Opening the modal starts linking when nothing is under way (after create, "Hubungkan", "Show QR").
  const hasStarted = useRef(false);
  useEffect(() => {
    if (status === undefined || hasStarted.current) return;
    hasStarted.current = true;
    if (status.state === "disconnected" || status.state === "logged_out") connect.mutate({});
  }, [status, connect]);

  const now = useNow(qr !== null);
  const msLeft = qr === null ? 0 : Date.parse(qr.expiresAt) - now;
  const secondsLeft = Math.max(0, Math.ceil(msLeft / 1000));
  const [isRefreshing, setIsRefreshing] = useState(false);
  const isWorking = connect.isPending || refresh.isPending;
  // While the socket waits, WhatsApp rotates the code by itself a moment after it expires; only a code
  // stale past this grace, or a socket that gave up (its codes ran out), needs the person to act.
  const isStale = qr !== null && msLeft < -rotationGraceMs;
  const isExpired = !isWorking && (isStale || (isIdle && hasStarted.current));

  const hasReported = useRef(false);
  useEffect(() => {
    if (state === "connected" && !hasReported.current) {
      hasReported.current = true;
      onConnected(status?.linkedNumber ?? null);
    }
  }, [state, status?.linkedNumber, onConnected]);

  function refreshQr() {
    setIsRefreshing(true);
    const done = { onSettled: () => setIsRefreshing(false) };
    // A socket that gave up (codes ran out, or logged out) needs a new connect; a live one a new code.
    if (isIdle) connect.mutate({}, done);
    else refresh.mutate(undefined, done);
  }

  const actionError = refresh.error ?? connect.error;
  const controlUrl = health.data?.simulated === true ? health.data.simulatorControlUrl : null;

  return (
    <Modal title={t.qr.title} onClose={onClose} closeLabel={t.qr.close}>
      <div className="qr-layout">
        <div className="qr-side">
          <QrImage
            value={qr?.value ?? null}
            alt={t.qr.imageAlt}
            isExpired={isExpired || (qr !== null && secondsLeft === 0)}
            overlay={
              isExpired || isRefreshing ? (
                <Button onClick={refreshQr} isLoading={isRefreshing} loadingLabel={t.qr.refreshing}>
                  {t.qr.refresh}
                </Button>
              ) : null
            }
          />
          <p className="qr-countdown" aria-live="polite">
            {isExpired
              ? t.qr.expired
              : qr === null || isWorking || secondsLeft === 0
                ? t.qr.waiting
                : format(t.qr.expiresIn, { seconds: secondsLeft })}
          </p>
          <ErrorText message={actionError === null ? null : readError(actionError, t).message} />
        </div>
        <div className="qr-info">
          <div className="qr-status" aria-live="polite">
            <span>{t.sessions.status}</span>
            <StatusBadge state={state} />
          </div>
          <p className="qr-steps-title">{t.qr.instructionsTitle}</p>
          <ol className="qr-steps">
            <li>{t.qr.step1}</li>
            <li>{t.qr.step2}</li>
            <li>{t.qr.step3}</li>
          </ol>
          {controlUrl === null || controlUrl === undefined ? null : (
            <div className="simulated-scan">
              <Button
                variant="secondary"
                disabled={qr === null || isExpired}
                isLoading={simulatedScan.isPending}
                loadingLabel={t.qr.simulatedScanning}
                onClick={() => {
                  if (qr !== null) simulatedScan.mutate({ controlUrl, qr: qr.value });
                }}
              >
                {t.qr.simulatedScan}
              </Button>
              <ErrorText
                message={simulatedScan.error === null ? null : readError(simulatedScan.error, t).message}
              />
            </div>
          )}
          <PairingCodeForm
            defaultPhone={status?.session?.phoneNumber ?? ""}
            code={status?.pairingCode?.code ?? null}
          />
        </div>
      </div>
    </Modal>
  );
}
