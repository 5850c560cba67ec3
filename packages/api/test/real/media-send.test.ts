/**
 * Images and documents end to end (issue 12 item 5): REST base64 JSON, REST multipart, tRPC over
 * HTTP and the typed client, on core's createKabar with the real wa-multi-session + Baileys against
 * the WhatsApp simulator, whose contact downloads, checks and decrypts every file. Then bad input:
 * each refusal names its field, queues nothing and writes nothing under data/media/.
 * One file, one session: wa-multi-session keeps module-global state.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { ReceivedMessage, WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KabarClient } from "@kabar/client";
import type { Kabar } from "../../src/kabar.js";
import { request } from "../support/http.js";
import { type SimulatedApi, startSimulatedApi } from "../support/simulated-api.js";
import type { TestApi } from "../support/test-api.js";

const CONTACT = "6281234567890";
const MB = 1024 * 1024;
let simulator: WhatsAppSimulator;
let api: TestApi<Kabar>;
let client: KabarClient;
let baseUrl: string;
let token: string;

let started: SimulatedApi | null = null;

beforeAll(async () => {
  // A send-scope token: what an integration sending media holds.
  started = await startSimulatedApi("send");
  ({ simulator, api, baseUrl, token, client } = started);
  await api.kabar.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
  const qr = new Promise<string>((resolve) => {
    const off = api.kabar.events.on(({ event }) => {
      if (event.type === "session.state" && event.status.qr) {
        off();
        resolve(event.status.qr.value);
      }
    });
  });
  const connected = new Promise<void>((resolve) => {
    const off = api.kabar.events.on(({ event }) => {
      if (event.type === "session.state" && event.status.state === "connected") {
        off();
        resolve();
      }
    });
  });
  await api.kabar.sessions.connect();
  await simulator.phone.scan(await qr);
  await connected;
  simulator.contacts.add(CONTACT);
}, 60_000);

afterAll(async () => {
  await started?.close();
});

/** Distinct bytes per send, so each file's SHA-256 names one send. */
function jpeg(label: string): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(label),
    Buffer.alloc(300, 7),
    Buffer.from([0xff, 0xd9]),
  ]);
}
function pdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% Kabar ${label}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);
}
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

interface Sent {
  id: string;
  bytes: Buffer;
  type: "image" | "document";
  mimeType: string;
  fileName: string;
  caption: string;
}

type Way = (file: Sent) => Promise<string>;

const ways: Record<string, Way> = {
  "REST base64 JSON": async (file) => {
    const response = await request(baseUrl, "POST", "/api/messages", {
      token,
      body: {
        to: "0812-3456-7890",
        media: { data: file.bytes.toString("base64"), mimeType: file.mimeType, fileName: file.fileName },
        caption: file.caption,
      },
    });
    expect(response.status).toBe(202);
    return (response.body as { id: string }).id;
  },
  "REST multipart": async (file) => {
    const response = await postMultipart({
      to: "0812-3456-7890",
      caption: file.caption,
      file: new File([file.bytes], file.fileName, { type: file.mimeType }),
    });
    expect(response).toMatchObject({ status: 202 });
    return (response.body as { id: string }).id;
  },
  "tRPC over HTTP": async (file) => {
    const response = await fetch(`${baseUrl}/trpc/messages.sendMedia`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        to: "081234567890",
        media: { data: file.bytes.toString("base64"), mimeType: file.mimeType, fileName: file.fileName },
        caption: file.caption,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { result: { data: { id: string } } }).result.data.id;
  },
  "typed client": async (file) => {
    const result = await client.messages.sendMedia.mutate({
      to: "081234567890",
      media: { data: file.bytes.toString("base64"), mimeType: file.mimeType, fileName: file.fileName },
      caption: file.caption,
    });
    return result.id;
  },
};

