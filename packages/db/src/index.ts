export { isConnectionLost } from "./connection-lost.js";
export { createDatabase, type DatabaseOptions } from "./create-database.js";
export { type DirectStatements, directStatements, throughPrisma } from "./direct-statements.js";
export {
  DatabaseUrlError,
  dataDirectory,
  databaseFilePath,
  isPostgresUrl,
  redactPassword,
  resolveDatabaseUrl,
} from "./database-url.js";
export { MigrationError, type MigrationResult, migrateDatabase } from "./migrate-database.js";
export { isOneSessionViolation, ONE_SESSION_MESSAGE } from "./one-session.js";
export { resolveSessionsDir } from "./paths.js";
export { type DatabaseEngine, databaseEngine, type SqlDialect, sqlDialect } from "./sql-dialect.js";
export { THE_SESSION_ORDER } from "./the-session-order.js";
export type { Prisma, PrismaClient } from "../generated/client/index.js";
export {
  backUpCredentialsInDatabase,
  CREDS_NAME,
  type CredentialChanges,
  type CredentialFence,
  CredentialsFencedError,
  commitCredentials,
  credentialBackupName,
  type FenceSource,
  hasCredentialsInDatabase,
  readAllCredentials,
  readCredential,
  SESSION_LEASE_KEY,
} from "./whatsapp-credentials/credential-table.js";
