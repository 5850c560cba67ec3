import { randomUUID } from "node:crypto";
import type { Transaction } from "@libsql/client";
import { openConnection } from "./connection.js";
import { isPostgresUrl, prepareDatabaseFile, toFileUrl } from "./database-url.js";
import { detectLegacyDatabase } from "./legacy-onesender.js";
import { type MigrationFile, ONESENDER_BASELINE, readMigrationFiles } from "./migration-files.js";
import { migrationsDir } from "./paths.js";

export interface MigrationResult {
  /** Migrations run by this call, in order. */
  applied: string[];
  /** Migrations recorded as applied without running, because an older OneSender database already had them. */
  baselined: string[];
}

/** A migration that cannot be applied; the message is one line. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

// Prisma's own definition, so `prisma migrate status` and `migrate deploy` read our records.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/**
 * Applies prisma/migrations in process, recording each like `prisma migrate deploy` does. An older
 * OneSender database (its WhatsAppSession table, no record of our first migration) is baselined: the first
 * migration is recorded as applied and the rest move its rows to the current shape.
 *
 * Everything happens in one write transaction, so two processes starting at once serialise: the second
 * waits, then finds nothing left to do. A failure rolls back and leaves the database as it was.
 *
 * A postgresql:// URL applies prisma/postgresql/migrations instead (see migratePostgres).
 */
export async function migrateDatabase(
  url: string,
  directory: string = migrationsDir,
): Promise<MigrationResult> {
  if (isPostgresUrl(url)) {
    // loaded here: an SQLite server never loads pg
    const { migratePostgres } = await import("./postgres/migrate-postgres.js");
    const { applied } = await migratePostgres(url, undefined, (message) => new MigrationError(message));
    return { applied, baselined: [] };
  }
  const files = readMigrationFiles(directory);
  const client = openConnection(toFileUrl(prepareDatabaseFile(url)));
  try {
    const transaction = await client.scriptTransaction();
    try {
      const result = await applyPending(transaction, files);
      await transaction.commit();
      return result;
    } catch (error) {
      // SQLite may already have rolled back after a failed statement; the original error is what matters
      await transaction.rollback().catch(() => undefined);
      throw error;
    } finally {
      transaction.close();
    }
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(
      `cannot migrate ${url}: ${oneLine(error)} — check that DATABASE_URL names Kabar's database and that no other program keeps it locked`,
    );
  } finally {
    client.close();
  }
}

async function applyPending(transaction: Transaction, files: MigrationFile[]): Promise<MigrationResult> {
  await transaction.execute(CREATE_MIGRATIONS_TABLE);
  const records = await transaction.execute(
    `SELECT "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`,
  );
  const done = new Set<string>();
  for (const row of records.rows) {
    const name = String(row.migration_name);
    if (row.finished_at === null && row.rolled_back_at === null) {
      throw new MigrationError(
        `migration ${name} failed earlier and is marked unfinished — restore a backup, or fix the database and run \`prisma migrate resolve --applied ${name}\``,
      );
    }
    if (row.rolled_back_at === null) done.add(name);
  }

  const result: MigrationResult = { applied: [], baselined: [] };
  if (!done.has(ONESENDER_BASELINE)) {
    const legacy = await detectLegacyDatabase(transaction);
    if (legacy === "unrecognised") {
      throw new MigrationError(
        "the database has a WhatsAppSession table but no migration history (made by `prisma db push`?) — point DATABASE_URL at a new file, or record the migrations with `prisma migrate resolve --applied <name>`",
      );
    }
    const baseline = files.find((file) => file.name === ONESENDER_BASELINE);
    if (legacy === "onesender" && baseline) {
      await record(transaction, baseline, 0);
      done.add(baseline.name);
      result.baselined.push(baseline.name);
    }
  }

  for (const file of files) {
    if (done.has(file.name)) continue;
    try {
      await transaction.executeMultiple(file.sql);
    } catch (error) {
      throw new MigrationError(`migration ${file.name} failed: ${oneLine(error)} — nothing was changed`);
    }
    await record(transaction, file, 1);
    result.applied.push(file.name);
  }
  return result;
}

async function record(transaction: Transaction, file: MigrationFile, appliedSteps: number): Promise<void> {
  // The same ISO format Prisma's libsql adapter writes.
  const now = new Date().toISOString().replace("Z", "+00:00");
  await transaction.execute({
    sql: `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
          VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)`,
    args: [randomUUID(), file.checksum, now, file.name, now, appliedSteps],
  });
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
