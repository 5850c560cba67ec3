import type { WASocket } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { createSendQueue } from "./send-queue.js";
import { serializeKeyTransactions } from "./serial-transactions.js";

/** Just the key store of a socket, with a transaction that records how many run at once. */
function fakeSocket() {
  let running = 0;
  let maxRunning = 0;
  const keys = {
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await work();
      } finally {
        running -= 1;
      }
    },
  };
  // Only authState.keys.transaction is touched by serializeKeyTransactions.
  const socket = { authState: { keys } } as unknown as WASocket;
  return { socket, maxRunning: () => maxRunning };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Baileys' key-store transactions behind the adapter", () => {
  it("run one at a time, also across two sockets of the session, and a failure stays with its caller", async () => {
    const queue = createSendQueue();
    const first = fakeSocket();
    const second = fakeSocket();
    serializeKeyTransactions(first.socket, queue);
    serializeKeyTransactions(second.socket, queue);
    let overlapping = 0;
    let maxOverlapping = 0;
    const work = (fails: boolean) => async () => {
      overlapping += 1;
      maxOverlapping = Math.max(maxOverlapping, overlapping);
      await pause(5);
      overlapping -= 1;
      if (fails) throw new Error("sync failed");
      return "done";
    };
    const results = await Promise.allSettled([
      first.socket.authState.keys.transaction(work(false)),
      first.socket.authState.keys.transaction(work(true)),
      second.socket.authState.keys.transaction(work(false)),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(maxOverlapping).toBe(1);
  });

  it("runs a transaction opened inside another at once, as part of it, instead of waiting for itself", async () => {
    const queue = createSendQueue();
    const { socket } = fakeSocket();
    serializeKeyTransactions(socket, queue);
    const keys = socket.authState.keys;
    const result = await keys.transaction(async () => {
      await pause(1);
      return keys.transaction(async () => "nested");
    });
    expect(result).toBe("nested");
  });
});
