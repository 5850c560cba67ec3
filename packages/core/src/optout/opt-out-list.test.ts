import { afterEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, describeOnEachEngine } from "../../test/outbox-database.js";
import { createSettingsStore } from "../settings/settings-service.js";
import { createOptOutList } from "./opt-out-list.js";

describeOnEachEngine("opt-out list kept in memory", {}, (engine) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database.close();
  });

  it("answers every add and removal from the next question on, once the list was read", async () => {
    database = await createTestDatabase("kabar-optout-", engine);
    const optOuts = createOptOutList(database.db, await createSettingsStore(database.db, {}));
    expect(await optOuts.isOptedOut("081234567890")).toBe(false);
    await optOuts.add({ phone: "081234567890" });
    expect(await optOuts.isOptedOut("081234567890")).toBe(true);
    expect(await optOuts.addDigits("6281234567891", "keyword")).toBe(true);
    expect(await optOuts.isOptedOutDigits("6281234567891")).toBe(true);
    expect(await optOuts.remove({ phone: "081234567890" })).toEqual({ removed: true });
    expect(await optOuts.isOptedOut("081234567890")).toBe(false);
    expect(await optOuts.isOptedOutDigits("6281234567891")).toBe(true);
  });

  it("does not keep a read of the whole list that a write overlapped", async () => {
    database = await createTestDatabase("kabar-optout-", engine);
    const optOuts = createOptOutList(database.db, await createSettingsStore(database.db, {}));
    const [, answer] = await Promise.all([
      optOuts.addDigits("6281234567890", "keyword"),
      optOuts.isOptedOutDigits("6281234567891"),
    ]);
    expect(answer).toBe(false);
    expect(await optOuts.isOptedOutDigits("6281234567890")).toBe(true);
  });
});
