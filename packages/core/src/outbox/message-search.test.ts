import { afterEach, expect, it } from "vitest";
import { describeOnEachEngine } from "../../test/outbox-database.js";
import { createHarness, type Harness } from "../../test/outbox-harness.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describeOnEachEngine("message search", {}, (engine) => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("finds text and captions whatever the case the user types, as SQLite's LIKE always did", async () => {
    harness = await createHarness({ engine });
    await harness.outbox.messages.send({ to: "081234567890", message: "Halo Budi, BIB kamu 1207" });
    await harness.outbox.messages.send({ to: "081234567891", message: "Jadwal lomba besok" });
    await harness.outbox.messages.sendMedia("image", {
      to: "081234567892",
      file: PNG,
      caption: "Peta RUTE 10K",
    });
    const found = async (search: string) =>
      (await harness.outbox.messages.list({ search })).items.map((item) => item.text).sort();

    for (const search of ["budi", "HALO BUDI", "bIb KaMu"])
      expect(await found(search), search).toEqual(["Halo Budi, BIB kamu 1207"]);
    expect(await found("rute 10k")).toEqual(["Peta RUTE 10K"]);
    expect(await found("a")).toHaveLength(3);
    expect(await found("Budi lomba")).toEqual([]);
  });
});
