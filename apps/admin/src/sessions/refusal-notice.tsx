import type { SessionStatus } from "../api/trpc";
import { useI18n } from "../i18n/i18n";

type Refusal = "client_too_old" | "banned" | "replaced";

/** What WhatsApp's refusal means and what to do, in the panel's language (the server's reason is English). */
export function RefusalNotice({ status }: { status: SessionStatus | undefined }) {
  const { t } = useI18n();
  const state = status?.state;
  if (state !== "client_too_old" && state !== "banned" && state !== "replaced") return null;
  const text: Record<Refusal, { title: string; advice: string }> = {
    client_too_old: { title: t.sessions.clientTooOldTitle, advice: t.sessions.clientTooOldAdvice },
    banned: { title: t.sessions.bannedTitle, advice: t.sessions.bannedAdvice },
    replaced: { title: t.sessions.replacedTitle, advice: t.sessions.replacedAdvice },
  };
  return (
    <div className="notice notice-warn refusal" role="alert" data-refusal={state}>
      <strong>{text[state].title}</strong>
      <p>{text[state].advice}</p>
    </div>
  );
}
