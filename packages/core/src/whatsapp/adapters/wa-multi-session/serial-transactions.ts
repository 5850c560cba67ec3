/**
 * Baileys' key-store transactions (Utils/auth-utils.js `addTransactionCapability`) are not isolated:
 * every transaction in flight shares one cache and one set of pending writes, only the last to
 * finish commits, and one that throws while it is the last discards the writes of all the others.
 * The adapter's send queue keeps our own sends apart, but Baileys opens transactions of its own
 * (the app-state sync, re-sends for retry receipts, pre-key uploads) that can overlap a send; when
 * the other one fails, the send's advanced Signal session is silently lost and the next message
 * reuses its counter — undecryptable for the recipient.
 *
 * So the adapter replaces `keys.transaction` (and the `get`/`set` that run inside one):
 * - Isolated: each outermost transaction has its own cache and its own pending writes, committed
 *   only when its work succeeds. A transaction opened inside another (same async context) is part
 *   of the outer one, as Baileys intends.
 * - Locked per lane, per session and across its sockets (an old socket's late commit must not land
 *   after a new socket's): a transaction takes the lane of a key type on its first read or write of
 *   that type and holds it until it has committed. Signal keys (sessions, pre-keys, sender keys…)
 *   are one lane and app-state keys another, so an app-state sync — which downloads blobs from the
 *   media host inside its transaction, with no timeout of its own (Socket/chats.js
 *   `resyncAppState`) — never holds up a send.
 * - With a deadline: a transaction still running when it passes is abandoned. Its caller gets
 *   `KeyTransactionDeadlineError`, its lanes are released, nothing it wrote is ever committed, and
 *   every later read or write of its still-running work throws. That last rule is what keeps a
 *   late transaction from writing stale keys over newer ones: a send that passed its deadline
 *   cannot store the Signal session it advanced, so it fails before its message reaches the wire
 *   (libsignal stores the session before returning the ciphertext) and the outbox retries it with
 *   the same id — not lost, not doubled.
 *
 * Which transaction a read or write belongs to is its async context — except that libsignal runs
 * the jobs of one address through a queue whose executor keeps the context of whoever started it
 * (libsignal `queue_job.js`), so a send's encryption can run in the context of an inbound decrypt
 * that happened to start the queue. A key access without a transaction of its own therefore goes to
 * the transaction that holds that key type's lane, as Baileys' single shared transaction would have
 * taken it; only when no one holds the lane does it reach the store directly.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type {
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStoreWithTransaction,
  WASocket,
} from "@whiskeysockets/baileys";
import type { SendQueue } from "./send-queue.js";

export const DEFAULT_KEY_TRANSACTION_DEADLINE_MS = 30_000;

type KeyType = keyof SignalDataTypeMap;
type Lane = "signal" | "appState";

/** One queue per lane, shared by every socket of a session. */
export type KeyStoreLanes = Record<Lane, SendQueue>;

export class KeyTransactionDeadlineError extends Error {
  override name = "KeyTransactionDeadlineError";
  constructor(deadlineMs: number) {
    super(`a WhatsApp key-store transaction passed its ${deadlineMs} ms deadline and was abandoned`);
  }
}

export interface KeyTransactionOptions {
  deadlineMs?: number;
  /** Told once for each abandoned transaction, for the log. */
  onAbandoned?: (error: KeyTransactionDeadlineError) => void;
}

function laneOf(type: KeyType): Lane {
  return type.startsWith("app-state") ? "appState" : "signal";
}

/** Takes the lane; resolves with the function that gives it back. */
function takeLane(queue: SendQueue): Promise<() => void> {
  return new Promise((granted) => {
    void queue.run(() => new Promise<void>((release) => granted(release)));
  });
}

class Transaction {
  private readonly cache = new Map<KeyType, Record<string, unknown>>();
  private readonly writes = new Map<KeyType, Record<string, unknown>>();
  private readonly held = new Map<Lane, Promise<() => void>>();
  private state: "running" | "committing" | "abandoned" | "done" = "running";

  constructor(
    private readonly lanes: KeyStoreLanes,
    private readonly holders: Map<Lane, Transaction>,
    private readonly deadlineMs: number,
  ) {}

  get isAbandoned(): boolean {
    return this.state === "abandoned";
  }

  /** Waits for the lane of `type` unless this transaction holds it already. */
  async enter(type: KeyType): Promise<void> {
    this.assertLive();
    const lane = laneOf(type);
    let taking = this.held.get(lane);
    if (!taking) {
      taking = takeLane(this.lanes[lane]).then((release) => {
        if (this.state === "running") this.holders.set(lane, this);
        return release;
      });
      this.held.set(lane, taking);
    }
    await taking;
    // abandoned while it waited: abandon() already gave the lane back; the work stops here
    this.assertLive();
  }

  isHolding(type: KeyType): boolean {
    return this.held.has(laneOf(type));
  }

  cached(type: KeyType): Record<string, unknown> {
    let entries = this.cache.get(type);
    if (!entries) {
      entries = {};
      this.cache.set(type, entries);
    }
    return entries;
  }

  write(data: SignalDataSet): void {
    this.assertLive();
    for (const [type, values] of Object.entries(data) as [KeyType, Record<string, unknown>][]) {
      Object.assign(this.cached(type), values);
      this.writes.set(type, { ...this.writes.get(type), ...values });
    }
  }

