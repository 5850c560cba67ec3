import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import { Sqlite3Client } from "@libsql/client/sqlite3";
import Database from "libsql";
import { databaseFilePath } from "./database-url.js";

/** Wait this long for another writer (a second process, or the server while a script runs) before a
 * statement fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

// The driver waits for a lock synchronously: SQLite's busy handler sleeps on the event-loop thread, so a
// long busy_timeout froze the whole process (HTTP included) while another process held the write lock.
// A short one absorbs a commit in progress; the rest of BUSY_TIMEOUT_MS is waited for between tries with
// timers, so the process keeps serving.
const SYNCHRONOUS_BUSY_TIMEOUT_MS = 10;
const BUSY_RETRY_MAX_DELAY_MS = 100;

const CONNECTION_PRAGMAS = [
  `PRAGMA busy_timeout = ${SYNCHRONOUS_BUSY_TIMEOUT_MS}`,
  // WAL lets readers and one writer work at the same time; it is stored in the file, so setting it again
  // is cheap, and it makes a database created by an older version switch over too.
  "PRAGMA journal_mode = WAL",
  "PRAGMA synchronous = NORMAL",
  // cascades (MessageEvent, AdminSession, WebhookDelivery) rely on it
  "PRAGMA foreign_keys = ON",
];

/**
 * A libsql client whose every connection carries the pragmas above and which waits for another process's
 * lock without blocking the event loop. The local libsql client hands its connection to each transaction
 * and silently opens a new one for the next statement, which would start without the pragmas; this
 * wrapper notices and sets them again.
 *
 * After SQLITE_BUSY it also throws the connection away, working around a defect of libsql 0.3.19 (the
 * native driver under @libsql/client 0.8.1): a statement that fails with SQLITE_BUSY is not reset, so its
 * connection stays inside a transaction. The next write on it then reports success but is never committed
 * ("cannot commit transaction - SQL statements in progress"), and the connection keeps SQLite's write
 * lock until it is closed: every other writer, in this process or another, waits forever, and what the
 * stuck connection "wrote" is lost. A fresh connection has none of that.
 */
class ConfiguredClient implements Client {
  readonly protocol = "file";
  #path: string;
  #inner: Client;
  /** The driver's connection under #inner, for the statements run on it directly (run()). */
  #driver: Database.Database;
  /** run()'s prepared statements on #driver, by SQL text: dropped with the connection. */
  #prepared = new Map<string, PreparedStatement>();
  #isConfigured = false;
  /** Settles when the transaction open on #inner ends; null when none is open. */
  #openTransaction: Promise<void> | null = null;

