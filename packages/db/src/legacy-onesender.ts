import type { Transaction } from "@libsql/client";

export type LegacyKind = "empty" | "onesender" | "unrecognised";

// Columns of the OneSender table that later migrations read, with what to add when a OneSender build
// predates one of them (those builds made the table by hand, so not every database has all of them).
const ONESENDER_OPTIONAL_COLUMNS: Record<string, string> = {
  phoneNumber: `"phoneNumber" TEXT`,
  description: `"description" TEXT`,
  isActive: `"isActive" BOOLEAN NOT NULL DEFAULT true`,
  isDefault: `"isDefault" BOOLEAN NOT NULL DEFAULT false`,
  createdAt: `"createdAt" DATETIME NOT NULL DEFAULT 0`,
  updatedAt: `"updatedAt" DATETIME NOT NULL DEFAULT 0`,
};

/**
 * Tells a database with no record of our first migration apart: empty (run everything), built by OneSender
 * (a WhatsAppSession table with apiKey and no sessionId: baseline it), or unrecognised (e.g. Kabar's tables
 * made by `prisma db push`, with no migration history). A OneSender table missing optional columns gets them here, so the move to the
 * current shape can read every row.
 */
export async function detectLegacyDatabase(transaction: Transaction): Promise<LegacyKind> {
  const info = await transaction.execute(`SELECT "name" FROM pragma_table_info('WhatsAppSession')`);
  const columns = new Set(info.rows.map((row) => String(row.name)));
  if (columns.size === 0) return "empty";
  if (columns.has("sessionId") || !columns.has("apiKey")) return "unrecognised";
  for (const [column, definition] of Object.entries(ONESENDER_OPTIONAL_COLUMNS)) {
    if (!columns.has(column))
      await transaction.execute(`ALTER TABLE "WhatsAppSession" ADD COLUMN ${definition}`);
  }
  return "onesender";
}
