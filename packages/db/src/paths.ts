import path from "node:path";

/** The monorepo root: relative paths in DATABASE_URL and WA_SESSIONS_DIR resolve here, not against the
 * current directory, because pnpm runs each package's scripts from inside that package. */
export const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");

export const migrationsDir = path.join(repoRoot, "prisma", "migrations");

export const defaultDatabasePath = path.join(repoRoot, "data", "kabar.db");

/** Where credential folders live: WA_SESSIONS_DIR, or <repo>/wa_sessions. */
export function resolveSessionsDir(env: Record<string, string | undefined> = process.env): string {
  const configured = env.WA_SESSIONS_DIR?.trim();
  return configured ? path.resolve(repoRoot, configured) : path.join(repoRoot, "wa_sessions");
}

export const postgresMigrationsDir = path.join(repoRoot, "prisma", "postgresql", "migrations");
