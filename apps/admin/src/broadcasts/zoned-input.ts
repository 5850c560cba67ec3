import { zonedParts, zonedTimeToInstant } from "@kabar/core/time-zone";

/**
 * A <input type="datetime-local"> value read as a time in the organisation's time zone (not the
 * browser's), as an ISO instant; core's one time-zone rule does the conversion.
 */
export function localInputToInstant(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined
  )
    return null;
  return new Date(zonedTimeToInstant({ year, month, day, hour, minute }, timeZone)).toISOString();
}

/** An instant as the organisation's local time, for the datetime-local input's minimum. */
export function instantToLocalInput(instant: number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const two = (value: number) => String(value).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}
