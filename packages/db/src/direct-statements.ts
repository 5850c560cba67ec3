/**
 * Statements that skip Prisma's request pipeline, for the few that run for every message sent (a lone
 * accept's insert, each ack's update and timeline line). On SQLite each Prisma call, raw or not, goes
 * through the client's request chain and its query compiler before the driver runs it: per message
 * that was ~4 ms of the event loop for ~8 statements the driver runs in a fraction of that
 * (BENCHMARKS.md, figure 8). Here they go straight to the connection Prisma's adapter uses, whose
 * statements never land inside another caller's transaction and stay prepared between calls
 * (connection.ts). On PostgreSQL they are Prisma's raw calls, as before: the pool is Prisma's.
 *
 * Statements are written for the engine already (sqlDialect(db).sql). Values: text, numbers, null.
 */
import type { PrismaClient } from "../generated/client/index.js";
import type { Connection } from "./connection.js";

export interface DirectStatements {
  /** The rows a statement returns (a SELECT, or a write with RETURNING), as plain objects. */
  query<T>(statement: string, ...values: unknown[]): Promise<T[]>;
  /** How many rows a write changed. */
  execute(statement: string, ...values: unknown[]): Promise<number>;
}

// A symbol property, like the engine's mark (sql-dialect.ts): a Prisma `$extends` around the client forwards it.
const CONNECTION = Symbol.for("kabar.directConnection");

/** Lets directStatements reach the connection the client's adapter opened last (createDatabase). */
export function markConnection<T extends object>(client: T, connection: () => Connection | null): T {
  // configurable: a Proxy (throughPrisma) may then answer undefined for it
  Object.defineProperty(client, CONNECTION, { value: connection, enumerable: false, configurable: true });
  return client;
}

/**
 * The client, but its direct statements go through its own $queryRawUnsafe and $executeRawUnsafe: for a
 * wrapper (a test's) that replaces those to see or refuse every statement.
 */
export function throughPrisma<T extends object>(client: T): T {
  return new Proxy(client, {
    get: (target, key) => (key === CONNECTION ? undefined : Reflect.get(target, key)),
  });
}

// One per client: the hot statements ask for it on every call.
const made = new WeakMap<PrismaClient, DirectStatements>();

export function directStatements(db: PrismaClient): DirectStatements {
  let statements = made.get(db);
  if (!statements) {
    statements = make(db);
    made.set(db, statements);
  }
  return statements;
}

function make(db: PrismaClient): DirectStatements {
  const connectionOf = (db as unknown as Record<symbol, (() => Connection | null) | undefined>)[CONNECTION];
  // Before Prisma's first query, or after $disconnect, there is no open connection: Prisma opens one.
  const open = () => {
    const connection = connectionOf?.() ?? null;
    return connection === null || connection.closed ? null : connection;
  };
  return {
    async query<T>(statement: string, ...values: unknown[]): Promise<T[]> {
      const connection = open();
      if (connection === null) return db.$queryRawUnsafe<T[]>(statement, ...values);
      return (await connection.run(statement, values)).rows as T[];
    },
    async execute(statement: string, ...values: unknown[]): Promise<number> {
      const connection = open();
      if (connection === null) return db.$executeRawUnsafe(statement, ...values);
      return (await connection.run(statement, values)).changes;
    },
  };
}
