import { useState } from "react";
import { readError } from "../api/errors";
import { type MessageRecord, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";
import { detailText } from "./detail-text";

/** One outbox row: recipient, text, status, and its status history as a timeline. */
export function MessageItem({ message }: { message: MessageRecord }) {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const resend = trpc.messages.resend.useMutation({ onSuccess: () => utils.messages.list.invalidate() });
  const cancel = trpc.messages.cancel.useMutation({ onSuccess: () => utils.messages.list.invalidate() });
  const canResend = message.status === "failed" || message.status === "held";
  const canCancel = message.status === "queued" || message.status === "held";
  const actionError = resend.error ?? cancel.error;
  return (
    <li className="message" data-message-id={message.id} data-status={message.status}>
      <div className="message-head">
        <span className="message-to">{message.to}</span>
        <span className={`status status-${message.status}`}>{t.messages.statuses[message.status]}</span>
      </div>
      <p className="message-text">{message.text ?? message.fileName ?? ""}</p>
      <details>
        <summary>
          {t.messages.timeline} · {format(t.messages.attempts, { count: message.attempts })}
        </summary>
        <ol className="timeline">
          {message.events.map((event) => {
            const text = detailText(t, formatDateTime, event);
            return (
              <li key={`${event.status}-${event.at}`} data-code={event.code ?? undefined}>
                <span className={`status status-${event.status}`}>{t.messages.statuses[event.status]}</span>
                <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                {/* the English words (WhatsApp's own error among them) stay at hand as a tooltip */}
                {text === null ? null : (
                  <span className="muted" title={event.detail ?? undefined}>
                    {text}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      </details>
      {message.lastError === null ? null : (
        <p className="error-text" title={message.lastError}>
          {detailText(t, formatDateTime, {
            detail: message.lastError,
            code: message.lastErrorCode,
            params: message.lastErrorParams,
          })}
        </p>
      )}
      {message.holdLink === null ? null : <HoldLink link={message.holdLink} />}
      {canResend || canCancel ? (
        <div className="actions">
          {canResend ? (
            <Button
              variant="secondary"
              onClick={() => resend.mutate({ id: message.id })}
              isLoading={resend.isPending}
              loadingLabel={t.messages.resending}
            >
              {t.messages.resend}
            </Button>
          ) : null}
          {canCancel ? (
            <Button
              variant="secondary"
              onClick={() => cancel.mutate({ id: message.id })}
              isLoading={cancel.isPending}
              loadingLabel={t.messages.cancelling}
            >
              {t.messages.cancel}
            </Button>
          ) : null}
          <ErrorText message={actionError === null ? null : readError(actionError, t).message} />
        </div>
      ) : null}
    </li>
  );
}

/** The wa.me link a held message carries: the recipient opens it and writes, and the message goes. */
function HoldLink({ link }: { link: string }) {
  const { t } = useI18n();
  const [isCopied, setIsCopied] = useState(false);
  return (
    <div className="hold-link">
      <p className="muted small">{t.messages.holdLink}</p>
      <a href={link} target="_blank" rel="noreferrer" data-hold-link>
        {link}
      </a>
      <Button
        variant="secondary"
        onClick={() => {
          void navigator.clipboard
            ?.writeText(link)
            .then(() => setIsCopied(true))
            .catch(() => setIsCopied(false));
        }}
      >
        {isCopied ? t.messages.linkCopied : t.messages.copyLink}
      </Button>
    </div>
  );
}
