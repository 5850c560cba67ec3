import { describe, expect, it } from "vitest";
import { createOptOutList } from "../../src/optout/opt-out-list.js";
import { createSettingsStore } from "../../src/settings/settings-service.js";
import { once, type TestNode } from "../../src/testing/cluster-nodes.js";
import { twoNodesPerTest } from "../../src/testing/two-nodes-per-test.js";

const { server, twoNodes } = twoNodesPerTest();

async function optOutLists(a: TestNode, b: TestNode) {
  const settingsA = await createSettingsStore(a.db, {}, a.bus.changes);
  const settingsB = await createSettingsStore(b.db, {}, b.bus.changes);
  return [createOptOutList(a.db, settingsA, a.bus.changes), createOptOutList(b.db, settingsB, b.bus.changes)];
}

describe("caches across two nodes", { timeout: 30_000 }, () => {
  it("a settings change on node A is node B's current settings once it heard of it", async () => {
    const [a, b] = await twoNodes();
    const settingsA = await createSettingsStore(a.db, {}, a.bus.changes);
    const settingsB = await createSettingsStore(b.db, {}, b.bus.changes);
    expect(settingsB.current().dailyCap).toBe(1000);
    const reloadedOnB = new Promise((resolve) => settingsB.onChange(resolve));
    await settingsA.update({ dailyCap: 77 });
    await reloadedOnB;
    expect(settingsB.current().dailyCap).toBe(77);
  });

  it("a number opted out on node A is refused by node B's in-memory list right after", async () => {
    const [a, b] = await twoNodes();
    const [listA, listB] = await optOutLists(a, b);
    // B reads the whole list into memory now: without the notification it would keep it a minute
    expect(await listB?.isOptedOutDigits("6281234567")).toBe(false);
    const droppedOnB = once((listener) => b.bus.changes.on("optouts", listener));
    await listA?.addDigits("6281234567", "keyword");
    await droppedOnB;
    expect(await listB?.isOptedOutDigits("6281234567")).toBe(true);
    const removedOnB = once((listener) => b.bus.changes.on("optouts", listener));
    await listA?.removeDigits("6281234567");
    await removedOnB;
    expect(await listB?.isOptedOutDigits("6281234567")).toBe(false);
  });

  it("after its listening connection was cut, node B drops what it cached (a notification may be lost)", async () => {
    const [a, b] = await twoNodes();
    const [, listB] = await optOutLists(a, b);
    expect(await listB?.isOptedOutDigits("6281234567")).toBe(false);
    const droppedOnB = once((listener) => b.bus.changes.on("optouts", listener));
    // B is not listening while the number is added, so no notification reaches it
    await server().terminateBackends("kabar-b-listen");
    await a.db.optOut.create({ data: { phone: "6281234567", source: "admin" } });
    await droppedOnB;
    expect(await listB?.isOptedOutDigits("6281234567")).toBe(true);
  });
});
