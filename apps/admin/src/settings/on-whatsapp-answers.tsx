import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";

/** The cached on-WhatsApp answers per number, and clearing one so the next message checks again. */
export function OnWhatsAppAnswers() {
  const { t, formatDateTime } = useI18n();
  const utils = trpc.useUtils();
  const answers = trpc.onWhatsApp.list.useQuery();
  const clear = trpc.onWhatsApp.clear.useMutation({ onSuccess: () => utils.onWhatsApp.list.invalidate() });
  const items = answers.data ?? [];
  return (
    <section className="card" aria-labelledby="on-whatsapp-title">
      <h2 id="on-whatsapp-title">{t.onWhatsApp.title}</h2>
      <p className="muted small">{t.onWhatsApp.intro}</p>
      {answers.isPending ? <p className="muted">{t.app.loading}</p> : null}
      {!answers.isPending && items.length === 0 ? <p className="muted">{t.onWhatsApp.empty}</p> : null}
      <ul className="token-list">
        {items.map((answer) => (
          <li key={answer.number} className="token" data-number={answer.number}>
            <div>
              <strong>{answer.number}</strong>
              <p className="muted small">
                {t.onWhatsApp.answer}: {answer.isOnWhatsApp ? t.onWhatsApp.yes : t.onWhatsApp.no} ·{" "}
                {t.onWhatsApp.expires}:{" "}
                <time dateTime={answer.expiresAt}>{formatDateTime(answer.expiresAt)}</time>
              </p>
            </div>
            <Button
              variant="secondary"
              onClick={() => clear.mutate({ number: answer.number })}
              isLoading={clear.isPending && clear.variables?.number === answer.number}
              loadingLabel={t.onWhatsApp.clearing}
            >
              {t.onWhatsApp.clear}
            </Button>
          </li>
        ))}
      </ul>
      <ErrorText message={answers.error === null ? null : readError(answers.error, t).message} />
      <ErrorText message={clear.error === null ? null : readError(clear.error, t).message} />
    </section>
  );
}
