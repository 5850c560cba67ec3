/**
 * Days in the organisation's time zone (an IANA name such as Asia/Jakarta), whatever TZ the server
 * runs with: the daily cap, schedules and the dashboard's days all count the organiser's calendar.
 */

/** True when the runtime knows `name` as an IANA time zone. */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time at `instant` in `timeZone`. */
export function zonedParts(instant: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant when the wall clock in `timeZone` reads the given local time. Two passes settle the
 * offset across a daylight-saving change; a time skipped by a change resolves to just after it.
 */
export function zonedTimeToInstant(
  local: Omit<ZonedParts, "second"> & { second?: number },
  timeZone: string,
): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second ?? 0);
  let instant = asUtc - offsetAt(asUtc, timeZone);
  instant = asUtc - offsetAt(instant, timeZone);
  return instant;
}

/** Midnight that starts the day containing `instant`, in `timeZone`. */
export function startOfDayIn(instant: number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  return zonedTimeToInstant({ year: p.year, month: p.month, day: p.day, hour: 0, minute: 0 }, timeZone);
}

/** Midnight that starts the next day after `instant`, in `timeZone`. */
export function startOfNextDayIn(instant: number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  // Date.UTC rolls day 32 over into the next month, so the calendar arithmetic stays in UTC.
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return zonedTimeToInstant(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
    },
    timeZone,
  );
}

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD. */
export function dayKeyIn(instant: number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}
