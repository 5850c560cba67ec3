import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { BaileysEventMap, Chat } from "@whiskeysockets/baileys";
import { getSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveMedia } from "../src/contact-media.js";
import type { ReceivedMessage } from "../src/index.js";
import { createHarness, type Harness } from "./library-harness.js";

const sessionId = "media-app-state";
const chat = "6281299995555";
const chatJid = `${chat}@s.whatsapp.net`;

/** GET on the media host as `servername`, trusting `ca` (or only the system roots when undefined). */
function getFromMediaHost(url: string, servername: string, ca: string | undefined) {
  const target = new URL(url);
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: "/v/none.enc", servername, ca, agent: false },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function socket() {
  const sock = getSession(sessionId);
  if (!sock) throw new Error("no socket");
  return sock;
}

async function libraryVersion(collection: string): Promise<number | undefined> {
  const stored = await socket().authState.keys.get("app-state-sync-version", [collection]);
  return stored[collection]?.version;
}

/** The next chats.update the library emits for the chat that carries `field`. */
function nextChatUpdate(field: keyof Chat): Promise<Partial<Chat>> {
  return new Promise((resolve) => {
    const listener = (updates: Partial<Chat>[]) => {
      const update = updates.find((candidate) => candidate.id === chatJid && candidate[field] !== undefined);
      if (!update) return;
      socket().ev.off("chats.update", listener);
      resolve(update);
    };
    socket().ev.on("chats.update", listener);
  });
}

