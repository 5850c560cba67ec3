import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/outbox-harness.js";
import { MEDIA_LIMITS } from "./read-media.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe("sending", { timeout: 20_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("rejects an invalid number or empty message before anything is stored", async () => {
    harness = await createHarness();
    await expect(harness.outbox.messages.send({ to: "12ab", message: "x" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "to",
      message: expect.stringContaining('"12ab"'),
    });
    await expect(harness.outbox.messages.send({ to: "081234567890", message: "" })).rejects.toMatchObject({
      field: "message",
    });
    expect(await harness.database.db.outboxMessage.count()).toBe(0);
  });

  it("says when sessionName did not match and the default session was used", async () => {
    harness = await createHarness();
    const other = await harness.outbox.messages.send({
      to: "081234567890",
      message: "x",
      sessionName: "marketing",
    });
    const own = await harness.outbox.messages.send({
      to: "081234567890",
      message: "x",
      sessionName: "kabar_test",
    });
    expect(other.usedDefaultSession).toBe(true);
    expect(own.usedDefaultSession).toBe(false);
  });

  it("times out waiting for sent while disconnected, and the message stays queued", async () => {
    harness = await createHarness();
    const waiting = harness.outbox.messages.send(
      { to: "081234567890", message: "x" },
      { waitFor: "sent", timeoutMs: 50 },
    );
    await expect(waiting).rejects.toMatchObject({
      code: "TIMEOUT",
      message: expect.stringContaining("stays queued"),
    });
    expect((await harness.outbox.messages.countByStatus()).queued).toBe(1);
  });

  it("sends an image from bytes and a document from a file", async () => {
    harness = await createHarness();
    harness.session.connect();
    const image = await harness.outbox.messages.sendMedia(
      "image",
      { to: "081234567890", file: PNG, caption: "Nomor BIB kamu" },
      { waitFor: "sent" },
    );
    const file = path.join(harness.database.dir, "jadwal.pdf");
    await writeFile(file, "%PDF-1.4 test");
    const document = await harness.outbox.messages.sendMedia(
      "document",
      { to: "081234567890", file },
      { waitFor: "sent" },
    );
    expect([image.status, document.status]).toEqual(["sent", "sent"]);
    expect(
      harness.port.sends.map((send) => send.media && { ...send.media, data: send.media.data.byteLength }),
    ).toEqual([
      {
        type: "image",
        data: PNG.byteLength,
        fileName: "image.png",
        mimeType: "image/png",
        caption: "Nomor BIB kamu",
      },
      { type: "document", data: 13, fileName: "jadwal.pdf", mimeType: "application/pdf" },
    ]);
    expect((await harness.outbox.messages.get(image.id))?.text).toBe("Nomor BIB kamu");
  });

  it("refuses media past the limit, naming it", async () => {
    harness = await createHarness();
    const tooBig = new Uint8Array(MEDIA_LIMITS.image + 1);
    await expect(
      harness.outbox.messages.sendMedia("image", { to: "081234567890", file: tooBig }),
    ).rejects.toMatchObject({
      code: "MEDIA_TOO_LARGE",
      message: expect.stringContaining("at most 16.0 MB"),
    });
    await expect(
      harness.outbox.messages.sendMedia("document", { to: "081234567890", file: "/nonexistent/file.pdf" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "file" });
    await expect(
      harness.outbox.messages.sendMedia("image", {
        to: "081234567890",
        file: new Uint8Array([1, 2, 3]),
        fileName: "a.gif",
      }),
    ).rejects.toMatchObject({ field: "mimeType" });
  });

  it("lists newest first with a cursor, and resends only failed messages", async () => {
    harness = await createHarness();
    for (const index of [1, 2, 3])
      await harness.outbox.messages.send({ to: "081234567890", message: `m${index}` });
    const page = await harness.outbox.messages.list({ limit: 2 });
    expect(page.items.map((item) => item.text)).toEqual(["m3", "m2"]);
    const rest = await harness.outbox.messages.list({ limit: 2, cursor: page.nextCursor ?? undefined });
    expect(rest).toMatchObject({ items: [{ text: "m1" }], nextCursor: null });
    expect((await harness.outbox.messages.list({ search: "m2" })).items).toHaveLength(1);
    // The number search reads what people type with the same rule as the send: 0812… is 62812….
    for (const to of ["0812", "0812-3456", "+62 812 3456 7890", "081234567890", "62812"])
      expect((await harness.outbox.messages.list({ to })).items, to).toHaveLength(3);
    expect((await harness.outbox.messages.list({ to: "0813" })).items).toHaveLength(0);
    await expect(harness.outbox.messages.resend(page.items[0]?.id ?? "")).rejects.toMatchObject({
      code: "MESSAGE_NOT_RESENDABLE",
    });
    await expect(harness.outbox.messages.resend("msg_missing")).rejects.toMatchObject({
      code: "MESSAGE_NOT_FOUND",
    });
  });
});
