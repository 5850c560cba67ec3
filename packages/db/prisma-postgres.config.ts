import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The PostgreSQL twin of prisma.config.ts: the CLI (generate, migrate diff/deploy/status) on the derived
// schema, through Prisma's wasm schema engine and the pg adapter. A file: DATABASE_URL belongs to SQLite, so
// the CLI then only needs a well-formed PostgreSQL URL (generate and a diff from files do not connect).
const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const configured = process.env.DATABASE_URL ?? "";
const url = /^postgres(ql)?:/i.test(configured) ? configured : "postgresql://localhost/kabar";
process.env.DATABASE_URL = url;

export default defineConfig({
  schema: path.join(repoRoot, "prisma", "postgresql", "schema.prisma"),
  migrations: { path: path.join(repoRoot, "prisma", "postgresql", "migrations") },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({ connectionString: url });
  },
});
