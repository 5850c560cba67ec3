/**
 * What bounds the accept rate: the same driver (Prisma + libsql) on the same kind of file, with no
 * Kabar code. One commit per row (what one accept does, twice over: message + event) against many
 * rows per commit (what a batched accept could do).
 */
import { createDatabase } from "@kabar/db";
import { since } from "./stats.js";

export interface SqliteFloor {
  commitsPerSecond: number;
  rowsPerSecondBatched: number;
  synchronous: string;
  journalMode: string;
}

export async function sqliteFloor(databaseUrl: string, rows: number): Promise<SqliteFloor> {
  const db = createDatabase(databaseUrl);
  try {
    await db.$executeRawUnsafe("CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const [sync] = await db.$queryRawUnsafe<{ synchronous: number }[]>("PRAGMA synchronous");
    const [journal] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    let start = performance.now();
    for (let index = 0; index < rows; index += 1) {
      await db.$executeRawUnsafe("INSERT INTO bench_probe (body) VALUES (?)", `row ${index}`);
    }
    const commitsPerSecond = rows / (since(start) / 1_000);
    start = performance.now();
    const batch = Array.from({ length: rows }, (_, index) =>
      db.$executeRawUnsafe("INSERT INTO bench_probe (body) VALUES (?)", `batched ${index}`),
    );
    await db.$transaction(batch);
    const rowsPerSecondBatched = rows / (since(start) / 1_000);
    return {
      commitsPerSecond: Math.round(commitsPerSecond),
      rowsPerSecondBatched: Math.round(rowsPerSecondBatched),
      synchronous: String(sync?.synchronous ?? "?"),
      journalMode: journal?.journal_mode ?? "?",
    };
  } finally {
    await db.$disconnect();
  }
}
