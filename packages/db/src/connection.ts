import {
  type Client,
  createClient,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";

/** Wait this long for another writer (a second process, or the server while a script runs) instead of
 * failing at once with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

const CONNECTION_PRAGMAS = [
  `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`,
  // WAL lets readers and one writer work at the same time; it is stored in the file, so setting it again
  // is cheap, and it makes a database created by an older version switch over too.
  "PRAGMA journal_mode = WAL",
  "PRAGMA synchronous = NORMAL",
  // cascades (MessageEvent, AdminSession, WebhookDelivery) rely on it
  "PRAGMA foreign_keys = ON",
];

/**
 * A libsql client whose every connection carries the pragmas above. The local libsql client hands its
 * connection to each transaction and silently opens a new one for the next statement, which would start
 * without busy_timeout; this wrapper notices and sets the pragmas again.
 */
class ConfiguredClient implements Client {
  readonly protocol: string;
  #inner: Client;
  #isConfigured = false;

  constructor(inner: Client) {
    this.#inner = inner;
    this.protocol = inner.protocol;
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    await this.#configure();
    return this.#inner.execute(statement);
  }

  async batch(statements: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    await this.#configure();
    return this.#inner.batch(statements, mode);
  }

  async transaction(mode?: TransactionMode): Promise<Transaction> {
    await this.#configure();
    // A deferred transaction that reads first and writes later fails at once with SQLITE_BUSY when another
    // connection wrote in between (busy_timeout cannot help); taking the write lock up front makes it wait.
    const transaction = await this.#inner.transaction(mode === "read" ? "read" : "write");
    this.#isConfigured = false;
    return transaction;
  }

  async executeMultiple(sql: string): Promise<void> {
    await this.#configure();
    return this.#inner.executeMultiple(sql);
  }

  sync(): Promise<void> {
    return this.#inner.sync();
  }

  close(): void {
    this.#inner.close();
  }

  async #configure(): Promise<void> {
    if (this.#isConfigured) return;
    for (const pragma of CONNECTION_PRAGMAS) await this.#inner.execute(pragma);
    this.#isConfigured = true;
  }
}

/** Opens a libsql client on a file: URL with the pragmas that make concurrent writers safe. */
export function openConnection(url: string): Client {
  return new ConfiguredClient(createClient({ url }));
}
