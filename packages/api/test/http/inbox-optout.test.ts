/**
 * The inbox, opt-out and auto-reply surface of the API (tRPC and REST) over the in-memory Kabar:
 * auth, validation, the 409 for an opted-out number, and who may force. The WhatsApp side (matching
 * "berhenti", replies decrypting at the contact) is proven in core's inbox-simulator test.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "../support/http.js";
import { createTestApi, type TestApi, untrack } from "../support/test-api.js";

const CONTACT = "6281234567890";

let api: TestApi;
let baseUrl: string;
let token: string;
beforeEach(async () => {
  api = await createTestApi();
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("crm", "send")).token;
});
afterEach(() => api.cleanup());

function inbound(id: string, text: string, at: string) {
  return {
    id,
    waMessageId: `3EB0${id}`,
    from: CONTACT,
    fromLid: null,
    type: "text" as const,
    text,
    caption: null,
    mimeType: null,
    receivedAt: at,
    isOffline: false,
    readAt: null,
    createdAt: at,
  };
}

describe("opt-out", () => {
  it("a send to a listed number is a 409 'opted out'; only the admin may force; removing lets it through", async () => {
    await api.app().optOuts.add({ phone: "0812-3456-7890" });
    expect(await api.app().optOuts.list()).toMatchObject([{ phone: CONTACT, source: "admin" }]);

    const refused = await request(baseUrl, "POST", "/api/messages", {
      token,
      body: { to: CONTACT, message: "Race pack H-1" },
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "OPTED_OUT", field: "to" } } });
    expect(JSON.stringify(refused.body)).toContain("opted out");
    await expect(api.app().messages.send({ to: CONTACT, message: "x", force: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("force"),
    });
    // REST's text path calls core without the tRPC caller: the same rule holds there
    const forcedOverRest = await request(baseUrl, "POST", "/api/messages", {
      token,
      body: { to: CONTACT, message: "x", force: true },
    });
    expect(forcedOverRest).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect(JSON.stringify(forcedOverRest.body)).toContain("force");
    expect(await api.app().messages.list({})).toMatchObject({ items: [] });

    expect(
      await api.admin().messages.send({ to: CONTACT, message: "Rute berubah", force: true }),
    ).toMatchObject({
      status: "queued",
    });
    expect(await request(baseUrl, "DELETE", `/api/opt-outs?phone=${CONTACT}`, { token })).toMatchObject({
      status: 200,
      body: { removed: true },
    });
    expect(
      await request(baseUrl, "POST", "/api/messages", {
        token,
        body: { to: CONTACT, message: "Race pack H-1" },
      }),
    ).toMatchObject({ status: 202 });
  });

  it("REST add and list; a bad number is a 400 naming phone and adds nothing", async () => {
    expect(await request(baseUrl, "POST", "/api/opt-outs", { token, body: { phone: "abc" } })).toMatchObject({
      status: 400,
      body: { error: { field: "phone" } },
    });
    expect(await request(baseUrl, "POST", "/api/opt-outs", { token, body: {} })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining("phone") } },
    });
    expect(await request(baseUrl, "GET", "/api/opt-outs", { token })).toMatchObject({
      status: 200,
      body: { items: [] },
    });
    expect(
      await request(baseUrl, "POST", "/api/opt-outs", { token, body: { phone: "+62 812 3456 7890" } }),
    ).toMatchObject({ status: 201, body: { phone: CONTACT } });
    expect(await request(baseUrl, "GET", "/api/opt-outs")).toMatchObject({ status: 401 });
  });
});

describe("inbox", () => {
  it("contacts with unread counts, the thread in order, markRead, and GET /api/inbox", async () => {
    api.kabar.inbound.push(
      inbound("a", "Halo", "2026-12-02T05:00:00.000Z"),
      inbound("b", "Ukuran kaos M", "2026-12-02T05:01:00.000Z"),
    );
    expect(await api.app().inbox.contacts()).toMatchObject([{ phone: CONTACT, unread: 2, messageCount: 2 }]);
    expect((await api.app().inbox.thread({ phone: CONTACT })).map((entry) => entry.message.text)).toEqual([
      "Halo",
      "Ukuran kaos M",
    ]);
    expect(await api.app().inbox.markRead({ phone: CONTACT })).toEqual({ marked: 2 });
    expect(await api.app().inbox.contacts()).toMatchObject([{ unread: 0 }]);
    expect(await api.app().inbox.reply({ phone: CONTACT, message: "Siap" })).toMatchObject({
      status: "queued",
    });
    await expect(api.app().inbox.reply({ phone: CONTACT, message: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("message"),
    });
    await expect(api.app().inbox.thread({ phone: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const listed = await request(baseUrl, "GET", `/api/inbox?from=${CONTACT}`, { token });
    // the order (newest first) is core's listInbound, the same as GET /api/messages/inbound
    expect(listed).toMatchObject({ status: 200, body: { items: [{ from: CONTACT }, { from: CONTACT }] } });
    expect(await request(baseUrl, "GET", "/api/inbox?limit=0", { token })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining("limit") } },
    });
    expect(await request(baseUrl, "GET", "/api/inbox")).toMatchObject({ status: 401 });
  });

  it("onMessage streams each message.received event", async () => {
    const controller = new AbortController();
    const stream = (await api.app(controller.signal).inbox.onMessage({ lastEventId: null }))[
      Symbol.asyncIterator
    ]();
    const next = stream.next();
    const message = inbound("c", "INFO", "2026-12-02T05:02:00.000Z");
    api.kabar.events.publish({ type: "message.received", message });
    const first = await next;
    controller.abort();
    if (first.done) throw new Error("stream ended early");
    expect(untrack(first.value).data).toEqual(message);
  });
});

describe("auto-replies", () => {
  const admin = () => api.app(undefined, "admin");
  it("set, list, remove; an empty keyword is a 400 naming keyword and changes nothing", async () => {
    // configuring the number's answers is an admin's job: a send token is refused
    await expect(api.app().autoReplies.set({ keyword: "info", reply: "x" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(admin().autoReplies.set({ keyword: "  ", reply: "x" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("keyword"),
    });
    expect(await admin().autoReplies.list()).toEqual([]);
    await admin().autoReplies.set({ keyword: "info", reply: "Race: Minggu 05.30" });
    expect(await admin().autoReplies.list()).toMatchObject([
      { keyword: "INFO", reply: "Race: Minggu 05.30" },
    ]);
    expect(await admin().autoReplies.remove({ keyword: "Info" })).toEqual({ removed: true });
  });
});