describe("media host, app-state collections and server_sync, through the real library", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => harness.cleanup());

  it("serves HTTPS on a CA made at start, written to disk and shown in GET /state", async () => {
    const { mediaHost } = (await (await fetch(`${harness.sim.controlUrl}/state`)).json()) as {
      mediaHost: { url: string; caPath: string };
    };
    expect(mediaHost).toEqual(harness.sim.media.info());
    const ca = readFileSync(mediaHost.caPath, "utf8");
    expect(ca).toContain("BEGIN CERTIFICATE");
    // the certificate is valid for WhatsApp's media host name when the CA is trusted …
    expect(await getFromMediaHost(mediaHost.url, "mmg.whatsapp.net", ca)).toBe(404);
    // … and refused without it: nothing trusts the simulator by accident
    await expect(getFromMediaHost(mediaHost.url, "mmg.whatsapp.net", undefined)).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });

  it("the first sync downloads every seeded collection's snapshot from the media host", async () => {
    const downloads: string[] = [];
    harness.sim.on("media-request", ({ method, outcome }) => {
      if (method === "GET" && outcome === "served") downloads.push(outcome);
    });
    await harness.link(sessionId);
    const versions = harness.sim.state().appState;
    expect(Object.keys(versions).sort()).toEqual([
      "critical_block",
      "regular",
      "regular_high",
      "regular_low",
    ]);
    // MACs and LT hashes verified with the shared key, or Baileys would have dropped the collection
    for (const [name, version] of Object.entries(versions)) expect(await libraryVersion(name)).toBe(version);
    expect(downloads.length).toBeGreaterThanOrEqual(4);
  });

  it("a mute on the phone sends server_sync; the library downloads the patch and reports the mute", async () => {
    const muted = nextChatUpdate("muteEndTime");
    const response = await fetch(`${harness.sim.controlUrl}/phone/app-state`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "mute", chat }),
    });
    const answer = (await response.json()) as { collection: string; version: number; notified: number };
    expect(answer).toMatchObject({ collection: "regular_high", notified: 1 });
    expect((await muted).muteEndTime).toBeGreaterThan(Date.now());
    expect(await libraryVersion("regular_high")).toBe(answer.version);
  });

  it("pin and label land in their own collections (as Baileys' chatModificationToAppPatch files them)", async () => {
    const pinned = nextChatUpdate("pinned");
    const pin = await harness.sim.phone.appState("pin", chat);
    expect(pin.collection).toBe("regular_low");
    expect((await pinned).pinned).toBeGreaterThan(0);
    const labelled = harness.sim.waitFor("app-state-changed");
    const label = await harness.sim.phone.appState("label", chat);
    expect((await labelled).collection).toBe("regular");
    await expect.poll(() => libraryVersion("regular"), { timeout: 10_000 }).toBe(label.version);
  });

  it("uploads go to the host media_conn names, with its auth; the blob is served by direct path", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% simulated document\n");
    const uploaded = harness.sim.waitFor("media-request", (request) => request.outcome === "uploaded");
    const sent = await socket().sendMessage(chatJid, {
      document: pdf,
      mimetype: "application/pdf",
      fileName: "tiket.pdf",
    });
    expect((await uploaded).method).toBe("POST");
    const document = sent?.message?.documentMessage;
    const stored = harness.sim.media.blob(document?.directPath ?? "");
    expect(stored?.type).toBe("/mms/document");
    expect(
      createHash("sha256")
        .update(stored?.bytes ?? Buffer.alloc(0))
        .digest(),
    ).toEqual(Buffer.from(document?.fileEncSha256 ?? []));
  });

  it("the contact downloads, checks and decrypts a document and an image, as GET /contacts/:n/messages shows", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% tiket lari 10K\n");
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(64, 7),
      Buffer.from([0xff, 0xd9]),
    ]);
    const documentSent = await socket().sendMessage(chatJid, {
      document: pdf,
      mimetype: "application/pdf",
      fileName: "tiket.pdf",
      caption: "Tiket Anda",
    });
    const imageArrived = harness.sim.waitFor("message", ({ message }) => message.media?.type === "image");
    const imageSent = await socket().sendMessage(chatJid, {
      image: jpeg,
      mimetype: "image/jpeg",
      caption: "Peta rute",
    });
    await imageArrived;
    const response = await fetch(`${harness.sim.controlUrl}/contacts/${chat}/messages`);
    const { messages } = (await response.json()) as { messages: ReceivedMessage[] };
    const byId = (id: string | null | undefined) => messages.find((message) => message.id === id);
    const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
    expect(byId(documentSent?.key.id)?.media).toEqual({
      type: "document",
      mimeType: "application/pdf",
      fileName: "tiket.pdf",
      caption: "Tiket Anda",
      size: pdf.length,
      sha256: sha(pdf),
    });
    expect(byId(imageSent?.key.id)?.media).toEqual({
      type: "image",
      mimeType: "image/jpeg",
      caption: "Peta rute",
      size: jpeg.length,
      sha256: sha(jpeg),
    });
  });

  it("refuses media whose encrypted hash, MAC or file hash does not match", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% bukti bayar\n");
    const sent = await socket().sendMessage(chatJid, { document: pdf, mimetype: "application/pdf" });
    const document = sent?.message?.documentMessage ?? {};
    const stored = harness.sim.media.blob(document.directPath ?? "");
    if (!stored) throw new Error("upload not stored");
    const host = (bytes: Buffer) => ({ blob: () => ({ bytes, type: stored.type }) });
    const flipped = (at: number) => {
      const copy = Buffer.from(stored.bytes);
      copy[at] = (copy[at] ?? 0) ^ 1;
      return copy;
    };
    await expect(receiveMedia(host(stored.bytes), { documentMessage: document })).resolves.toMatchObject({
      sha256: createHash("sha256").update(pdf).digest("hex"),
    });
    await expect(receiveMedia(host(flipped(0)), { documentMessage: document })).rejects.toThrow(
      "fileEncSha256 does not match",
    );
    const badMac = flipped(stored.bytes.length - 1);
    const withHashOf = { ...document, fileEncSha256: createHash("sha256").update(badMac).digest() };
    await expect(receiveMedia(host(badMac), { documentMessage: withHashOf })).rejects.toThrow(
      "MAC does not match",
    );
    await expect(
      receiveMedia(host(stored.bytes), { documentMessage: { ...document, fileSha256: Buffer.alloc(32) } }),
    ).rejects.toThrow("fileSha256 does not match");
  });

  it("a history sync from the phone is downloaded from the media host and reported by the library", async () => {
    type HistorySet = BaileysEventMap["messaging-history.set"];
    const history = new Promise<HistorySet>((resolve) => {
      const listener = (set: HistorySet) => {
        socket().ev.off("messaging-history.set", listener);
        resolve(set);
      };
      socket().ev.on("messaging-history.set", listener);
    });
    const response = await fetch(`${harness.sim.controlUrl}/phone/history`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat, text: "Sampai jumpa di garis start" }),
    });
    const { directPath } = (await response.json()) as { directPath: string };
    const { chats, messages } = await history;
    expect(chats.map((entry) => entry.id)).toContain(chatJid);
    expect(messages.map((entry) => entry.message?.conversation)).toContain("Sampai jumpa di garis start");
    expect(harness.sim.media.blob(directPath)).toBeDefined();
  });

  it("answers bad control input with 400 naming the field, and changes nothing", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${harness.sim.controlUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const before = harness.sim.state();
    const slow = await post("/faults/media", { mode: "slow" });
    expect(slow.status).toBe(400);
    expect(await slow.json()).toEqual({ error: 'ms: required when mode is "slow"' });
    const archive = await post("/phone/app-state", { action: "archive", chat });
    expect(archive.status).toBe(400);
    expect(((await archive.json()) as { error: string }).error).toMatch(/^action: /);
    const badChat = await post("/phone/history", { chat: "+62 812", text: "x" });
    expect(((await badChat.json()) as { error: string }).error).toMatch(/^chat: /);
    expect(harness.sim.state()).toEqual(before);
  });

  it("media fault slow delays the resync; fail makes it fail; normal again syncs", async () => {
    harness.sim.faults.media("slow", 1_500);
    const started = Date.now();
    const muted = nextChatUpdate("muteEndTime");
    await harness.sim.phone.appState("mute", chat);
    await muted;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);

    harness.sim.faults.media("fail");
    const failed = harness.sim.waitFor("media-request", (request) => request.outcome === "fail");
    const before = await libraryVersion("regular_high");
    const { version } = await harness.sim.phone.appState("mute", chat);
    await failed;
    expect(await libraryVersion("regular_high")).not.toBe(version);
    expect(before).toBeLessThan(version);

    harness.sim.faults.media("normal");
    await harness.sim.phone.appState("mute", chat);
    await expect
      .poll(() => libraryVersion("regular_high"), { timeout: 15_000 })
      .toBe(harness.sim.state().appState.regular_high);
  });

  it("media fault hang: a history download never answers until the fault is cleared", async () => {
    harness.sim.faults.media("hang");
    const hung = harness.sim.waitFor("media-request", (request) => request.outcome === "hang");
    const { directPath } = await harness.sim.phone.history(chat, "tertahan");
    expect((await hung).path).toBe(new URL(directPath, "https://x").pathname);
    // Baileys processes the next stanza (this server_sync) only after the history message
    const synced = nextChatUpdate("muteEndTime");
    harness.sim.faults.media("normal");
    await harness.sim.phone.appState("mute", chat);
    await synced;
  });

  it("media fault hang: an app-state download never answers; back to normal, the library resyncs", async () => {
    harness.sim.faults.media("hang");
    const before = await libraryVersion("regular_high");
    const hung = harness.sim.waitFor("media-request", (request) => request.outcome === "hang");
    await harness.sim.phone.appState("mute", chat);
    expect((await hung).method).toBe("GET");
    expect(await libraryVersion("regular_high")).toBe(before);
    expect(harness.sim.state().faults.media).toEqual({ mode: "hang", ms: 0 });

    harness.sim.faults.media("normal");
    await expect
      .poll(() => libraryVersion("regular_high"), { timeout: 15_000 })
      .toBe(harness.sim.state().appState.regular_high);
  });
});