  constructor(url: string) {
    this.#path = databaseFilePath(url);
    ({ client: this.#inner, driver: this.#driver } = openLocal(this.#path));
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  /**
   * Callers besides Prisma's adapter use this connection too (direct-statements.ts): each statement
   * starts only when no transaction is open, checked in the same synchronous step that runs it (the
   * driver runs a statement synchronously), so none can land inside another caller's transaction.
   */
  execute(statement: InStatement): Promise<ResultSet> {
    // an autocommit statement that met SQLITE_BUSY did nothing, so running it again is safe
    return this.#whileBusy((inner) => inner.execute(statement));
  }

  /**
   * One statement of the outbox's hot path (direct-statements.ts), on the driver itself: its prepared
   * form is kept for the next call, and its rows come back as plain objects. The client would prepare
   * it again and build a result set each time, about half of the statement's cost (BENCHMARKS.md,
   * figure 8). Same rules as execute(): never inside another caller's transaction, retried while busy.
   * Values: text, numbers, null.
   */
  run(
    sql: string,
    values: readonly unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; changes: number }> {
    return this.#whileBusy(() => {
      const prepared = this.#prepare(sql);
      try {
        return prepared.reader
          ? { rows: prepared.statement.all(values) as Record<string, unknown>[], changes: 0 }
          : { rows: [], changes: prepared.statement.run(values).changes };
      } catch (error) {
        // not kept after an error: the driver reports one, and the next call prepares it afresh
        this.#prepared.delete(sql);
        throw error;
      }
    });
  }

  #prepare(sql: string): PreparedStatement {
    let prepared = this.#prepared.get(sql);
    if (!prepared) {
      const statement = this.#driver.prepare(sql);
      prepared = { statement, reader: statement.reader };
      // the hot path has a handful of statements; anything past the limit replaces the oldest
      if (this.#prepared.size >= MAX_PREPARED)
        this.#prepared.delete(this.#prepared.keys().next().value ?? "");
      this.#prepared.set(sql, prepared);
    }
    return prepared;
  }

  batch(statements: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> {
    // the driver runs a batch as one transaction and rolls it back on failure: it can run again whole
    return this.#whileBusy((inner) => inner.batch(statements, mode));
  }

  /**
   * A transaction on this client's own connection. The local libsql client would hand its connection to
   * the transaction and open a new one for the next statement, never closing the old one: its native
   * memory (page cache, prepared statements) stayed until V8 happened to collect a small wrapper, which
   * grew the server's RSS by hundreds of MB over a few thousand messages. Statements of other callers wait
   * until the transaction ends (Prisma's adapter already serialises them behind its own lock).
   */
  async transaction(mode?: TransactionMode): Promise<Transaction> {
    // Claimed before BEGIN, in the step that saw none open: no statement or transaction can slip in.
    while (this.#openTransaction) await this.#openTransaction;
    let end = () => {};
    this.#openTransaction = new Promise<void>((resolve) => {
      end = resolve;
    });
    const ended = (isConnectionSuspect: boolean) => {
      this.#openTransaction = null;
      if (isConnectionSuspect) this.#replaceConnection();
      end();
    };
    try {
      // A deferred transaction that reads first and writes later fails at once with SQLITE_BUSY when another
      // connection wrote in between (waiting cannot help); taking the write lock up front makes it wait.
      const begin = mode === "read" ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE";
      await this.#whileBusy((inner) => inner.execute(begin), { isTransactionOwner: true });
    } catch (error) {
      ended(false);
      throw error;
    }
    return new SameConnectionTransaction(this.#inner, ended);
  }

  /**
   * A transaction that can run multi-statement scripts (migrations), on a connection of its own: the
   * client's executeMultiple rolls back any transaction still open when the script ends, so scripts
   * cannot run inside transaction(). Its connection is dropped afterwards, like the driver does.
   */
  async scriptTransaction(): Promise<Transaction> {
    const transaction = await this.#whileBusy((inner) => inner.transaction("write"));
    // the transaction took the connection; this client carries on with a new one
    this.#replaceConnection({ isOldOneTaken: true });
    return transaction;
  }

  async executeMultiple(sql: string): Promise<void> {
    for (let wait = this.#notReady(); wait; wait = this.#notReady()) await wait;
    try {
      return await this.#inner.executeMultiple(sql);
    } catch (error) {
      // not run again: statements before the one that met SQLITE_BUSY may have been applied
      if (isBusy(error)) this.#replaceConnection();
      throw error;
    }
  }

  sync(): Promise<void> {
    return this.#inner.sync();
  }

  close(): void {
    this.#prepared.clear();
    this.#inner.close();
  }

  /** Runs `run` on a configured connection with no transaction open (unless the caller is the one opening
   * it), and on a fresh one again while it fails with SQLITE_BUSY, for up to BUSY_TIMEOUT_MS, waiting
   * between tries with timers. */
  async #whileBusy<T>(
    run: (inner: Client) => T | Promise<T>,
    { isTransactionOwner = false }: { isTransactionOwner?: boolean } = {},
  ): Promise<T> {
    const giveUpAt = Date.now() + BUSY_TIMEOUT_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        for (let wait = this.#notReady(isTransactionOwner); wait; wait = this.#notReady(isTransactionOwner))
          await wait;
        // no await between the last check and this call: see execute()
        return await run(this.#inner);
      } catch (error) {
        if (!isBusy(error)) throw error;
        this.#replaceConnection();
        const remaining = giveUpAt - Date.now();
        if (remaining <= 0) throw error;
        const delay = Math.min(BUSY_RETRY_MAX_DELAY_MS, 2 ** attempt, remaining);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * What must finish before a statement may run, or null when it may run now: a transaction open
   * (unless the caller is the one opening it), or the pragmas. Synchronous, so a caller that loops
   * `while (wait) await wait` runs its statement in the very step that saw null (see execute()).
   */
  #notReady(isTransactionOwner = false): Promise<unknown> | null {
    if (this.#openTransaction && !isTransactionOwner) return this.#openTransaction;
    if (!this.#isConfigured) return this.#configure();
    return null;
  }

  #replaceConnection({ isOldOneTaken = false }: { isOldOneTaken?: boolean } = {}): void {
    const stuck = this.#inner;
    ({ client: this.#inner, driver: this.#driver } = openLocal(this.#path));
    this.#prepared.clear();
    this.#isConfigured = false;
    if (!isOldOneTaken) stuck.close();
  }

  async #configure(): Promise<void> {
    if (this.#isConfigured) return;
    for (const pragma of CONNECTION_PRAGMAS) await this.#inner.execute(pragma);
    this.#isConfigured = true;
  }
}

/** A transaction over the statements of one libsql client, whose connection it shares. */
class SameConnectionTransaction implements Transaction {
  #inner: Client;
  #onEnd: (isConnectionSuspect: boolean) => void;
  #isClosed = false;
  // a statement that met SQLITE_BUSY leaves the connection unusable (see ConfiguredClient)
  #isConnectionSuspect = false;

  constructor(inner: Client, onEnd: (isConnectionSuspect: boolean) => void) {
    this.#inner = inner;
    this.#onEnd = onEnd;
  }

  get closed(): boolean {
    return this.#isClosed;
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    this.#checkOpen();
    try {
      return await this.#inner.execute(statement);
    } catch (error) {
      if (isBusy(error)) this.#isConnectionSuspect = true;
      throw error;
    }
  }

  async batch(statements: InStatement[]): Promise<ResultSet[]> {
    const results: ResultSet[] = [];
    for (const statement of statements) results.push(await this.execute(statement));
    return results;
  }

  executeMultiple(): Promise<void> {
    return Promise.reject(
      new Error("scripts cannot run inside transaction(): use the connection's scriptTransaction()"),
    );
  }

  async commit(): Promise<void> {
    this.#checkOpen();
    try {
      await this.#inner.execute("COMMIT");
      this.#end();
    } catch (error) {
      // a failed COMMIT leaves the transaction open: roll it back so the connection is usable again
      await this.rollback();
      throw error;
    }
  }

  async rollback(): Promise<void> {
    if (this.#isClosed) return;
    // SQLite may have rolled back by itself after an error; then there is nothing left to roll back
    await this.#inner.execute("ROLLBACK").catch(() => undefined);
    this.#end();
  }

  close(): void {
    void this.rollback();
  }

  #end(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#onEnd(this.#isConnectionSuspect);
  }

  #checkOpen(): void {
    if (this.#isClosed) throw new Error("the transaction is closed");
  }
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT, …). */
function isBusy(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = "code" in error ? error.code : undefined;
  const rawCode = "rawCode" in error ? error.rawCode : undefined;
  return (
    (typeof code === "string" && code.startsWith("SQLITE_BUSY")) ||
    (typeof rawCode === "number" && (rawCode & 0xff) === 5)
  );
}

const MAX_PREPARED = 32;

interface PreparedStatement {
  statement: Database.Statement;
  /** true when it returns rows (a SELECT, or a write with RETURNING) */
  reader: boolean;
}

/**
 * What the local libsql client's createClient opens for a file (its sqlite3.js `_createClient`), with the
 * driver's connection in hand: integers as numbers, no sync or encryption options.
 */
function openLocal(path: string): { client: Client; driver: Database.Database } {
  const driver = new Database(path);
  return { client: new Sqlite3Client(path, {}, driver, "number"), driver };
}

export type Connection = ConfiguredClient;

/** Opens a libsql client on a file: URL with the pragmas that make concurrent writers safe. */
export function openConnection(url: string): Connection {
  return new ConfiguredClient(url);
}
