import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/** The panel's few pages; a tiny History-API router keeps the bundle free of a routing library. */
export const routes = {
  login: "/login",
  dashboard: "/admin/dashboard",
  sessions: "/admin/sessions",
  messages: "/admin/messages",
  inbox: "/admin/inbox",
  broadcasts: "/admin/broadcasts",
  optOuts: "/admin/opt-outs",
  tokens: "/admin/tokens",
  settings: "/admin/settings",
} as const;

export type RoutePath = (typeof routes)[keyof typeof routes];

const changeEvent = "kabar:navigate";

function subscribe(onChange: () => void) {
  window.addEventListener("popstate", onChange);
  window.addEventListener(changeEvent, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(changeEvent, onChange);
  };
}

export function navigate(path: RoutePath, options: { replace?: boolean } = {}) {
  if (window.location.pathname === path) return;
  if (options.replace === true) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(changeEvent));
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> {
  to: RoutePath;
}

export function Link({ to, onClick, ...rest }: LinkProps) {
  const pathname = usePathname();
  function follow(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    // Leave modified clicks (new tab, etc.) to the browser.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  }
  return <a {...rest} href={to} onClick={follow} aria-current={pathname === to ? "page" : undefined} />;
}
