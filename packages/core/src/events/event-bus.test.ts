import { describe, expect, it } from "vitest";
import type { TrackedEvent } from "../contract.js";
import { initialStatus } from "../session/session-status-store.js";
import { InMemoryEventBus } from "./event-bus.js";

const stateEvent = (reason: string) =>
  ({ type: "session.state", status: { ...initialStatus(new Date(0)), reason } }) as const;

async function take(iterable: AsyncIterable<TrackedEvent>, count: number): Promise<TrackedEvent[]> {
  const taken: TrackedEvent[] = [];
  for await (const event of iterable) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

describe("InMemoryEventBus", () => {
  it("replays what a reconnecting subscriber missed after lastEventId, then goes on live", async () => {
    const bus = new InMemoryEventBus();
    const first = bus.publish(stateEvent("a"));
    bus.publish(stateEvent("b"));
    bus.publish(stateEvent("c"));
    const subscription = take(bus.subscribe({ lastEventId: first.id }), 3);
    bus.publish(stateEvent("d"));
    const reasons = (await subscription).map((tracked) =>
      tracked.event.type === "session.state" ? tracked.event.status.reason : null,
    );
    expect(reasons).toEqual(["b", "c", "d"]);
  });

  it("ends the subscription when the signal aborts", async () => {
    const bus = new InMemoryEventBus();
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const tracked of bus.subscribe({ signal: controller.signal })) seen.push(tracked.id);
    })();
    bus.publish(stateEvent("x"));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await done;
    expect(seen).toHaveLength(1);
  });

  it("replays everything still buffered when lastEventId is older than the buffer", async () => {
    const bus = new InMemoryEventBus(2);
    const first = bus.publish(stateEvent("1"));
    bus.publish(stateEvent("2"));
    bus.publish(stateEvent("3"));
    const replayed = await take(bus.subscribe({ lastEventId: first.id }), 2);
    expect(replayed.map((tracked) => tracked.id.split("-")[1])).toEqual(["2", "3"]);
  });
});
