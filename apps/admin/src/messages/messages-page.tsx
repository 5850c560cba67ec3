import { MESSAGE_STATUSES, type MessageStatus } from "@kabar/core/schemas";
import { keepPreviousData } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";
import { FALLBACK_REFRESH_MS } from "../sessions/use-session-status";
import { MessageItem } from "./message-item";
import { OutboxControls } from "./outbox-controls";
import { SendTestForm } from "./send-test-form";

const pageSize = 25;

export function MessagesPage() {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const [status, setStatus] = useState<MessageStatus | "">("");
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const [isLive, setIsLive] = useState(false);

  // Each status change (sent → delivered → read) arrives over SSE; re-read the list it belongs to.
  const subscription = trpc.messages.onStatus.useSubscription(undefined, {
    onStarted: () => setIsLive(true),
    onData: () => void utils.messages.list.invalidate(),
    onError: () => setIsLive(false),
  });
  const live = isLive && subscription.status !== "error";

  const list = trpc.messages.list.useInfiniteQuery(
    {
      limit: pageSize,
      ...(status === "" ? {} : { status }),
      ...(deferredSearch === "" ? {} : { search: deferredSearch }),
    },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
      refetchInterval: live ? false : FALLBACK_REFRESH_MS,
    },
  );
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.messages.title}</h1>
      </header>
      <OutboxControls />
      <SendTestForm />
      <section className="card" aria-labelledby="outbox-title">
        <div className="section-head">
          <h2 id="outbox-title">{t.messages.listTitle}</h2>
          <span className="muted small">{live ? t.sessions.live : t.sessions.polling}</span>
        </div>
        <div className="filters">
          <label>
            <span>{t.messages.filterStatus}</span>
            <select value={status} onChange={(event) => setStatus(toStatus(event.target.value))}>
              <option value="">{t.messages.filterAll}</option>
              {MESSAGE_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {t.messages.statuses[value]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t.messages.filterSearch}</span>
            <input
              type="search"
              value={search}
              placeholder={t.messages.filterSearchPlaceholder}
              onChange={(event) => setSearch(event.target.value)}
            />
          </label>
        </div>
        {list.isPending ? <p className="muted">{t.app.loading}</p> : null}
        <ErrorText message={list.error === null ? null : readError(list.error, t).message} />
        {!list.isPending && items.length === 0 ? <p className="muted">{t.messages.empty}</p> : null}
        <ul className="messages">
          {items.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ul>
        {list.hasNextPage ? (
          <Button
            variant="secondary"
            onClick={() => void list.fetchNextPage()}
            isLoading={list.isFetchingNextPage}
            loadingLabel={t.app.loading}
          >
            {t.messages.loadMore}
          </Button>
        ) : null}
      </section>
    </div>
  );
}

function toStatus(value: string): MessageStatus | "" {
  return MESSAGE_STATUSES.find((status) => status === value) ?? "";
}
