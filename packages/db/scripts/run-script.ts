import type { PrismaClient } from "../generated/client/index.js";
import { createDatabase } from "../src/create-database.js";
import { resolveDatabaseUrl } from "../src/database-url.js";
import { type MigrationResult, migrateDatabase } from "../src/migrate-database.js";
import { resolveSessionsDir } from "../src/paths.js";

export interface ScriptContext {
  database: PrismaClient;
  databaseUrl: string;
  sessionsDir: string;
  migration: MigrationResult;
}

export interface ScriptOutcome {
  lines: string[];
  /** Exit 1 although the work was done, e.g. a folder could not be moved. */
  isFailure?: boolean;
}

/**
 * Shared frame of the package's scripts: read DATABASE_URL and WA_SESSIONS_DIR, migrate, run, print.
 * Exit 0 on success; on failure one clear line on stderr and exit 1, never a stack trace.
 */
export async function runScript(task: (context: ScriptContext) => Promise<ScriptOutcome>): Promise<void> {
  let database: PrismaClient | undefined;
  try {
    const databaseUrl = resolveDatabaseUrl(process.env);
    const migration = await migrateDatabase(databaseUrl);
    database = createDatabase(databaseUrl);
    const outcome = await task({
      database,
      databaseUrl,
      sessionsDir: resolveSessionsDir(process.env),
      migration,
    });
    for (const line of outcome.lines) console.log(line);
    process.exitCode = outcome.isFailure ? 1 : 0;
  } catch (error) {
    console.error(`Error: ${firstLine(error)}`);
    process.exitCode = 1;
  } finally {
    await database?.$disconnect();
  }
}

/** A line for the other scripts when starting them brought the database up to date. */
export function describeMigration(migration: MigrationResult): string[] {
  const lines = [];
  if (migration.baselined.length > 0) {
    lines.push(`Found an older OneSender database; recorded ${migration.baselined.join(", ")} as applied.`);
  }
  if (migration.applied.length > 0) lines.push(`Applied migrations: ${migration.applied.join(", ")}.`);
  return lines;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").find((line) => line.trim() !== "") ?? "unknown error";
}
