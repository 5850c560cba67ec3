import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { en } from "./en";
import { id, type Messages } from "./id";

export type Locale = "id" | "en";

const dictionaries: Record<Locale, Messages> = { id, en };
const storageKey = "kabar.locale";

function readStoredLocale(): Locale {
  try {
    return window.localStorage.getItem(storageKey) === "en" ? "en" : "id";
  } catch {
    // Storage can be blocked (private mode); Indonesian is the default anyway.
    return "id";
  }
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = values[key];
    return value === undefined ? whole : String(value);
  });
}

interface I18nValue {
  locale: Locale;
  t: Messages;
  setLocale: (locale: Locale) => void;
  formatDateTime: (iso: string) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(readStoredLocale);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(storageKey, next);
    } catch {
      // Not persisted, but the switch still works for this visit.
    }
  }, []);

  const value = useMemo<I18nValue>(() => {
    const dateFormat = new Intl.DateTimeFormat(locale === "id" ? "id-ID" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "medium",
    });
    return {
      locale,
      t: dictionaries[locale],
      setLocale,
      formatDateTime: (iso) => dateFormat.format(new Date(iso)),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (value === null) throw new Error("useI18n must be used inside <I18nProvider>");
  return value;
}
