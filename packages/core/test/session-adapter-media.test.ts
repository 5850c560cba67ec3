/**
 * Images and documents through the wa-multi-session adapter and the real library: uploaded to the
 * simulator's media host (reached as mmg.whatsapp.net through WHATSAPP_MEDIA_URL, trusted through
 * WHATSAPP_EXTRA_CA), then downloaded, checked and decrypted by the simulated contact.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  linkNewSession,
  type SimulatedWhatsApp,
  startSimulatedWhatsApp,
} from "./support/simulated-whatsapp-harness.js";

const CONTACT = "6281299990002";
let harness: SimulatedWhatsApp | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the wa-multi-session adapter's media sends", () => {
  it("sends a document and an image the contact decrypts, with the id, caption and file name sent", async () => {
    harness = await startSimulatedWhatsApp();
    const underTest = harness.createManager();
    await underTest.manager.start();
    await linkNewSession(harness, underTest.manager);
    const { simulator } = harness;
    const pdf = Buffer.from("%PDF-1.4\n% Kabar: tiket lari 10K\n");
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(96, 3),
      Buffer.from([0xff, 0xd9]),
    ]);
    const documentId = `KABARDOC${Date.now()}`;
    const imageId = `KABARIMG${Date.now()}`;

    const bothArrived = simulator.waitFor(
      "message",
      () => simulator.contacts.messages(CONTACT).filter((message) => message.media).length >= 2,
    );
    await expect(
      underTest.port.sendMedia("main_session", {
        to: CONTACT,
        type: "document",
        data: pdf,
        fileName: "tiket-10k.pdf",
        mimeType: "application/pdf",
        caption: "Tiket Anda",
        messageId: documentId,
      }),
    ).resolves.toEqual({ messageId: documentId });
    await underTest.port.sendMedia("main_session", {
      to: CONTACT,
      type: "image",
      data: jpeg,
      fileName: "rute.jpg",
      mimeType: "image/jpeg",
      caption: "Peta rute",
      messageId: imageId,
    });
    await bothArrived;

    const received = simulator.contacts.messages(CONTACT);
    expect(received.map((message) => message.mediaError)).toEqual([undefined, undefined]);
    expect(received.find((message) => message.id === documentId)?.media).toEqual({
      type: "document",
      mimeType: "application/pdf",
      fileName: "tiket-10k.pdf",
      caption: "Tiket Anda",
      size: pdf.length,
      sha256: sha256(pdf),
    });
    expect(received.find((message) => message.id === imageId)?.media).toEqual({
      type: "image",
      mimeType: "image/jpeg",
      caption: "Peta rute",
      size: jpeg.length,
      sha256: sha256(jpeg),
    });
  });
});
