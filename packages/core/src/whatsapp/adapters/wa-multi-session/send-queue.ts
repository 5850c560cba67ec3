/**
 * Baileys 6.17.16 runs every send inside one key-store transaction shared by all sends in flight
 * (`addTransactionCapability`): when two overlap, a late session read overwrites the advanced one
 * and only the last to finish commits, so messages go out under a reused Signal counter and the
 * recipient cannot decrypt them. A send therefore starts only after the previous one has settled,
 * resolved or rejected, including its transaction's commit.
 */
export interface SendQueue {
  /** Runs `task` once every task queued before it has settled; settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void>;
}

export function createSendQueue(): SendQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      // The next task waits for this one whatever its outcome; a failure belongs to its caller only.
      tail = result.catch(() => {});
      return result;
    },
    idle: () => tail.then(() => {}),
  };
}
