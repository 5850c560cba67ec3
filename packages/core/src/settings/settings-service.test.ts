import { afterEach, beforeEach, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, describeOnEachEngine } from "../../test/outbox-database.js";
import { createSettingsStore, DEFAULT_SETTINGS } from "./settings-service.js";

describeOnEachEngine("settings", { timeout: 20_000 }, (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(undefined, engine);
  });
  afterEach(async () => {
    await database.close();
  });

  it("starts from the defaults and persists updates", async () => {
    const store = await createSettingsStore(database.db);
    expect(await store.get()).toEqual(DEFAULT_SETTINGS);
    await store.update({ minGapMs: 200, maxGapMs: 400, dailyCap: 50 });
    const reopened = await createSettingsStore(database.db);
    expect(await reopened.get()).toMatchObject({
      minGapMs: 200,
      maxGapMs: 400,
      dailyCap: 50,
      defaultCountry: "ID",
    });
  });

  it("lets overrides win over stored values", async () => {
    const store = await createSettingsStore(database.db, { minGapMs: 0, maxGapMs: 0 });
    await store.update({ minGapMs: 500, maxGapMs: 900 });
    expect(store.current()).toMatchObject({ minGapMs: 0, maxGapMs: 0 });
  });

  it("rejects a gap range that is upside down, naming the field", async () => {
    const store = await createSettingsStore(database.db);
    await expect(store.update({ minGapMs: 5000, maxGapMs: 100 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "maxGapMs",
    });
    await expect(store.update({ defaultCountry: "indonesia" })).rejects.toMatchObject({
      field: "defaultCountry",
    });
  });

  it("accepts only a country the phone rule knows, and changes nothing otherwise", async () => {
    const store = await createSettingsStore(database.db);
    await expect(store.update({ defaultCountry: "XX" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "defaultCountry",
      message: expect.stringContaining('"XX" is not a supported country code'),
    });
    expect(store.current().defaultCountry).toBe("ID");
    expect(await database.db.setting.count()).toBe(0);
    await store.update({ defaultCountry: "MY" });
    expect(store.current().defaultCountry).toBe("MY");
  });

  it("takes the organisation's time zone as an IANA name, and refuses anything else unchanged", async () => {
    const store = await createSettingsStore(database.db);
    expect(store.current().timeZone).toBe("Asia/Jakarta");
    await expect(store.update({ timeZone: "WIB" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "timeZone",
      message: expect.stringContaining("IANA time zone"),
    });
    expect(await database.db.setting.count()).toBe(0);
    await store.update({ timeZone: "Asia/Makassar" });
    expect((await createSettingsStore(database.db)).current().timeZone).toBe("Asia/Makassar");
  });

  it("reads a stored unsupported country (an older version accepted any two capitals) as the default", async () => {
    await database.db.setting.create({ data: { key: "defaultCountry", value: '"XX"' } });
    const store = await createSettingsStore(database.db);
    expect(store.current().defaultCountry).toBe("ID");
  });

  it("ignores a stored value the schema no longer accepts", async () => {
    await database.db.setting.create({ data: { key: "dailyCap", value: '"lots"' } });
    const store = await createSettingsStore(database.db);
    expect(store.current().dailyCap).toBe(DEFAULT_SETTINGS.dailyCap);
  });
});
