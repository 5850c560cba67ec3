/**
 * A throwaway Kabar data folder: wa_sessions/ and a migrated SQLite file inside one mkdtemp folder,
 * removed again by close().
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";

export interface TempKabarDir {
  dir: string;
  sessionsDir: string;
  databaseUrl: string;
  db: PrismaClient;
  close(): Promise<void>;
}

export async function createTempKabarDir(prefix = "kabar-session-"): Promise<TempKabarDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const databaseUrl = `file:${path.join(dir, "kabar.db")}`;
  await migrateDatabase(databaseUrl);
  const db = createDatabase(databaseUrl);
  return {
    dir,
    sessionsDir: path.join(dir, "wa_sessions"),
    databaseUrl,
    db,
    async close() {
      await db.$disconnect();
      // A socket that just closed may still be saving keys; retry instead of failing on ENOTEMPTY.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}
