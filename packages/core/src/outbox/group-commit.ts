/**
 * Group commit for the outbox's inserts. SQLite through Prisma + libsql pays ~1–3 ms per
 * transaction (a fresh connection, its pragmas, BEGIN/COMMIT) and well under 0.1 ms per row of a
 * multi-row INSERT, so sends that arrive while a commit is in progress wait for the next one and
 * are written together. Each caller's promise still settles only after its own rows committed.
 *
 * Guarantees kept:
 * - order: batches commit one after another and rows go in arrival order, so seq follows arrival;
 * - idempotency: one key is inserted once, whether its duplicates arrive in one batch or later;
 * - isolation of bad rows: a constraint error (e.g. a key another process just inserted) makes
 *   the batch retry one row at a time, so only that row's caller sees an error.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { NewOutboxMessage, OutboxRow } from "./outbox-row.js";

export interface InsertResult {
  row: OutboxRow;
  duplicate: boolean;
  /** A lone hand-off's timeline lines, still being written: resolves to their error or null. */
  timeline?: Promise<unknown>;
}

export interface GroupCommitStore {
  /** Stored rows for these idempotency keys, by key. */
  findByKeys(keys: readonly string[]): Promise<Map<string, OutboxRow>>;
  /** All messages and their "queued" events in one transaction, rows in the order given. */
  insertMany(messages: readonly NewOutboxMessage[]): Promise<OutboxRow[]>;
  /**
   * A message handed off (claimed) with no other in its batch: the row in one statement, committed
   * on its own, and its timeline lines started after it, not awaited (hand-off.ts).
   */
  insertClaimed?(message: NewOutboxMessage): Promise<{ row: OutboxRow; timeline: Promise<unknown> }>;
  /** One message in its own transaction, reading the stored row on a key conflict. */
  insertOne(message: NewOutboxMessage): Promise<InsertResult>;
  /** True when the error is one row's fault (a constraint), not the database's. */
  isRowError(error: unknown): boolean;
}

export interface GroupCommitLimits {
  /** Rows per transaction; 15 parameters a row stays far below SQLite's 32,766. Default 500. */
  maxRows?: number;
}

interface Pending {
  message: NewOutboxMessage;
  resolve(result: InsertResult): void;
  reject(error: unknown): void;
}

export function createGroupCommit(store: GroupCommitStore, limits: GroupCommitLimits = {}) {
  const maxRows = limits.maxRows ?? 500;
  const waiting: Pending[] = [];
  let isDraining = false;

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) {
        // One turn of the event loop before each batch: sends started in the same tick (or
        // released by the previous commit) reach the queue and share this commit. Not for a
        // hand-off, which nothing was pending beside: it goes alone, the worker waiting for it.
        if (!isLoneHandOff()) await nextTurn();
        await commit(takeBatch());
      }
    } finally {
      isDraining = false;
    }
  }

  function isLoneHandOff(): boolean {
    return waiting.length === 1 && waiting[0]?.message.claimed === true;
  }

  // Media bytes live in files (media-store.ts), so every row is small: rows alone bound a batch.
  function takeBatch(): Pending[] {
    return waiting.splice(0, maxRows);
  }

  /** Settles every pending of the batch; never throws. */
  async function commit(batch: readonly Pending[]): Promise<void> {
    // The first send with a key is the one inserted; later ones with that key get its row.
    const leaders: Pending[] = [];
    const followers = new Map<string, Pending[]>();
    for (const pending of batch) {
      const key = pending.message.idempotencyKey;
      if (key === null) {
        leaders.push(pending);
        continue;
      }
      const sameKey = followers.get(key);
      if (sameKey) sameKey.push(pending);
      else {
        followers.set(key, []);
        leaders.push(pending);
      }
    }
    const settle = (pending: Pending, result: InsertResult) => {
      pending.resolve(result);
      const key = pending.message.idempotencyKey;
      for (const follower of key === null ? [] : (followers.get(key) ?? []))
        follower.resolve({ row: result.row, duplicate: true });
    };
    try {
      const stored = followers.size === 0 ? new Map() : await store.findByKeys([...followers.keys()]);
      const fresh: Pending[] = [];
      for (const pending of leaders) {
        const key = pending.message.idempotencyKey;
        const existing = key === null ? undefined : stored.get(key);
        if (existing) settle(pending, { row: existing, duplicate: true });
        else fresh.push(pending);
      }
      if (fresh.length === 0) return;
      try {
        const [lone] = fresh;
        if (fresh.length === 1 && lone?.message.claimed === true && store.insertClaimed) {
          settle(lone, { ...(await store.insertClaimed(lone.message)), duplicate: false });
          return;
        }
        const rows = await store.insertMany(fresh.map((pending) => pending.message));
        fresh.forEach((pending, index) => {
          const row = rows[index];
          if (row) settle(pending, { row, duplicate: false });
          else rejectAll([pending], new Error(`no row came back for ${pending.message.id}`));
        });
      } catch (error) {
        if (!store.isRowError(error)) throw error;
        await oneAtATime(fresh);
      }
    } catch (error) {
      // The database itself failed (busy past the timeout, I/O): no row of the batch is stored.
      rejectAll(batch, error);
    }

    function rejectAll(pendings: readonly Pending[], error: unknown) {
      for (const pending of pendings) {
        pending.reject(error);
        const key = pending.message.idempotencyKey;
        for (const follower of key === null ? [] : (followers.get(key) ?? [])) follower.reject(error);
      }
    }

    /** In arrival order, each in its own transaction: only the offending row's caller sees an error. */
    async function oneAtATime(pendings: readonly Pending[]): Promise<void> {
      for (const pending of pendings) {
        const key = pending.message.idempotencyKey;
        try {
          settle(pending, await store.insertOne(pending.message));
        } catch (error) {
          pending.reject(error);
          // A follower's own message may still go in, e.g. when the leader's broke another constraint.
          if (key !== null) await oneAtATime(followers.get(key)?.splice(0) ?? []);
        }
      }
    }
  }

  return {
    /**
     * Resolves once the message (or the stored one with its key) is committed. `claim` is asked,
     * at most once and synchronously, whether the row may be inserted already claimed.
     */
    insert(message: NewOutboxMessage, claim?: () => boolean): Promise<InsertResult> {
      return new Promise<InsertResult>((resolve, reject) => {
        // A hand-off (hand-off.ts) only when no other insert is pending or committing: one that
        // began before this one gets an earlier seq and must not be overtaken by it.
        const claimed = waiting.length === 0 && !isDraining && claim?.() === true;
        waiting.push({ message: claimed ? { ...message, claimed } : message, resolve, reject });
        if (isDraining) return;
        isDraining = true;
        void drain();
      });
    },
  };
}
