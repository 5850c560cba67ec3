import { type ReactNode, useState } from "react";
import { readError } from "../api/errors";
import { trpc } from "../api/trpc";
import { ErrorText } from "../components/error-text";
import { useI18n } from "../i18n/i18n";
import { Link, routes } from "../router";
import { LanguageSwitch } from "./language-switch";

const navigation = [
  { to: routes.dashboard, key: "dashboard" },
  { to: routes.sessions, key: "sessions" },
  { to: routes.messages, key: "messages" },
  { to: routes.inbox, key: "inbox" },
  { to: routes.broadcasts, key: "broadcasts" },
  { to: routes.optOuts, key: "optOuts" },
  { to: routes.tokens, key: "tokens" },
  { to: routes.settings, key: "settings" },
] as const;

export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const utils = trpc.useUtils();
  const meta = trpc.health.useQuery();
  const [isMenuOpen, setIsMenuOpen] = useState(false);
  const logout = trpc.auth.logout.useMutation({ onSuccess: () => utils.invalidate() });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      {meta.data?.simulated === true ? (
        <p className="banner" role="note">
          {t.app.simulatedBanner}
        </p>
      ) : null}
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-button"
          aria-expanded={isMenuOpen}
          aria-controls="sidebar"
          aria-label={isMenuOpen ? t.app.closeMenu : t.app.openMenu}
          onClick={() => setIsMenuOpen((open) => !open)}
        >
          ☰
        </button>
        <span className="brand">{t.app.name}</span>
        <LanguageSwitch />
      </header>
      <div className="shell-body">
        <nav id="sidebar" className={`sidebar${isMenuOpen ? " sidebar-open" : ""}`} aria-label={t.app.name}>
          <ul>
            {navigation.map((item) => (
              <li key={item.to}>
                <Link to={item.to} onClick={() => setIsMenuOpen(false)}>
                  {t.nav[item.key]}
                </Link>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="sidebar-logout"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
            aria-busy={logout.isPending}
          >
            {logout.isPending ? t.nav.loggingOut : t.nav.logout}
          </button>
          <ErrorText message={logout.error === null ? null : readError(logout.error, t).message} />
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
