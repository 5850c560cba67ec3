/**
 * What raw SQL must know of the engine under a client, in one place: createDatabase chooses it once
 * from the URL and marks the client with it, so code holding only a client (a repository, a test's
 * wrapper around one) writes statements once, with `?` placeholders, and asks the dialect for the rest.
 * SQLite's statements go through unchanged.
 */
import type { PrismaClient } from "../generated/client/index.js";

export type DatabaseEngine = "sqlite" | "postgresql";

export interface SqlDialect {
  readonly engine: DatabaseEngine;
  /** The statement in this engine's placeholders: `?` on SQLite, `$1, $2, …` on PostgreSQL. */
  sql(statement: string): string;
  /**
   * A parameter no column gives a type (a VALUES list): PostgreSQL would take it as text and then
   * refuse to compare it with a timestamp. Dates are passed as UTC text (core's toStoredDate).
   */
  readonly dateParameter: string;
  readonly integerParameter: string;
  /** Milliseconds from one date column (or expression) to another, as a floating-point number. */
  millisecondsBetween(from: string, to: string): string;
  /**
   * A Prisma string filter matching `text` anywhere, ignoring case: SQLite's LIKE ignores ASCII case
   * already, PostgreSQL's needs Prisma's `mode: "insensitive"` (ILIKE), which SQLite's client refuses.
   */
  containsIgnoringCase(text: string): { contains: string };
}

const sqlite: SqlDialect = {
  engine: "sqlite",
  sql: (statement) => statement,
  dateParameter: "?",
  integerParameter: "?",
  millisecondsBetween: (from, to) => `(julianday(${to}) - julianday(${from})) * 86400000.0`,
  containsIgnoringCase: (text) => ({ contains: text }),
};

const postgresql: SqlDialect = {
  engine: "postgresql",
  sql: numberPlaceholders,
  dateParameter: "CAST(? AS TIMESTAMP(3))",
  integerParameter: "CAST(? AS INTEGER)",
  millisecondsBetween: (from, to) => `(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000.0)::float8`,
  // the cast: the SQLite client's filter type has no `mode`, PostgreSQL's does
  containsIgnoringCase: (text) => ({ contains: text, mode: "insensitive" }) as { contains: string },
};

const DIALECTS: Record<DatabaseEngine, SqlDialect> = { sqlite, postgresql };

// A symbol property, not a WeakMap: a Proxy or a Prisma `$extends` around the client forwards it.
const ENGINE = Symbol.for("kabar.databaseEngine");

/** Marks a client with its engine (createDatabase does, once, from the URL). */
export function markEngine<T extends object>(client: T, engine: DatabaseEngine): T {
  Object.defineProperty(client, ENGINE, { value: engine, enumerable: false });
  return client;
}

/** The engine under a client made by createDatabase. */
export function databaseEngine(db: PrismaClient): DatabaseEngine {
  const engine = (db as unknown as Record<symbol, DatabaseEngine | undefined>)[ENGINE];
  if (engine === undefined) throw new Error("this database client was not made by createDatabase");
  return engine;
}

export function sqlDialect(db: PrismaClient): SqlDialect {
  return DIALECTS[databaseEngine(db)];
}

/** `?` → `$1, $2, …`, skipping quoted names and string literals (none of ours hold a `?`, but be safe). */
function numberPlaceholders(statement: string): string {
  let index = 0;
  return statement.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) =>
    match === "?" ? `$${++index}` : match,
  );
}
