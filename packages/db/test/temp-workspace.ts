import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";

const packageDir = path.resolve(import.meta.dirname, "..");

export interface TempWorkspace {
  dir: string;
  databaseFile: string;
  databaseUrl: string;
  sessionsDir: string;
  remove(): void;
}

/** A private folder holding one test's database file and wa_sessions/. */
export function createTempWorkspace(): TempWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-db-test-"));
  const databaseFile = path.join(dir, "kabar.db");
  const sessionsDir = path.join(dir, "wa_sessions");
  fs.mkdirSync(sessionsDir);
  return {
    dir,
    databaseFile,
    databaseUrl: `file:${databaseFile}`,
    sessionsDir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs packages/db/scripts/<name>.ts the way `pnpm whatsapp:…` does, with this environment. */
export function runScript(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      path.join(packageDir, "node_modules", ".bin", "tsx"),
      [path.join(packageDir, "scripts", `${name}.ts`), ...args],
      { cwd: packageDir, env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function scriptEnv(workspace: TempWorkspace): Record<string, string> {
  return { DATABASE_URL: workspace.databaseUrl, WA_SESSIONS_DIR: workspace.sessionsDir };
}

export interface OneSenderRow {
  id: string;
  name: string;
  phoneNumber?: string | null;
  isActive?: boolean;
  isDefault?: boolean;
  /** OneSender's Prisma stored DateTime as epoch milliseconds. */
  createdAt: number;
}

/** A database as the older OneSender version left it: its table, its rows, no _prisma_migrations. */
export async function createOneSenderDatabase(file: string, rows: OneSenderRow[]): Promise<void> {
  const client = createClient({ url: `file:${file}` });
  try {
    await client.execute(`CREATE TABLE "WhatsAppSession" (
      "id" TEXT NOT NULL PRIMARY KEY,
      "name" TEXT NOT NULL,
      "apiKey" TEXT NOT NULL,
      "baseUrl" TEXT NOT NULL,
      "phoneNumber" TEXT,
      "description" TEXT,
      "isActive" BOOLEAN NOT NULL DEFAULT true,
      "isDefault" BOOLEAN NOT NULL DEFAULT false,
      "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      "updatedAt" DATETIME NOT NULL
    )`);
    for (const row of rows) {
      await client.execute({
        sql: `INSERT INTO "WhatsAppSession" ("id", "name", "apiKey", "baseUrl", "phoneNumber", "description", "isActive", "isDefault", "createdAt", "updatedAt")
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          row.id,
          row.name,
          `key-${row.id}`,
          "https://onesender.example/api",
          row.phoneNumber ?? null,
          `${row.name} from OneSender`,
          (row.isActive ?? true) ? 1 : 0,
          (row.isDefault ?? false) ? 1 : 0,
          row.createdAt,
          row.createdAt,
        ],
      });
    }
  } finally {
    client.close();
  }
}
