import type { SessionState } from "../api/trpc";
import { useI18n } from "../i18n/i18n";

const tone: Record<SessionState, "ok" | "wait" | "off" | "bad"> = {
  connected: "ok",
  connecting: "wait",
  waiting_qr: "wait",
  waiting_pairing_code: "wait",
  disconnected: "off",
  logged_out: "bad",
  client_too_old: "bad",
  banned: "bad",
  replaced: "bad",
};

export function StatusBadge({ state }: { state: SessionState }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${tone[state]}`} data-state={state}>
      <span className="dot" aria-hidden="true" />
      {t.state[state]}
    </span>
  );
}
