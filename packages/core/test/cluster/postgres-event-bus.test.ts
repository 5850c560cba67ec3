import { describe, expect, it } from "vitest";
import type { CoreEvent, ResyncEvent, TrackedEvent } from "../../src/contract.js";
import { BEFORE_FIRST_EVENT_ID } from "../../src/events/event-bus.js";
import { collect, once, type TestNode } from "../../src/testing/cluster-nodes.js";
import { twoNodesPerTest } from "../../src/testing/two-nodes-per-test.js";

const statusEvent = (id: string): CoreEvent => ({
  type: "message.status",
  message: { id, to: "628123", status: "queued", detail: null, at: new Date(0).toISOString() },
});
const messageIdOf = (received: TrackedEvent | ResyncEvent) =>
  received.event.type === "message.status" ? received.event.message.id : received.event.type;

async function take(iterable: AsyncIterable<TrackedEvent | ResyncEvent>, count: number) {
  const taken: (TrackedEvent | ResyncEvent)[] = [];
  for await (const received of iterable) {
    taken.push(received);
    if (taken.length === count) break;
  }
  return taken;
}

const { server, twoNodes } = twoNodesPerTest();

describe("PostgresEventBus across two nodes", { timeout: 30_000 }, () => {
  it("delivers every node's events to every node, in one global id order", async () => {
    const [a, b] = await twoNodes();
    const onA = collect((listener) => a.bus.on(listener));
    const onB = collect((listener) => b.bus.on(listener));
    for (let index = 0; index < 100; index += 1) {
      a.bus.publish(statusEvent(`a${index}`));
      b.bus.publish(statusEvent(`b${index}`));
    }
    await Promise.all([onA.reached(200), onB.reached(200)]);
    expect(onA.seen).toEqual(onB.seen);
    const ids = onA.seen.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // each publisher's events keep their order
    const fromA = onA.seen.map(messageIdOf).filter((id) => id.startsWith("a"));
    expect(fromA).toEqual(Array.from({ length: 100 }, (_, index) => `a${index}`));
  });

  it("a subscription on node B sees node A's events live", async () => {
    const [a, b] = await twoNodes();
    const subscription = take(b.bus.subscribe({}), 3);
    // the subscription listens from its first next(): give it one turn before publishing
    await new Promise((resolve) => setImmediate(resolve));
    for (const id of ["m1", "m2", "m3"]) a.bus.publish(statusEvent(id));
    expect((await subscription).map(messageIdOf)).toEqual(["m1", "m2", "m3"]);
  });

  it("a subscription resumed on the other node gets exactly the events it missed", async () => {
    const [a, b] = await twoNodes();
    const onA = collect((listener) => a.bus.on(listener));
    for (const id of ["m1", "m2", "m3", "m4", "m5"]) a.bus.publish(statusEvent(id));
    await onA.reached(5);
    await b.bus.settled();
    // the client saw m1 and m2 on node A, then reconnected to node B
    const lastSeen = onA.seen[1]?.id ?? "";
    const resumed = take(b.bus.subscribe({ lastEventId: lastSeen }), 4);
    a.bus.publish(statusEvent("m6"));
    expect((await resumed).map(messageIdOf)).toEqual(["m3", "m4", "m5", "m6"]);
    expect((await take(b.bus.subscribe({ lastEventId: BEFORE_FIRST_EVENT_ID }), 5)).map(messageIdOf)).toEqual(
      ["m1", "m2", "m3", "m4", "m5"],
    );
  });

  it("resumes from an id another node delivered before this one, with nothing twice", async () => {
    const [a, b] = await twoNodes();
    const onA = collect((listener) => a.bus.on(listener));
    a.bus.publish(statusEvent("m1"));
    await onA.reached(1);
    // B may not have delivered m1 yet; a client that saw it on A must not get it again on B
    const resumed = take(b.bus.subscribe({ lastEventId: onA.seen[0]?.id ?? "" }), 1);
    a.bus.publish(statusEvent("m2"));
    expect((await resumed).map(messageIdOf)).toEqual(["m2"]);
  });

  it("answers an unknown or pruned id with one resync", async () => {
    const [a, b] = await twoNodes();
    a.bus.publish(statusEvent("m1"));
    await a.bus.settled();
    await b.bus.settled();
    const [fromOtherProcess] = await take(b.bus.subscribe({ lastEventId: "lq3x-7" }), 1);
    expect(fromOtherProcess?.event).toEqual({ type: "resync" });
    const [fromTheFuture] = await take(b.bus.subscribe({ lastEventId: "999999" }), 1);
    expect(fromTheFuture?.event).toEqual({ type: "resync" });
    await a.db.$executeRawUnsafe(`DELETE FROM "ClusterEvent"`);
    a.bus.publish(statusEvent("m2"));
    await b.bus.settled();
    const [afterPrune] = await take(b.bus.subscribe({ lastEventId: BEFORE_FIRST_EVENT_ID }), 1);
    expect(afterPrune?.event).toEqual({ type: "resync" });
  });

  it("loses and repeats nothing when the listening connection is cut mid-stream", async () => {
    const [a, b] = await twoNodes();
    const onB = collect((listener) => b.bus.on(listener));
    const cacheDropped = once((listener) => b.bus.changes.on("settings", listener));
    let cut = 0;
    for (let index = 0; index < 300; index += 1) {
      a.bus.publish(statusEvent(`m${index}`));
      if (index === 100) cut = await server().terminateBackends("kabar-b-listen");
      // spread the burst over several appends, so some land while B is not listening
      if (index % 25 === 0) await a.bus.settled();
    }
    expect(cut).toBe(1);
    await onB.reached(300);
    await a.bus.settled();
    await b.bus.settled();
    expect(onB.seen.map(messageIdOf)).toEqual(Array.from({ length: 300 }, (_, index) => `m${index}`));
    // a notification sent while B did not listen is gone: B dropped its caches when it came back
    await cacheDropped;
  });

  it("hands onPublished only this node's own events, with their global ids", async () => {
    const [a, b] = await twoNodes();
    const ownOnA = collect((listener) => a.bus.onPublished(listener));
    const allOnB = collect((listener) => b.bus.on(listener));
    a.bus.publish(statusEvent("from-a"));
    b.bus.publish(statusEvent("from-b"));
    await allOnB.reached(2);
    await a.bus.settled();
    expect(ownOnA.seen.map(messageIdOf)).toEqual(["from-a"]);
    expect(allOnB.seen.find((event) => messageIdOf(event) === "from-a")?.id).toBe(ownOnA.seen[0]?.id);
  });

  it("wakes every node when a message is queued on one (NOTIFY kabar_outbox)", async () => {
    const [a, b] = await twoNodes();
    const wokenB = once((listener) => b.bus.onOutboxQueued(listener));
    a.bus.publish(statusEvent("m1"));
    a.bus.announceOutboxQueued();
    await wokenB;
  });

  it("announces a change to every node (NOTIFY kabar_changed)", async () => {
    const [a, b] = await twoNodes();
    const onB = once((listener) => b.bus.changes.on("optouts", listener));
    a.bus.changes.announce("optouts");
    await onB;
  });
});
