import { randomUUID } from "node:crypto";
import pg from "pg";
import { type MigrationFile, readMigrationFiles } from "../migration-files.js";
import { postgresMigrationsDir } from "../paths.js";
import { redactPassword } from "../database-url.js";

// Prisma's own definition, so `prisma migrate status` and `migrate deploy` read our records.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Any constant: the advisory lock that makes nodes starting at once migrate one after the other. */
const MIGRATION_LOCK = 4_206_917;

export interface PostgresMigrationResult {
  applied: string[];
}

/**
 * Applies prisma/postgresql/migrations in one transaction, recording each like `prisma migrate deploy`.
 * Nodes starting together serialise on an advisory lock held for the transaction: the second waits, then
 * finds nothing left to do. A failure rolls back and leaves the database as it was.
 */
export async function migratePostgres(
  url: string,
  directory: string = postgresMigrationsDir,
  fail: (message: string) => Error = (message) => new Error(message),
): Promise<PostgresMigrationResult> {
  const files = readMigrationFiles(directory);
  const client = new pg.Client({ connectionString: url, application_name: "kabar-migrate" });
  try {
    await client.connect();
  } catch (error) {
    throw fail(
      `cannot reach the database ${redactPassword(url)}: ${oneLine(error)} — check DATABASE_URL and that PostgreSQL runs`,
    );
  }
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const applied = await applyPending(client, files, fail);
    await client.query("COMMIT");
    return { applied };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error instanceof Error && error.message.startsWith("migration ")
      ? error
      : fail(`cannot migrate ${redactPassword(url)}: ${oneLine(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyPending(
  client: pg.Client,
  files: MigrationFile[],
  fail: (message: string) => Error,
): Promise<string[]> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const records = await client.query<{
    migration_name: string;
    finished_at: Date | null;
    rolled_back_at: Date | null;
  }>(`SELECT "migration_name", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`);
  const done = new Set<string>();
  for (const row of records.rows) {
    if (row.finished_at === null && row.rolled_back_at === null) {
      throw fail(
        `migration ${row.migration_name} failed earlier and is marked unfinished — restore a backup, or fix the database and run \`prisma migrate resolve --applied ${row.migration_name}\``,
      );
    }
    if (row.rolled_back_at === null) done.add(row.migration_name);
  }
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file.name)) continue;
    try {
      await client.query(file.sql);
    } catch (error) {
      throw fail(`migration ${file.name} failed: ${oneLine(error)} — nothing was changed`);
    }
    await client.query(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "started_at", "applied_steps_count")
       VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), file.checksum, file.name],
    );
    applied.push(file.name);
  }
  return applied;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
