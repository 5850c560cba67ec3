import { useI18n } from "../i18n/i18n";

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  const next = locale === "id" ? "en" : "id";
  return (
    <button
      type="button"
      className="language-switch"
      onClick={() => setLocale(next)}
      aria-label={t.app.switchToLabel}
      lang={next}
    >
      {t.app.switchTo}
    </button>
  );
}
