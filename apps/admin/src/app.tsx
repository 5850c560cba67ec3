import { useEffect } from "react";
import { isUnauthorized, readError } from "./api/errors";
import { trpc } from "./api/trpc";
import { LoginPage } from "./auth/login-page";
import { ErrorText } from "./components/error-text";
import { BroadcastsPage } from "./broadcasts/broadcasts-page";
import { DashboardPage } from "./dashboard/dashboard-page";
import { useI18n } from "./i18n/i18n";
import { InboxPage } from "./inbox/inbox-page";
import { OptOutsPage } from "./inbox/opt-outs-page";
import { AppShell } from "./layout/app-shell";
import { MessagesPage } from "./messages/messages-page";
import { navigate, routes, usePathname } from "./router";
import { SessionsPage } from "./sessions/sessions-page";
import { useLiveSessionStatus } from "./sessions/use-session-status";
import { SettingsPage } from "./settings/settings-page";
import { TokensPage } from "./tokens/tokens-page";

export function App() {
  const { t } = useI18n();
  // Public: says whether first-run setup is needed before anyone has logged in.
  const health = trpc.health.useQuery();
  const me = trpc.auth.me.useQuery();
  const pathname = usePathname();
  // After a logout the query keeps its last data beside the new error: the error wins.
  const isSignedOut = me.error !== null && isUnauthorized(me.error);
  const isSignedIn = me.data !== undefined && !isSignedOut;

  useEffect(() => {
    if (isSignedOut && pathname !== routes.login) navigate(routes.login, { replace: true });
    if (isSignedIn && !pathname.startsWith("/admin/")) navigate(routes.dashboard, { replace: true });
  }, [isSignedIn, isSignedOut, pathname]);

  if (me.isPending || health.isPending) return <p className="muted center">{t.app.loading}</p>;
  if (isSignedOut) return <LoginPage needsSetup={health.data?.needsSetup === true} />;
  if (me.error !== null) return <ErrorText message={readError(me.error, t).message} />;
  return <SignedIn pathname={pathname} />;
}

function SignedIn({ pathname }: { pathname: string }) {
  const { isLive } = useLiveSessionStatus();
  return (
    <AppShell>
      {pathname === routes.sessions ? (
        <SessionsPage isLive={isLive} />
      ) : pathname === routes.messages ? (
        <MessagesPage />
      ) : pathname === routes.inbox ? (
        <InboxPage />
      ) : pathname === routes.broadcasts ? (
        <BroadcastsPage />
      ) : pathname === routes.optOuts ? (
        <OptOutsPage />
      ) : pathname === routes.tokens ? (
        <TokensPage />
      ) : pathname === routes.settings ? (
        <SettingsPage />
      ) : (
        <DashboardPage />
      )}
    </AppShell>
  );
}
