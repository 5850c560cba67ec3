/**
 * Baileys' key-store transactions (Utils/auth-utils.js `addTransactionCapability`) are not isolated:
 * every transaction in flight shares one cache and one set of pending writes, only the last to
 * finish commits, and one that throws while it is the last discards the writes of all the others.
 * The adapter's send queue keeps our own sends apart, but Baileys opens transactions of its own
 * (the app-state sync right after linking, re-sends for retry receipts, pre-key uploads) that can
 * overlap a send; when the other one fails, the send's advanced Signal session is silently lost and
 * the next message reuses its counter — undecryptable for the recipient (seen as a decrypt failure
 * in a plain 5-message burst right after linking).
 *
 * So outermost transactions run one at a time, per session and across its sockets (an old socket's
 * late commit must not land after a new socket's). A transaction opened inside another (same async
 * context) is part of the outer one, as Baileys intends, and runs at once.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SignalKeyStoreWithTransaction, WASocket } from "@whiskeysockets/baileys";
import type { SendQueue } from "./send-queue.js";

const insideTransaction = new AsyncLocalStorage<true>();

export function serializeKeyTransactions(socket: WASocket, queue: SendQueue): void {
  const keys: SignalKeyStoreWithTransaction = socket.authState.keys;
  const transaction = keys.transaction.bind(keys);
  keys.transaction = <T>(work: () => Promise<T>): Promise<T> => {
    if (insideTransaction.getStore()) return transaction(work);
    return queue.run(() => insideTransaction.run(true, () => transaction(work)));
  };
}
