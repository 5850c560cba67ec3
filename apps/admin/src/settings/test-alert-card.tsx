import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { Button } from "../components/button";
import { ErrorText } from "../components/error-text";
import { format, useI18n } from "../i18n/i18n";

/** Where alerts go, and "send test alert": a wrong SMTP setting shows now, not during an incident. */
export function TestAlertCard() {
  const { t } = useI18n();
  const status = trpc.alerts.status.useQuery();
  const test = trpc.alerts.sendTest.useMutation();
  const email = status.data?.email ?? null;
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t.alerts.title}</h2>
      <p className="muted">
        {email === null ? t.alerts.noEmail : format(t.alerts.emailTo, { to: email.to, server: email.server })}
      </p>
      <div className="actions">
        <Button
          variant="secondary"
          isLoading={test.isPending}
          loadingLabel={t.alerts.sending}
          onClick={() => test.mutate()}
        >
          {t.alerts.sendTest}
        </Button>
        {test.isSuccess ? (
          <span className="muted" role="status">
            {test.data.emailed ? t.alerts.sentEmail : t.alerts.sentWebhookOnly}
          </span>
        ) : null}
      </div>
      <ErrorText message={test.error === null ? null : readError(test.error, t).message} />
    </section>
  );
}
