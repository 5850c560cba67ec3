import { createRequire } from "node:module";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { PrismaPg } from "@prisma/adapter-pg";
import type { Client, Config } from "@libsql/client";
import { PrismaClient } from "../generated/client/index.js";
import type { PrismaClient as PostgresPrismaClient } from "../generated/postgresql/index.js";
import { BUSY_TIMEOUT_MS, type Connection, openConnection } from "./connection.js";
import { markConnection } from "./direct-statements.js";
import { isPostgresUrl, prepareDatabaseFile, toFileUrl } from "./database-url.js";
import { markEngine } from "./sql-dialect.js";

/** The libsql adapter, with our pragmas on every connection it opens; the last one is shared (direct-statements.ts). */
class ConfiguredPrismaLibSQL extends PrismaLibSQL {
  connection: Connection | null = null;

  override createClient(config: Config): Client {
    this.connection = openConnection(config.url);
    return this.connection;
  }
}

export interface DatabaseOptions {
  /** PostgreSQL only: the application_name of every connection (pg_stat_activity shows which node is which). */
  applicationName?: string;
  /** PostgreSQL only: the most connections the pool opens (default 10). */
  maxConnections?: number;
}

/**
 * A Prisma client on the database at `url` (see resolveDatabaseUrl): the SQLite file of a file: URL, whose
 * folder it creates (throwing DatabaseUrlError, one line, when the file cannot be used), or PostgreSQL for a
 * postgresql:// URL. Both clients share one type: the models are the same (prisma/postgresql/schema.prisma
 * is derived from prisma/schema.prisma); raw SQL asks sqlDialect(client) how to write a statement for it.
 * Does not migrate: call migrateDatabase(url) first.
 */
export function createDatabase(url: string, options: DatabaseOptions = {}): PrismaClient {
  if (isPostgresUrl(url)) {
    const { PrismaPg: Adapter, PrismaClient: Client } = loadPostgres();
    const adapter = new Adapter({
      connectionString: url,
      application_name: options.applicationName ?? "kabar",
      max: options.maxConnections ?? 10,
    });
    // The PostgreSQL client's API is the SQLite client's plus PostgreSQL-only options no caller uses.
    const client = new Client({ adapter, errorFormat: "minimal" }) as unknown as PrismaClient;
    return markEngine(client, "postgresql");
  }
  // the absolute form, so a relative path names the same file here as in prepareDatabaseFile
  const fileUrl = toFileUrl(prepareDatabaseFile(url));
  const adapter = new ConfiguredPrismaLibSQL({ url: fileUrl });
  const client = new PrismaClient({
    adapter,
    // "minimal" keeps Prisma from quoting minified library code in error messages
    errorFormat: "minimal",
    // Prisma gives up on starting a transaction after 2 s by default, while the connection still waits up
    // to BUSY_TIMEOUT_MS for another process's write lock; the connection's wait is the one that counts.
    transactionOptions: { maxWait: BUSY_TIMEOUT_MS + 1000 },
  });
  return markConnection(markEngine(client, "sqlite"), () => adapter.connection);
}

// Loaded on first use: an SQLite server never pays for pg, its adapter and the second generated client.
const require = createRequire(import.meta.url);
function loadPostgres(): { PrismaPg: typeof PrismaPg; PrismaClient: typeof PostgresPrismaClient } {
  return {
    PrismaPg: (require("@prisma/adapter-pg") as { PrismaPg: typeof PrismaPg }).PrismaPg,
    PrismaClient: (
      require("../generated/postgresql/index.js") as { PrismaClient: typeof PostgresPrismaClient }
    ).PrismaClient,
  };
}
