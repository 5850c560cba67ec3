import { describe, expect, it } from "vitest";
import { createSendQueue } from "./send-queue.js";

/** A fake library send that records how many sends run at once, and the order they ran in. */
function overlapRecorder() {
  let running = 0;
  let maxRunning = 0;
  const order: string[] = [];
  const send = async (id: string, options: { delayMs: number; fails?: boolean }) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    order.push(`start ${id}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fails) throw new Error(`send ${id} failed`);
      return id;
    } finally {
      order.push(`end ${id}`);
      running -= 1;
    }
  };
  return { send, order, maxRunning: () => maxRunning };
}

describe("the adapter's send queue", () => {
  it("never lets two sends overlap, and keeps their order", async () => {
    const queue = createSendQueue();
    const recorder = overlapRecorder();
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((id, index) =>
        queue.run(() => recorder.send(id, { delayMs: 20 - index * 5 })),
      ),
    );
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(recorder.maxRunning()).toBe(1);
    expect(recorder.order).toEqual(["a", "b", "c", "d"].flatMap((id) => [`start ${id}`, `end ${id}`]));
  });

  it("starts the next send only after a failed one has settled, and the failure reaches only its caller", async () => {
    const queue = createSendQueue();
    const recorder = overlapRecorder();
    const failing = queue.run(() => recorder.send("a", { delayMs: 20, fails: true }));
    const next = queue.run(() => recorder.send("b", { delayMs: 1 }));
    await expect(failing).rejects.toThrow("send a failed");
    await expect(next).resolves.toBe("b");
    expect(recorder.maxRunning()).toBe(1);
    expect(recorder.order).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("also queues a task that throws before its first await", async () => {
    const queue = createSendQueue();
    const thrown = queue.run(() => {
      throw new Error("not connected");
    });
    await expect(thrown).rejects.toThrow("not connected");
    await expect(queue.run(async () => "after")).resolves.toBe("after");
    await queue.idle();
  });
});
