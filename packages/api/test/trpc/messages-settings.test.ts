import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestApi, untrack } from "../support/test-api.js";

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi({ meta: { simulated: true, simulatorControlUrl: "http://127.0.0.1:3100" } });
});
afterEach(() => api.cleanup());

describe("messages procedures", () => {
  it("send, get, list with a status filter, resend only a failed one", async () => {
    const sent = await api.app().messages.send({ to: "+62 812-3456-7890", message: "Halo" });
    expect(sent).toMatchObject({ status: "queued", duplicate: false });
    expect(await api.app().messages.get({ id: sent.id })).toMatchObject({ id: sent.id, text: "Halo" });
    await expect(api.app().messages.get({ id: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.app().messages.resend({ id: sent.id })).rejects.toMatchObject({ code: "CONFLICT" });
    api.kabar.setMessageStatus(sent.id, "failed");
    expect((await api.app().messages.list({ status: "failed" })).items.map((m) => m.id)).toEqual([sent.id]);
    expect(await api.app().messages.resend({ id: sent.id })).toMatchObject({ status: "queued" });
    expect((await api.app().messages.list({})).items).toHaveLength(1);
  });

  it("inbound lists the messages contacts sent, for a token as for the admin", async () => {
    const stored = {
      id: "in1",
      waMessageId: "3EB0AA",
      from: "6281234567890",
      fromLid: "123456789012345",
      type: "text" as const,
      text: "Ukuran kaos M",
      caption: null,
      mimeType: null,
      receivedAt: "2026-12-02T05:00:00.000Z",
      isOffline: true,
      readAt: null,
      createdAt: "2026-12-02T05:00:01.000Z",
    };
    api.kabar.inbound.push(stored);
    expect(await api.app().messages.inbound({})).toEqual({ items: [stored], nextCursor: null });
    expect(await api.admin().messages.inbound({ limit: 5 })).toEqual({ items: [stored], nextCursor: null });
  });

  it("onStatus streams each status change with a resumable id", async () => {
    const sent = await api.app().messages.send({ to: "081234567890", message: "Halo" });
    // "0" matches no event id, so the bus replays what it holds: the queued event sent above.
    const controller = new AbortController();
    const stream = (await api.app(controller.signal).messages.onStatus({ lastEventId: "0" }))[
      Symbol.asyncIterator
    ]();
    const queued = await stream.next();
    api.kabar.setMessageStatus(sent.id, "delivered");
    const delivered = await stream.next();
    controller.abort();
    if (queued.done || delivered.done) throw new Error("stream ended early");
    expect(untrack(queued.value).data).toMatchObject({ id: sent.id, status: "queued" });
    const resumed = await api
      .app(AbortSignal.timeout(2000))
      .messages.onStatus({ lastEventId: untrack(queued.value).id });
    for await (const event of resumed) {
      expect(untrack(event)).toEqual(untrack(delivered.value));
      break;
    }
  });
});

describe("settings, health and me", () => {
  it("settings get and update (admin only)", async () => {
    await expect(api.app().settings.get()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await api.app(undefined, "admin").settings.get()).defaultCountry).toBe("ID");
    expect(await api.admin().settings.update({ dailyCap: 50 })).toMatchObject({ dailyCap: 50 });
    await expect(api.app().settings.update({ dailyCap: 1 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("health is public and tells the panel about simulated mode and setup", async () => {
    expect(await api.anonymous().health()).toMatchObject({
      ok: true,
      simulated: true,
      simulatorControlUrl: "http://127.0.0.1:3100",
      needsSetup: false,
    });
  });

  it("me says who is calling", async () => {
    expect(await api.admin().auth.me()).toMatchObject({ kind: "admin" });
    expect(await api.app().auth.me()).toMatchObject({ kind: "token", name: "test app" });
  });
});