async function postMultipart(fields: Record<string, string | File>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${baseUrl}/api/messages/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function waMessageIdOf(id: string): Promise<string> {
  const record = await api.kabar.messages.get(id);
  if (!record) throw new Error(`no message ${id}`);
  return record.waMessageId;
}

function withMedia(): ReceivedMessage[] {
  return simulator.contacts.messages(CONTACT).filter((message) => message.media !== undefined);
}

describe("an image and a PDF through every way in", () => {
  it("arrive decrypted at the contact with the SHA-256, caption and file name sent", async () => {
    const sent: Sent[] = [];
    for (const [way, send] of Object.entries(ways)) {
      for (const file of [
        {
          bytes: jpeg(way),
          type: "image",
          mimeType: "image/jpeg",
          fileName: "rute.jpg",
          caption: `Rute (${way})`,
        },
        {
          bytes: pdf(way),
          type: "document",
          mimeType: "application/pdf",
          fileName: `tiket ${way}.pdf`,
          caption: `Tiket (${way})`,
        },
      ] as const) {
        const entry: Sent = { ...file, id: "" };
        entry.id = await waMessageIdOf(await send(entry));
        sent.push(entry);
      }
    }
    if (withMedia().length < sent.length)
      await simulator.waitFor("message", () => withMedia().length >= sent.length, 30_000);
    const received = new Map(withMedia().map((message) => [message.id, message]));
    for (const file of sent) {
      const message = received.get(file.id);
      expect(message?.mediaError).toBeUndefined();
      expect(message?.count).toBe(1);
      expect(message?.media).toEqual({
        type: file.type,
        mimeType: file.mimeType,
        ...(file.type === "document" ? { fileName: file.fileName } : {}),
        caption: file.caption,
        size: file.bytes.byteLength,
        sha256: sha256(file.bytes),
      });
    }
  }, 90_000);
});

describe("a multipart file the client did not label (application/octet-stream)", () => {
  it("is typed by its name: a .webp goes as an image/webp", async () => {
    const webp = Buffer.concat([
      Buffer.from("RIFF"),
      Buffer.from([0, 1, 0, 0]),
      Buffer.from("WEBPVP8 "),
      Buffer.alloc(256, 1),
    ]);
    const response = await postMultipart({
      to: CONTACT,
      caption: "Medali finisher",
      file: new File([webp], "medali.webp", { type: "application/octet-stream" }),
    });
    expect(response.status).toBe(202);
    const waMessageId = await waMessageIdOf((response.body as { id: string }).id);
    const isThere = () => withMedia().some((message) => message.id === waMessageId);
    if (!isThere()) await simulator.waitFor("message", isThere, 30_000);
    expect(withMedia().find((message) => message.id === waMessageId)?.media).toMatchObject({
      type: "image",
      mimeType: "image/webp",
      sha256: sha256(webp),
    });
  }, 60_000);
});

describe("bad media: a 4xx naming the field, nothing queued, nothing written under data/media/", () => {
  const mediaDir = () => path.join(api.dir, "media");
  const listing = async (dir: string) => (await readdir(dir).catch(() => [])).sort();

  async function expectRefused(
    send: () => Promise<{ status: number; body: unknown }>,
    expected: { status: number; field: string | undefined; says: RegExp },
  ) {
    const before = { files: await listing(mediaDir()), queued: await api.db.outboxMessage.count() };
    const response = await send();
    const error = (response.body as { error?: { field?: string; message?: string } }).error;
    expect({ status: response.status, field: error?.field }).toEqual({
      status: expected.status,
      field: expected.field,
    });
    expect(error?.message).toMatch(expected.says);
    expect(await api.db.outboxMessage.count()).toBe(before.queued);
    expect(await listing(mediaDir())).toEqual(before.files);
    expect(await listing(path.join(api.dir, "uploads"))).toEqual([]);
  }

  const json = (media: Record<string, unknown>) =>
    request(baseUrl, "POST", "/api/messages", { token, body: { to: CONTACT, media } });

  it("in base64 JSON: wrong type, mislabelled bytes, empty, broken base64, over 16 MB", async () => {
    await expectRefused(() => json({ data: jpeg("gif").toString("base64"), mimeType: "image/gif" }), {
      status: 400,
      field: "media.mimeType",
      says: /^media\.mimeType: .*image\/jpeg, image\/png or image\/webp/,
    });
    await expectRefused(() => json({ data: pdf("x").toString("base64"), mimeType: "image/png" }), {
      status: 400,
      field: "media.data",
      says: /^media\.data: .*not image\/png/,
    });
    await expectRefused(() => json({ data: "", mimeType: "application/pdf" }), {
      status: 400,
      field: "media.data",
      says: /media\.data: the file is empty/,
    });
    await expectRefused(() => json({ data: "JVBERi0x$$==", mimeType: "application/pdf" }), {
      status: 400,
      field: "media.data",
      says: /media\.data is not valid base64/,
    });
    const tooBig = Buffer.concat([jpeg("big"), Buffer.alloc(16 * MB)]);
    await expectRefused(() => json({ data: tooBig.toString("base64"), mimeType: "image/jpeg" }), {
      status: 413,
      field: "media.data",
      says: /at most 16\.0 MB/,
    });
  }, 60_000);

  it("a JSON body past the media limit is refused before it is read whole", async () => {
    const before = { files: await listing(mediaDir()), queued: await api.db.outboxMessage.count() };
    const response = await request(baseUrl, "POST", "/api/messages", {
      token,
      rawBody: JSON.stringify({
        to: CONTACT,
        media: { data: "A".repeat(23 * MB), mimeType: "application/pdf" },
      }),
    });
    expect(response.status).toBe(413);
    expect((response.body as { error: { message: string } }).error.message).toMatch(
      /at most 16 MB .*POST \/api\/messages\/media/,
    );
    expect(await api.db.outboxMessage.count()).toBe(before.queued);
    expect(await listing(mediaDir())).toEqual(before.files);
  }, 60_000);

  it("in multipart: no to, no file, an empty file, a GIF, a body cut off, an image over 16 MB, a document over 100 MB", async () => {
    const image = new File([jpeg("multipart")], "rute.jpg", { type: "image/jpeg" });
    await expectRefused(() => postMultipart({ caption: "tanpa nomor", file: image }), {
      status: 400,
      field: "to",
      says: /^to /,
    });
    await expectRefused(() => postMultipart({ to: CONTACT }), {
      status: 400,
      field: "file",
      says: /^file is required/,
    });
    await expectRefused(
      () => postMultipart({ to: CONTACT, file: new File([], "kosong.pdf", { type: "application/pdf" }) }),
      { status: 400, field: "file", says: /^file: the file is empty/ },
    );
    await expectRefused(
      () => postMultipart({ to: CONTACT, file: new File([jpeg("gif")], "a.gif", { type: "image/gif" }) }),
      { status: 400, field: "mimeType", says: /image\/jpeg, image\/png or image\/webp/ },
    );
    await expectRefused(
      async () => {
        const response = await fetch(`${baseUrl}/api/messages/media`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "multipart/form-data; boundary=kabar",
          },
          body: '--kabar\r\ncontent-disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut off',
        });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      { status: 400, field: undefined, says: /not valid multipart\/form-data/ },
    );
    const bigImage = new File([jpeg("big"), new Uint8Array(16 * MB)], "besar.jpg", { type: "image/jpeg" });
    await expectRefused(() => postMultipart({ to: CONTACT, file: bigImage }), {
      status: 413,
      field: "file",
      says: /at most 16\.0 MB/,
    });
    const bigDocument = new File([pdf("big"), new Uint8Array(100 * MB)], "besar.pdf", {
      type: "application/pdf",
    });
    await expectRefused(() => postMultipart({ to: CONTACT, file: bigDocument }), {
      status: 413,
      field: "file",
      says: /at most 100\.0 MB/,
    });
  }, 120_000);
});
