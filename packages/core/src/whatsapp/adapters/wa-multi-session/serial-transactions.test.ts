import type { SignalDataSet, SignalKeyStoreWithTransaction, WASocket } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { createSendQueue } from "./send-queue.js";
import {
  KeyTransactionDeadlineError,
  type KeyStoreLanes,
  serializeKeyTransactions,
} from "./serial-transactions.js";

type Stored = Record<string, Record<string, unknown>>;

/**
 * A socket whose key store is a plain map, as Baileys' store is outside a transaction; only
 * authState.keys is touched by serializeKeyTransactions. `committed` counts the store's writes.
 */
function fakeSocket(stored: Stored = {}, beforeWrite: () => Promise<void> = async () => {}) {
  const writes: SignalDataSet[] = [];
  const keys = {
    async get(type: string, ids: string[]) {
      return Object.fromEntries(ids.flatMap((id) => (stored[type]?.[id] ? [[id, stored[type]?.[id]]] : [])));
    },
    async set(data: SignalDataSet) {
      await beforeWrite();
      writes.push(data);
      for (const [type, values] of Object.entries(data)) stored[type] = { ...stored[type], ...values };
    },
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      return work();
    },
    isInTransaction: () => false,
  };
  const socket = { authState: { keys } } as unknown as WASocket;
  return { socket, keys: socket.authState.keys as SignalKeyStoreWithTransaction, stored, writes };
}

function lanes(): KeyStoreLanes {
  return { signal: createSendQueue(), appState: createSendQueue() };
}

/** A promise and the function that settles it, to hold a transaction exactly where a test wants it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const session = (counter: number) => ({ session: { "628123.0": Buffer.from([counter]) } });
const counterIn = async (keys: SignalKeyStoreWithTransaction) =>
  (await keys.get("session", ["628123.0"]))["628123.0"]?.[0];

describe("Baileys' key-store transactions behind the adapter", () => {
  it("a second transaction reads a key only after the first committed it, also from another socket", async () => {
    const shared = lanes();
    const first = fakeSocket();
    const second = fakeSocket(first.stored);
    serializeKeyTransactions(first.socket, shared);
    serializeKeyTransactions(second.socket, shared);
    const held = gate();
    const seen: (number | undefined)[] = [];
    const advance = (keys: SignalKeyStoreWithTransaction, wait?: Promise<void>) =>
      keys.transaction(async () => {
        const counter = (await counterIn(keys)) ?? 0;
        seen.push(counter);
        await wait;
        await keys.set(session(counter + 1));
      });
    const one = advance(first.keys, held.opened);
    const two = advance(second.keys);
    const three = advance(first.keys);
    held.open();
    await Promise.all([one, two, three]);
    // without the lane, two and three would have read 0 while one was still open
    expect(seen).toEqual([0, 1, 2]);
    expect(await counterIn(first.keys)).toBe(3);
  });

  it("keeps a failed transaction's writes out of the store and out of the others'", async () => {
    const { socket, keys, writes } = fakeSocket();
    serializeKeyTransactions(socket, lanes());
    const failing = keys.transaction(async () => {
      await keys.set(session(9));
      throw new Error("sync failed");
    });
    const succeeding = keys.transaction(async () => {
      await keys.set({ "pre-key": { "1": { public: Buffer.alloc(32), private: Buffer.alloc(32) } } });
      return "done";
    });
    expect(await Promise.allSettled([failing, succeeding])).toMatchObject([
      { status: "rejected" },
      { status: "fulfilled", value: "done" },
    ]);
    expect(writes.map((write) => Object.keys(write))).toEqual([["pre-key"]]);
  });

  it("runs a transaction opened inside another as part of it, instead of waiting for itself", async () => {
    const { socket, keys, writes } = fakeSocket();
    serializeKeyTransactions(socket, lanes());
    const result = await keys.transaction(async () => {
      await keys.set(session(1));
      return keys.transaction(async () => {
        await keys.set(session(2));
        return "nested";
      });
    });
    expect(result).toBe("nested");
    expect(writes).toHaveLength(1);
    expect(await counterIn(keys)).toBe(2);
  });

  it("gives a key access made in another async context to the transaction holding that lane", async () => {
    // libsignal's per-address job queue runs a job in the context of whoever started the queue
    const { socket, keys, writes } = fakeSocket();
    serializeKeyTransactions(socket, lanes());
    const foreignTurn = gate();
    const foreignRead = foreignTurn.opened.then(() => counterIn(keys));
    const foreignWrite = foreignTurn.opened.then(() => keys.set({ "sender-key-memory": { g: { a: true } } }));
    await keys.transaction(async () => {
      await keys.set(session(4));
      foreignTurn.open();
      expect(await foreignRead).toBe(4);
      await foreignWrite;
    });
    expect(writes).toHaveLength(1);
    expect(Object.keys(writes[0] ?? {}).sort()).toEqual(["sender-key-memory", "session"]);
  });

  it("commits a write that another context makes while the commit is running", async () => {
    const commitTurn = gate();
    const commitStarted = gate();
    let isFirstWrite = true;
    const { socket, keys, stored } = fakeSocket({}, async () => {
      if (!isFirstWrite) return;
      isFirstWrite = false;
      commitStarted.open();
      await commitTurn.opened;
    });
    serializeKeyTransactions(socket, lanes());
    const lateWrite = commitStarted.opened.then(() => keys.set({ "sender-key-memory": { g: { b: true } } }));
    const transaction = keys.transaction(async () => {
      await keys.set(session(5));
    });
    await lateWrite;
    commitTurn.open();
    await transaction;
    expect(stored["sender-key-memory"]).toEqual({ g: { b: true } });
    expect(await counterIn(keys)).toBe(5);
  });

  it("never holds a send behind an app-state transaction that hangs", async () => {
    const { socket, keys } = fakeSocket();
    serializeKeyTransactions(socket, lanes());
    const download = gate();
    const sync = keys.transaction(async () => {
      await keys.get("app-state-sync-version", ["regular_high"]);
      await download.opened; // a blob download with no timeout
    });
    await keys.transaction(async () => {
      await keys.set(session(((await counterIn(keys)) ?? 0) + 1));
    });
    expect(await counterIn(keys)).toBe(1);
    download.open();
    await sync;
  });

  it("abandons a transaction at its deadline: the caller is told, the lane goes on, its writes never land", async () => {
    const { socket, keys, writes } = fakeSocket();
    const abandoned: KeyTransactionDeadlineError[] = [];
    serializeKeyTransactions(socket, lanes(), {
      deadlineMs: 50,
      onAbandoned: (error) => abandoned.push(error),
    });
    const hung = gate();
    let lateWrite: unknown = null;
    const stale = keys.transaction(async () => {
      await keys.set(session(1));
      await hung.opened;
      // the work goes on after the deadline; storing what it advanced must fail
      try {
        await keys.set(session(2));
      } catch (error) {
        lateWrite = error;
      }
    });
    await expect(stale).rejects.toBeInstanceOf(KeyTransactionDeadlineError);
    expect(abandoned).toHaveLength(1);
    // the next transaction gets the lane at once and reads what was committed before: nothing
    await keys.transaction(async () => {
      expect(await counterIn(keys)).toBeUndefined();
      await keys.set(session(7));
    });
    hung.open();
    await expect.poll(() => lateWrite).toBeInstanceOf(KeyTransactionDeadlineError);
    expect(writes).toEqual([session(7)]);
    expect(await counterIn(keys)).toBe(7);
  });
});
