/**
 * The PostgreSQL schema is SQLite's with another generator output and provider: the models are written once
 * (prisma/schema.prisma) and prisma/postgresql/schema.prisma is derived from it by `pnpm db:postgres-schema`.
 * A test fails when the committed file is not what this derives, so the two cannot drift.
 */
const SQLITE_GENERATOR_OUTPUT = 'output     = "../packages/db/generated/client"';
const POSTGRES_GENERATOR_OUTPUT = 'output     = "../../packages/db/generated/postgresql"';
const SQLITE_PROVIDER = 'provider = "sqlite"';
const POSTGRES_PROVIDER = 'provider = "postgresql"';

const HEADER =
  "// Derived from ../schema.prisma by `pnpm db:postgres-schema`: edit that file, then run the command.\n\n";

export function derivePostgresSchema(sqliteSchema: string): string {
  for (const expected of [SQLITE_GENERATOR_OUTPUT, SQLITE_PROVIDER]) {
    if (!sqliteSchema.includes(expected))
      throw new Error(`prisma/schema.prisma no longer contains ${expected}`);
  }
  return (
    HEADER +
    sqliteSchema
      .replace(SQLITE_GENERATOR_OUTPUT, POSTGRES_GENERATOR_OUTPUT)
      .replace(SQLITE_PROVIDER, POSTGRES_PROVIDER)
  );
}
