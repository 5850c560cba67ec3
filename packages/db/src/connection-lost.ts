/**
 * Whether an error means the database connection went away under a query (PostgreSQL ended the backend:
 * pg_terminate_backend, a restart, a failover; or the socket broke). The query may or may not have
 * committed; what it was part of can be asked for again (a send with the same idempotency key is stored once).
 */
const CONNECTION_CODES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
]);
const CONNECTION_MESSAGES =
  /terminating connection|Connection terminated|connection ended|Client has encountered a connection error|server closed the connection/i;

export function isConnectionLost(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const record = error as Record<string, unknown>;
  const code = record.code ?? record.originalCode;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  const message = record.message ?? record.originalMessage;
  if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
  return ["cause", "meta", "driverAdapterError"].some((key) => isConnectionLost(record[key], depth + 1));
}
