import { useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";
import { FALLBACK_REFRESH_MS } from "../sessions/use-session-status";
import { ReplyForm } from "./reply-form";
import { ThreadView } from "./thread-view";

/** "Kotak Masuk": contacts grouped, unread counts, a thread and a reply box that sends through the outbox. */
export function InboxPage() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [selected, setSelected] = useState<string | null>(null);
  const [isLive, setIsLive] = useState(false);
  // a contact's new message arrives over SSE: re-read the list and the open thread
  const subscription = trpc.inbox.onMessage.useSubscription(undefined, {
    onStarted: () => setIsLive(true),
    onData: () => {
      void utils.inbox.contacts.invalidate();
      void utils.inbox.thread.invalidate();
    },
    onError: () => setIsLive(false),
  });
  const live = isLive && subscription.status !== "error";
  const contacts = trpc.inbox.contacts.useQuery(undefined, {
    refetchInterval: live ? false : FALLBACK_REFRESH_MS,
  });
  const markRead = trpc.inbox.markRead.useMutation({
    onSuccess: () => utils.inbox.contacts.invalidate(),
  });

  function open(phone: string) {
    setSelected(phone);
    markRead.mutate({ phone });
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.inbox.title}</h1>
      </header>
      <div className="inbox">
        <section className="card" aria-labelledby="inbox-contacts-title">
          <div className="section-head">
            <h2 id="inbox-contacts-title">{t.inbox.contacts}</h2>
            <span className="muted small">{live ? t.sessions.live : t.sessions.polling}</span>
          </div>
          <ErrorText message={contacts.error === null ? null : readError(contacts.error, t).message} />
          {contacts.data?.length === 0 ? <p className="muted">{t.inbox.empty}</p> : null}
          <ul className="inbox-contacts">
            {contacts.data?.map((contact) => (
              <li key={contact.phone}>
                <button
                  type="button"
                  className="inbox-contact"
                  aria-current={selected === contact.phone ? "true" : undefined}
                  onClick={() => open(contact.phone)}
                >
                  <span className="inbox-phone">
                    {contact.isLid ? `LID ${contact.phone}` : `+${contact.phone}`}
                  </span>
                  {contact.unread > 0 ? (
                    <span className="badge badge-wait" data-unread={contact.unread}>
                      {format(t.inbox.unread, { count: contact.unread })}
                    </span>
                  ) : null}
                  {contact.optedOut ? <span className="badge badge-off">{t.inbox.optedOut}</span> : null}
                  <span className="muted small inbox-preview">
                    {contact.lastMessage.text ??
                      contact.lastMessage.caption ??
                      `[${contact.lastMessage.type}]`}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        {selected === null ? null : (
          <section className="card" aria-labelledby="inbox-thread-title">
            <h2 id="inbox-thread-title">{format(t.inbox.threadTitle, { phone: selected })}</h2>
            <ThreadView phone={selected} />
            <ReplyForm phone={selected} />
          </section>
        )}
      </div>
    </div>
  );
}
