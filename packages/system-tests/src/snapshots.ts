/** What the bad-input suite compares before and after: every row of the database, and the file tree. */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { databaseEngine, type PrismaClient } from "@kabar/db";

/** Columns that change by design when a valid credential is used, not by the input under test. */
const USAGE_COLUMNS: Record<string, string[]> = {
  ApiToken: ["lastUsedAt"],
  // the connected session's heartbeat is written every 10 s (and bumps updatedAt): a run longer than
  // that changed them without any input having done so; every other column still shows a change
  WhatsAppSession: ["heartbeatAt", "updatedAt"],
};

/**
 * Read through the same driver the server uses (libsql). Not the sqlite3 shell: while the server had
 * the file open, a sqlite3 3.40 shell reading it was followed by "disk I/O error" in the server and
 * its exit (see BENCHMARKS.md, findings), so the snapshot must not be the thing that breaks it.
 */
export async function databaseSnapshot(db: PrismaClient): Promise<Record<string, unknown[]>> {
  const isPostgres = databaseEngine(db) === "postgresql";
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    isPostgres
      ? "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
      : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    // PostgreSQL has no rowid: every column in order makes the order as stable (rows are compared whole)
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      isPostgres ? `SELECT * FROM "${name}" ORDER BY "${name}".*` : `SELECT * FROM "${name}" ORDER BY rowid`,
    );
    for (const column of USAGE_COLUMNS[name] ?? []) for (const row of rows) delete row[column];
    snapshot[name] = rows;
  }
  return snapshot;
}

/** Every path under `root` with its size, except the folders and files the server may write. */
export function treeSnapshot(root: string, allowed: (relative: string) => boolean): string[] {
  const entries: string[] = [];
  for (const relative of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (allowed(relative)) continue;
    const stats = statSync(path.join(root, relative), { throwIfNoEntry: false });
    entries.push(`${relative} ${stats?.isDirectory() ? "dir" : (stats?.size ?? "gone")}`);
  }
  return entries.sort();
}

/** Paths anywhere a hostile input could have pointed at that carry the marker in their name. */
export function findMarked(marker: string, folders: string[]): string[] {
  return folders.flatMap((folder) => {
    try {
      return readdirSync(folder, { recursive: true, encoding: "utf8" })
        .filter((relative) => relative.includes(marker))
        .map((relative) => path.join(folder, relative));
    } catch {
      return [];
    }
  });
}
