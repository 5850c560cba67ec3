import { describe, expect, it } from "vitest";
import type { ResyncEvent, TrackedEvent } from "../contract.js";
import { initialStatus } from "../session/session-status-store.js";
import { BEFORE_FIRST_EVENT_ID, InMemoryEventBus } from "./event-bus.js";

const stateEvent = (reason: string) =>
  ({ type: "session.state", status: { ...initialStatus(new Date(0)), reason } }) as const;

type Received = TrackedEvent | ResyncEvent;

async function take(iterable: AsyncIterable<Received>, count: number): Promise<Received[]> {
  const taken: Received[] = [];
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
    const reasons = (await subscription).map((received) =>
      received.event.type === "session.state" ? received.event.status.reason : null,
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

  it("keeps at most maxEvents; a resume from an evicted id gets one resync, then goes on live", async () => {
    const bus = new InMemoryEventBus({ maxEvents: 2 });
    const first = bus.publish(stateEvent("1"));
    bus.publish(stateEvent("2"));
    bus.publish(stateEvent("3"));
    const newest = bus.publish(stateEvent("4"));
    expect(bus.bufferedCount).toBe(2);
    const subscription = take(bus.subscribe({ lastEventId: first.id }), 2);
    const live = bus.publish(stateEvent("5"));
    // 2 is gone, so 3 and 4 alone would hide a gap: the subscriber re-reads the state instead.
    expect(await subscription).toEqual([{ id: newest.id, event: { type: "resync" } }, live]);
  });

  it("replays an id just before the oldest held event exactly, with no resync", async () => {
    const bus = new InMemoryEventBus({ maxEvents: 2 });
    bus.publish(stateEvent("1"));
    const second = bus.publish(stateEvent("2"));
    bus.publish(stateEvent("3"));
    bus.publish(stateEvent("4"));
    const replayed = await take(bus.subscribe({ lastEventId: second.id }), 2);
    expect(replayed.map((received) => received.id.split("-")[1])).toEqual(["3", "4"]);
  });

  it("drops events older than maxAgeMs, so a late resume gets a resync", async () => {
    let now = 0;
    const bus = new InMemoryEventBus({ maxAgeMs: 1_000, now: () => now });
    const old = bus.publish(stateEvent("old"));
    const kept = bus.publish(stateEvent("kept"));
    now = 600;
    bus.publish(stateEvent("recent"));
    now = 1_200;
    expect(bus.bufferedCount).toBe(1);
    const [fromOld] = await take(bus.subscribe({ lastEventId: old.id }), 1);
    expect(fromOld?.event).toEqual({ type: "resync" });
    const [fromKept] = await take(bus.subscribe({ lastEventId: kept.id }), 1);
    expect(fromKept?.event.type === "session.state" && fromKept.event.status.reason).toBe("recent");
  });

  it("answers an id from an earlier process with a resync", async () => {
    const bus = new InMemoryEventBus();
    bus.publish(stateEvent("a"));
    const [received] = await take(bus.subscribe({ lastEventId: "an-earlier-process-7" }), 1);
    expect(received?.event).toEqual({ type: "resync" });
  });

  it("replays everything from BEFORE_FIRST_EVENT_ID while nothing was evicted", async () => {
    const bus = new InMemoryEventBus({ maxEvents: 2 });
    bus.publish(stateEvent("1"));
    bus.publish(stateEvent("2"));
    const all = await take(bus.subscribe({ lastEventId: BEFORE_FIRST_EVENT_ID }), 2);
    expect(all.map((received) => received.id.split("-")[1])).toEqual(["1", "2"]);
    bus.publish(stateEvent("3"));
    const [afterEviction] = await take(bus.subscribe({ lastEventId: BEFORE_FIRST_EVENT_ID }), 1);
    expect(afterEviction?.event).toEqual({ type: "resync" });
  });

  it("stays within maxEvents over many publishes", () => {
    const bus = new InMemoryEventBus({ maxEvents: 100 });
    for (let index = 0; index < 10_000; index += 1) bus.publish(stateEvent(String(index)));
    expect(bus.bufferedCount).toBe(100);
  });
});