  /** The writes not committed yet, which from now on count as committed. */
  takeWrites(): SignalDataSet | null {
    if (this.writes.size === 0) return null;
    const taken = Object.fromEntries(this.writes) as SignalDataSet;
    this.writes.clear();
    return taken;
  }

  /** True when the deadline had not passed: from now on the deadline can no longer abandon it. */
  beginCommit(): boolean {
    if (this.state !== "running") return false;
    this.state = "committing";
    return true;
  }

  abandon(): KeyTransactionDeadlineError | null {
    if (this.state !== "running") return null;
    this.state = "abandoned";
    this.releaseLanes();
    return new KeyTransactionDeadlineError(this.deadlineMs);
  }

  finish(): void {
    if (this.state !== "abandoned") this.state = "done";
    this.releaseLanes();
  }

  assertLive(): void {
    if (this.isAbandoned) throw new KeyTransactionDeadlineError(this.deadlineMs);
  }

  private releaseLanes(): void {
    for (const [lane, taking] of this.held) {
      if (this.holders.get(lane) === this) this.holders.delete(lane);
      void taking.then((release) => {
        if (this.holders.get(lane) === this) this.holders.delete(lane);
        release();
      });
    }
  }
}

const currentTransaction = new AsyncLocalStorage<Transaction>();
/** Which transaction holds each lane, per session (the lanes object is the session's). */
const laneHolders = new WeakMap<KeyStoreLanes, Map<Lane, Transaction>>();

export function serializeKeyTransactions(
  socket: WASocket,
  lanes: KeyStoreLanes,
  options: KeyTransactionOptions = {},
): void {
  const deadlineMs = options.deadlineMs ?? DEFAULT_KEY_TRANSACTION_DEADLINE_MS;
  const keys: SignalKeyStoreWithTransaction = socket.authState.keys;
  // Outside any transaction Baileys' own get/set go straight to the store; ours use them so.
  const storeGet = keys.get.bind(keys);
  const storeSet = keys.set.bind(keys);

  keys.isInTransaction = () => currentTransaction.getStore() !== undefined;

  let holders = laneHolders.get(lanes);
  if (!holders) {
    holders = new Map();
    laneHolders.set(lanes, holders);
  }
  const lanesHeldBy = holders;
  /** This context's transaction, else the lane holder's (see the comment at the top), else none. */
  const transactionFor = (type: KeyType): Transaction | undefined =>
    currentTransaction.getStore() ?? lanesHeldBy.get(laneOf(type));

  keys.isInTransaction = () => currentTransaction.getStore() !== undefined;

  keys.get = async <T extends KeyType>(type: T, ids: string[]) => {
    const transaction = transactionFor(type);
    if (!transaction) return storeGet(type, ids);
    await transaction.enter(type);
    const cached = transaction.cached(type);
    const missing = ids.filter((id) => !(id in cached));
    if (missing.length > 0) {
      const fetched: Record<string, unknown> = await storeGet(type, missing);
      transaction.assertLive();
      for (const id of missing) if (!(id in cached)) cached[id] = fetched[id] ?? null;
    }
    const found: Record<string, SignalDataTypeMap[T]> = {};
    for (const id of ids) {
      const value = cached[id];
      if (value) found[id] = value as SignalDataTypeMap[T];
    }
    return found;
  };

  const setIn = (transaction: Transaction, data: SignalDataSet): void | Promise<void> => {
    const types = Object.keys(data) as KeyType[];
    // Synchronous when the lanes are held already, as Baileys' own set is inside a transaction.
    if (types.every((type) => transaction.isHolding(type))) return transaction.write(data);
    return (async () => {
      for (const type of types) await transaction.enter(type);
      transaction.write(data);
    })();
  };

  keys.set = (data: SignalDataSet) => {
    const own = currentTransaction.getStore();
    if (own) return setIn(own, data);
    // no transaction of its own: each lane's part goes to that lane's holder, or to the store
    const parts = new Map<Transaction | undefined, SignalDataSet>();
    for (const [type, values] of Object.entries(data) as [KeyType, SignalDataSet[KeyType]][]) {
      const target = lanesHeldBy.get(laneOf(type));
      parts.set(target, { ...parts.get(target), [type]: values });
    }
    const pending = [...parts].map(([target, part]) => (target ? setIn(target, part) : storeSet(part)));
    return Promise.all(pending).then(() => {});
  };

  keys.transaction = async <T>(work: () => Promise<T>): Promise<T> => {
    if (currentTransaction.getStore()) return work();
    const transaction = new Transaction(lanes, lanesHeldBy, deadlineMs);
    let onDeadline: (error: KeyTransactionDeadlineError) => void = () => {};
    const deadline = new Promise<never>((_, reject) => {
      onDeadline = reject;
    });
    const timer = setTimeout(() => {
      const error = transaction.abandon();
      if (!error) return;
      options.onAbandoned?.(error);
      onDeadline(error);
    }, deadlineMs);
    try {
      const running = currentTransaction.run(transaction, work);
      // The abandoned work goes on in the background and ends by throwing; nobody waits for it.
      running.catch(() => {});
      const result = await Promise.race([running, deadline]);
      if (!transaction.beginCommit()) throw new KeyTransactionDeadlineError(deadlineMs);
      clearTimeout(timer);
      // A write routed here from another context while a commit runs is committed by the next round.
      for (let writes = transaction.takeWrites(); writes; writes = transaction.takeWrites()) {
        await storeSet(writes);
      }
      return result;
    } finally {
      clearTimeout(timer);
      transaction.finish();
    }
  };
}
