import { execFile } from "node:child_process";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIFF_ARGS } from "../prisma-cli-guard.js";
import { migrateDatabase } from "../src/index.js";
import { repoRoot } from "../src/paths.js";
import { createOneSenderDatabase, createTempWorkspace, type TempWorkspace } from "./temp-workspace.js";

// Our runner must leave the database exactly as Prisma's CLI expects, or `prisma migrate deploy` run by
// hand would try to apply everything again.
let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createTempWorkspace();
});
afterEach(() => workspace.remove());

function prisma(args: string[], databaseUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(repoRoot, "node_modules", ".bin", "prisma"),
      args,
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
        timeout: 25_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe("agreement with the Prisma CLI", () => {
  it("prisma migrate status sees a baselined OneSender database as up to date", async () => {
    await createOneSenderDatabase(workspace.databaseFile, [
      { id: "a", name: "Old One", createdAt: 1_700_000_000_000 },
    ]);
    // some OneSender installs ran Prisma migrations of their own: their history stays as it is
    const client = createClient({ url: workspace.databaseUrl });
    await client.execute(`CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL,
      "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    await client.execute(`INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count")
      VALUES ('onesender-1', 'abc', 1700000000000, '20230101000000_init', 1)`);
    client.close();

    const result = await migrateDatabase(workspace.databaseUrl);
    expect(result.baselined).toHaveLength(1);

    const status = await prisma(["migrate", "status"], workspace.databaseUrl);
    expect(status.output).toContain("Database schema is up to date!");
    expect(status.code).toBe(0);
  });

  it("the migrations produce exactly prisma/schema.prisma (migrate diff is empty)", async () => {
    const diff = await prisma([...MIGRATIONS_DIFF_ARGS, "--exit-code"], workspace.databaseUrl);
    expect(diff.output).toContain("-- This is an empty migration.");
    expect(diff.code).toBe(0);
  });
});
