import type { Locale } from "../i18n/i18n";

const numberLocale = (locale: Locale) => (locale === "id" ? "id-ID" : "en-GB");

/** 0.987 → "98,7%" (id) / "98.7%" (en). */
export function formatRate(rate: number, locale: Locale): string {
  return new Intl.NumberFormat(numberLocale(locale), { style: "percent", maximumFractionDigits: 1 }).format(
    rate,
  );
}

/** A duration in the largest unit that keeps it readable: "850 md", "2,5 dtk", "3,2 mnt", "1,5 jam". */
export function formatDuration(ms: number, locale: Locale): string {
  const [value, unit] =
    ms < 1000
      ? [ms, "millisecond"]
      : ms < 60_000
        ? [ms / 1000, "second"]
        : ms < 3_600_000
          ? [ms / 60_000, "minute"]
          : [ms / 3_600_000, "hour"];
  return new Intl.NumberFormat(numberLocale(locale), {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(value);
}
