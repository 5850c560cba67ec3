import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";

/** A contact's messages both ways, oldest first. */
export function ThreadView({ phone }: { phone: string }) {
  const { t, formatDateTime } = useI18n();
  const thread = trpc.inbox.thread.useQuery({ phone });
  return (
    <>
      <ErrorText message={thread.error === null ? null : readError(thread.error, t).message} />
      <ol className="inbox-thread" aria-label={t.inbox.thread}>
        {thread.data?.map((entry) => (
          <li key={`${entry.direction}-${entry.message.id}`} className={`bubble bubble-${entry.direction}`}>
            <span>
              {entry.direction === "in"
                ? (entry.message.text ?? entry.message.caption ?? `[${entry.message.type}]`)
                : (entry.message.text ?? `[${entry.message.type}]`)}
            </span>
            <span className="muted small">
              {formatDateTime(entry.at)}
              {entry.direction === "out" ? ` · ${t.messages.statuses[entry.message.status]}` : ""}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
