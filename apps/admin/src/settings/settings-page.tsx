import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";
import { OnWhatsAppAnswers } from "./on-whatsapp-answers";
import { ReplyAlertSettingsForm } from "./reply-alert-settings-form";
import { SettingsForm } from "./settings-form";
import { TestAlertCard } from "./test-alert-card";

export function SettingsPage() {
  const { t } = useI18n();
  const settings = trpc.settings.get.useQuery();
  return (
    <div className="page">
      <header className="page-header">
        <h1>{t.settings.title}</h1>
      </header>
      {settings.isPending ? <p className="muted">{t.app.loading}</p> : null}
      <ErrorText message={settings.error === null ? null : readError(settings.error, t).message} />
      {/* Mounted once the values are loaded, so the form starts from what the server holds. */}
      {settings.data === undefined ? null : <SettingsForm initial={settings.data} />}
      <OnWhatsAppAnswers />
      {settings.data === undefined ? null : <ReplyAlertSettingsForm initial={settings.data} />}
      <TestAlertCard />
    </div>
  );
}
