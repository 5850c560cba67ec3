import { PrismaLibSQL } from "@prisma/adapter-libsql";
import type { Client, Config } from "@libsql/client";
import { PrismaClient } from "../generated/client/index.js";
import { BUSY_TIMEOUT_MS, openConnection } from "./connection.js";
import { prepareDatabaseFile, toFileUrl } from "./database-url.js";

/** The libsql adapter, with our pragmas on every connection it opens. */
class ConfiguredPrismaLibSQL extends PrismaLibSQL {
  override createClient(config: Config): Client {
    return openConnection(config.url);
  }
}

/**
 * A Prisma client on the SQLite file at `url` (see resolveDatabaseUrl). Creates the file's folder and
 * throws DatabaseUrlError (one line) when the file cannot be used. Does not migrate: call
 * migrateDatabase(url) first.
 */
export function createDatabase(url: string): PrismaClient {
  // the absolute form, so a relative path names the same file here as in prepareDatabaseFile
  const fileUrl = toFileUrl(prepareDatabaseFile(url));
  return new PrismaClient({
    adapter: new ConfiguredPrismaLibSQL({ url: fileUrl }),
    // "minimal" keeps Prisma from quoting minified library code in error messages
    errorFormat: "minimal",
    // Prisma gives up on starting a transaction after 2 s by default, while the connection still waits up
    // to BUSY_TIMEOUT_MS for another process's write lock; the connection's wait is the one that counts.
    transactionOptions: { maxWait: BUSY_TIMEOUT_MS + 1000 },
  });
}
