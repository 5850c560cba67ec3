import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDatabase, migrateDatabase } from "../src/index.js";
import { readMigrationFiles } from "../src/migration-files.js";
import { migrationsDir } from "../src/paths.js";
import {
  createOneSenderDatabase,
  createTempWorkspace,
  runScript,
  scriptEnv,
  type TempWorkspace,
} from "./temp-workspace.js";

const allMigrations = readMigrationFiles(migrationsDir).map((file) => file.name);
const [baseline, ...afterBaseline] = allMigrations;

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

async function migrationRecords(url: string) {
  const client = createClient({ url });
  try {
    const result = await client.execute(
      `SELECT "migration_name", "checksum", "finished_at", "applied_steps_count" FROM "_prisma_migrations" ORDER BY "migration_name"`,
    );
    return result.rows.map((row) => ({ ...row }));
  } finally {
    client.close();
  }
}

describe("migrateDatabase", () => {
  it("builds a fresh database, recording every migration like Prisma does", async () => {
    const result = await migrateDatabase(workspace.databaseUrl);
    expect(result).toEqual({ applied: allMigrations, baselined: [] });

    const records = await migrationRecords(workspace.databaseUrl);
    const checksums = readMigrationFiles(migrationsDir).map((file) => file.checksum);
    expect(records.map((row) => row.migration_name)).toEqual(allMigrations);
    expect(records.map((row) => row.checksum)).toEqual(checksums);
    expect(records.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);

    const database = createDatabase(workspace.databaseUrl);
    try {
      expect(await database.whatsAppSession.count()).toBe(0);
      expect(await database.outboxMessage.count()).toBe(0);
    } finally {
      await database.$disconnect();
    }
  });

  it("is a no-op the second time", async () => {
    await migrateDatabase(workspace.databaseUrl);
    const before = await migrationRecords(workspace.databaseUrl);
    expect(await migrateDatabase(workspace.databaseUrl)).toEqual({ applied: [], baselined: [] });
    expect(await migrationRecords(workspace.databaseUrl)).toEqual(before);
  });

  it("lets two processes start at once: one applies, the other waits and finds nothing to do", async () => {
    // separate processes: libsql is synchronous, so two connections in one process cannot wait on each other
    const runs = await Promise.all([
      runScript("migrate", scriptEnv(workspace)),
      runScript("migrate", scriptEnv(workspace)),
    ]);
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const outputs = runs.map((run) => run.stdout).sort();
    expect(outputs[0]).toContain(`Applied migrations: ${allMigrations.join(", ")}.`);
    expect(outputs[1]).toContain("The database is up to date; no migration to apply.");
    expect(await migrationRecords(workspace.databaseUrl)).toHaveLength(allMigrations.length);
  });

  it("moves a OneSender database to the current shape without losing a row", async () => {
    await createOneSenderDatabase(workspace.databaseFile, [
      {
        id: "os1",
        name: "Default Session",
        phoneNumber: "6281111111111",
        isDefault: true,
        createdAt: 1_700_000_000_000,
      },
      { id: "os2", name: "Marketing Team — Jakarta!", isActive: false, createdAt: 1_700_000_100_000 },
      { id: "os3", name: "CS", phoneNumber: "6282222222222", createdAt: 1_700_000_200_000 },
    ]);

    const result = await migrateDatabase(workspace.databaseUrl);
    expect(result).toEqual({ applied: afterBaseline, baselined: [baseline] });

    const database = createDatabase(workspace.databaseUrl);
    try {
      const rows = await database.whatsAppSession.findMany({
        select: {
          id: true,
          name: true,
          sessionId: true,
          phoneNumber: true,
          isActive: true,
          isDefault: true,
          createdAt: true,
          state: true,
        },
        orderBy: { createdAt: "asc" },
      });
      expect(rows).toEqual([
        {
          id: "os1",
          name: "Default Session",
          sessionId: "default_session",
          phoneNumber: "6281111111111",
          isActive: true,
          isDefault: true,
          createdAt: new Date(1_700_000_000_000),
          state: "disconnected",
        },
        {
          id: "os2",
          name: "Marketing Team — Jakarta!",
          sessionId: "marketing_team_jakarta",
          phoneNumber: null,
          isActive: false,
          isDefault: false,
          createdAt: new Date(1_700_000_100_000),
          state: "disconnected",
        },
        // too short for a session id: falls back to session_<position>
        {
          id: "os3",
          name: "CS",
          sessionId: "session_3",
          phoneNumber: "6282222222222",
          isActive: true,
          isDefault: false,
          createdAt: new Date(1_700_000_200_000),
          state: "disconnected",
        },
      ]);
      for (const row of rows) expect(row.sessionId).toMatch(/^[a-z0-9_]{3,64}$/);
    } finally {
      await database.$disconnect();
    }
    expect(await migrateDatabase(workspace.databaseUrl)).toEqual({ applied: [], baselined: [] });
  });

  it("keeps OneSender rows whose names clash once made unique", async () => {
    await createOneSenderDatabase(workspace.databaseFile, [
      { id: "a", name: "Sales", createdAt: 1_700_000_000_000 },
      { id: "b", name: "Sales", createdAt: 1_700_000_001_000 },
      { id: "c", name: "sales!", createdAt: 1_700_000_002_000 },
    ]);
    await migrateDatabase(workspace.databaseUrl);
    const database = createDatabase(workspace.databaseUrl);
    try {
      const rows = await database.whatsAppSession.findMany({
        select: { name: true, sessionId: true },
        orderBy: { createdAt: "asc" },
      });
      expect(rows).toEqual([
        { name: "Sales", sessionId: "sales" },
        { name: "Sales (2)", sessionId: "sales_2" },
        { name: "sales!", sessionId: "sales_3" },
      ]);
    } finally {
      await database.$disconnect();
    }
  });
});
