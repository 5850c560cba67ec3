/**
 * The seed says `npx prisma migrate dev`. Here that command cannot work (Prisma 6.19's wasm schema
 * engine fails with "no such table: _prisma_migrations" on a fresh database) and on a migrated one it
 * reports drift and offers to RESET the database. `npx prisma` runs the root prisma.config.ts, which
 * calls this guard before the CLI does anything: `migrate dev` applies the committed migrations the
 * way the server's start does (never a reset), and `migrate reset` is refused with what to run instead.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");

const CREATE_MIGRATION = [
  "  mkdir prisma/migrations/<yyyymmddhhmmss>_<name>",
  "  npx prisma migrate diff --config packages/db/prisma-diff.config.ts --from-migrations prisma/migrations \\",
  "    --to-schema-datamodel prisma/schema.prisma --script > prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql",
];

/** `prisma migrate diff` of the migrations against the schema, from the repo root (prints the SQL). */
export const MIGRATIONS_DIFF_ARGS = [
  "migrate",
  "diff",
  "--config",
  "packages/db/prisma-diff.config.ts",
  "--from-migrations",
  "prisma/migrations",
  "--to-schema-datamodel",
  "prisma/schema.prisma",
  "--script",
] as const;

/** Runs in the CLI's own process: it ends the process when it handled the command. */
export function guardPrismaCommand(argv: readonly string[]): void {
  const args = argv.slice(2).filter((arg) => !arg.startsWith("-"));
  if (args[0] !== "migrate") return;
  if (args[1] === "dev") process.exit(migrateDevInstead());
  if (args[1] === "reset") process.exit(refuseReset());
}

function migrateDevInstead(): number {
  print([
    "Kabar: `prisma migrate dev` does not work with this Prisma setup (wasm schema engine) and could offer",
    "to reset your database, so it applies the committed migrations instead, as `pnpm db:migrate` and the",
    "server's start do. Nothing is reset or deleted.",
  ]);
  const migrate = spawnSync(
    path.join(repoRoot, "packages", "db", "node_modules", ".bin", "tsx"),
    ["scripts/migrate.ts"],
    {
      cwd: path.join(repoRoot, "packages", "db"),
      stdio: "inherit",
      env: process.env,
    },
  );
  if (migrate.status !== 0) return migrate.status ?? 1;
  // migrate dev also creates a migration from schema changes; here that is `migrate diff`, by hand.
  const diff = spawnSync(
    path.join(repoRoot, "node_modules", ".bin", "prisma"),
    [...MIGRATIONS_DIFF_ARGS, "--exit-code"],
    { cwd: repoRoot, encoding: "utf8", env: process.env },
  );
  if (diff.status === 0) {
    print(["prisma/schema.prisma matches the migrations; there is no new migration to create."]);
    return 0;
  }
  if (diff.status === 2) {
    print([
      "prisma/schema.prisma has changes no migration holds. Create the migration, then run this again:",
      ...CREATE_MIGRATION,
    ]);
    return 1;
  }
  print([`Could not compare prisma/schema.prisma with the migrations:`, diff.stderr.trim()]);
  return 1;
}

function refuseReset(): number {
  print([
    "Kabar: `prisma migrate reset` is refused: it deletes every message, session and setting, and it does",
    "not work with this Prisma setup. To start from an empty database, stop the server, move data/kabar.db",
    "(or your DATABASE_URL file) aside, and run `pnpm db:migrate`. Nothing was changed.",
  ]);
  return 1;
}

function print(lines: string[]): void {
  process.stderr.write(`${lines.join("\n")}\n`);
}
