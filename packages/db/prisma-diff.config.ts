import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { defineConfig } from "prisma/config";

// `prisma migrate diff --from-migrations` replays the migrations into a shadow database. Prisma 6.19's
// wasm schema engine sends each whole migration.sql through the adapter's executeRaw, and libsql's
// execute runs only the first statement, so the diff lists tables the migrations do create. This config
// routes those scripts through executeScript, on a temporary file rather than libsql's ":memory:" (where
// every transaction opens a fresh, empty database). Used by `pnpm --filter @kabar/db migrations:check`.
const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kabar-diff-"));
const url = `file:${path.join(scratch, "main.db")}`;
process.env.DATABASE_URL = url;
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));

class FileShadowLibSQL extends PrismaLibSQL {
  override async connectToShadowDb() {
    fs.rmSync(path.join(scratch, "shadow.db"), { force: true });
    const shadow = await new PrismaLibSQL({ url: `file:${path.join(scratch, "shadow.db")}` }).connect();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      if (query.args.length > 0) return executeRaw(query);
      await shadow.executeScript(query.sql);
      return 0;
    };
    return shadow;
  }
}

export default defineConfig({
  schema: path.join(repoRoot, "prisma", "schema.prisma"),
  migrations: { path: path.join(repoRoot, "prisma", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    return new FileShadowLibSQL({ url });
  },
});
