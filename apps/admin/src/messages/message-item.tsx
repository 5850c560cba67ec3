import { readError } from "../api/errors";
import { type MessageRecord, trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";

/** One outbox row: recipient, text, status, and its status history as a timeline. */
export function MessageItem({ message }: { message: MessageRecord }) {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const resend = trpc.messages.resend.useMutation({ onSuccess: () => utils.messages.list.invalidate() });
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
          {message.events.map((event) => (
            <li key={`${event.status}-${event.at}`}>
              <span className={`status status-${event.status}`}>{t.messages.statuses[event.status]}</span>
              <time dateTime={event.at}>{formatDateTime(event.at)}</time>
              {event.detail === null ? null : <span className="muted">{event.detail}</span>}
            </li>
          ))}
        </ol>
      </details>
      {message.lastError === null ? null : <p className="error-text">{message.lastError}</p>}
      {message.status === "failed" ? (
        <div className="actions">
          <Button
            variant="secondary"
            onClick={() => resend.mutate({ id: message.id })}
            isLoading={resend.isPending}
            loadingLabel={t.messages.resending}
          >
            {t.messages.resend}
          </Button>
          <ErrorText message={resend.error === null ? null : readError(resend.error, t).message} />
        </div>
      ) : null}
    </li>
  );
}
