/** Cancel a message, pause and resume the outbox, clear an on-WhatsApp answer: REST and tRPC. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let api: TestApi;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("tests", "send")).token;
  await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
});
afterAll(() => api.cleanup());

describe("cancel", () => {
  it("cancels a queued message over REST, and refuses a second cancel with 409 naming the status", async () => {
    const { id } = await api.admin().messages.send({ to: "081234567890", message: "batal" });
    const cancelled = await request(baseUrl, "POST", `/api/messages/${id}/cancel`, { token });
    expect(cancelled).toMatchObject({ status: 200, body: { id, status: "cancelled" } });
    const again = await request(baseUrl, "POST", `/api/messages/${id}/cancel`, { token });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { message: `Message ${id} is cancelled; only queued or held messages can be cancelled.` },
    });
    expect((await api.kabar.messages.get(id))?.status).toBe("cancelled");
  });

  it("refuses to cancel a sent message (tRPC CONFLICT) and answers 404 for an unknown id", async () => {
    const { id } = await api.admin().messages.send({ to: "081234567891", message: "terkirim" });
    api.kabar.setMessageStatus(id, "sent");
    await expect(api.admin().messages.cancel({ id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await api.kabar.messages.get(id))?.status).toBe("sent");
    const unknown = await request(baseUrl, "POST", "/api/messages/no-such-id/cancel", { token });
    expect(unknown.status).toBe(404);
  });
});

describe("pause and resume", () => {
  it("pauses with a reason and resumes over REST; the session status shows the pause", async () => {
    const paused = await request(baseUrl, "POST", "/api/outbox/pause", {
      token,
      body: { reason: "acara ditunda" },
    });
    expect(paused).toMatchObject({
      status: 200,
      body: { pausedReason: "acara ditunda", isPausedByHand: true },
    });
    expect(api.kabar.sessions.status().outboxPausedReason).toBe("acara ditunda");
    expect(await request(baseUrl, "GET", "/api/outbox", { token })).toMatchObject({
      body: { isPausedByHand: true },
    });
    const resumed = await request(baseUrl, "POST", "/api/outbox/resume", { token });
    expect(resumed).toMatchObject({ status: 200, body: { pausedReason: null, isPausedByHand: false } });
  });

  it("pauses with no body at all, and through tRPC", async () => {
    expect(await request(baseUrl, "POST", "/api/outbox/pause", { token })).toMatchObject({
      body: { pausedReason: "paused by hand" },
    });
    expect(await api.admin().outbox.resume()).toMatchObject({ pausedReason: null });
    expect(await api.admin().outbox.pause({})).toMatchObject({ isPausedByHand: true });
    expect(await api.admin().outbox.resume()).toMatchObject({ isPausedByHand: false });
  });

  it("needs a login or token", async () => {
    expect((await request(baseUrl, "POST", "/api/outbox/pause")).status).toBe(401);
    expect(api.kabar.outbox.state().isPausedByHand).toBe(false);
  });
});

describe("on-WhatsApp answers", () => {
  it("lists the answers and clears one by the number as a person types it", async () => {
    const at = new Date().toISOString();
    api.kabar.onWhatsAppAnswers.set("6281234567892", {
      number: "6281234567892",
      isOnWhatsApp: false,
      checkedAt: at,
      expiresAt: at,
    });
    const listed = await request(baseUrl, "GET", "/api/on-whatsapp", { token });
    expect(listed.body).toMatchObject({ answers: [{ number: "6281234567892", isOnWhatsApp: false }] });
    const cleared = await request(baseUrl, "DELETE", "/api/on-whatsapp/0812-3456-7892", { token });
    expect(cleared).toMatchObject({ status: 200, body: { cleared: true } });
    expect(await api.admin().onWhatsApp.list()).toEqual([]);
    expect(await api.admin().onWhatsApp.clear({ number: "081234567892" })).toEqual({ cleared: false });
  });
});
