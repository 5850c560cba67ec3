/**
 * Prisma's SQLite adapter stores DateTime as ISO text with "+00:00" (always milliseconds), so raw
 * SQL that writes or compares dates must use the same text: comparisons on it are textual.
 * PostgreSQL takes the same text into its `timestamp(3)` columns (UTC, as Prisma stores them there).
 */
export function toStoredDate(date: Date | number): string {
  return new Date(date).toISOString().replace(/Z$/, "+00:00");
}
