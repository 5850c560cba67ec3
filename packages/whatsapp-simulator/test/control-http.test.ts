import { request as httpRequest } from "node:http";
import { sendTextMessage, startSession } from "wa-multi-session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, firstAppStateSync, type Harness, nextLibraryEvent } from "./library-harness.js";

const sessionId = "http";
const contact = "6281299990005";

describe("HTTP control API", () => {
  let harness: Harness;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${harness.sim.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => harness.cleanup());

  it("links, sends and reads messages through the routes", async () => {
    harness.track(sessionId);
    const qr = nextLibraryEvent("qr", sessionId);
    const connected = nextLibraryEvent("connected", sessionId);
    await startSession(sessionId, { printQR: false });
    const [, shown] = await qr;
    expect((await call("GET", "/state")).body.pendingQrRefs).toContain(shown.split(",")[0]);
    expect((await call("POST", "/phone/scan", { qr: shown })).status).toBe(200);
    await connected;
    await firstAppStateSync(sessionId);

    const sent = await sendTextMessage({ sessionId, to: contact, text: "lewat http" });
    await harness.sim.waitForMessages(contact, 1);
    const { body } = await call("GET", `/contacts/${contact}/messages`);
    expect(body.messages).toEqual([
      expect.objectContaining({ id: sent?.key.id, text: "lewat http", count: 1 }),
    ]);

    const received = nextLibraryEvent("received", sessionId, (_id, text) => text === "dari http");
    expect((await call("POST", `/contacts/${contact}/send`, { text: "dari http" })).status).toBe(200);
    await received;
  });

  it("turns the contacts' automatic receipts off and on: the contact then reads only what it is told to", async () => {
    expect(await call("POST", "/contacts/auto-receipts", { enabled: false })).toEqual({
      status: 200,
      body: { autoReceipts: false },
    });
    // every receipt from before the send on: with receipts on, a "delivered" would come first by itself
    const receipts: { id: string; type: string }[] = [];
    const collect = (event: { id: string; type: string }) => receipts.push(event);
    harness.sim.on("receipt", collect);
    try {
      const sent = await sendTextMessage({ sessionId, to: contact, text: "baca kalau disuruh" });
      await harness.sim.waitForMessages(contact, 2);
      const id = sent?.key.id ?? "";
      const read = harness.sim.waitFor("receipt", (event) => event.id === id && event.type === "read");
      expect((await call("POST", `/contacts/${contact}/read`, { ids: [id] })).status).toBe(200);
      await read;
      expect(receipts.filter((event) => event.id === id).map((event) => event.type)).toEqual(["read"]);
    } finally {
      harness.sim.off("receipt", collect);
      await call("POST", "/contacts/auto-receipts", { enabled: true });
    }
    expect(await call("POST", "/contacts/auto-receipts", { enabled: "no" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^enabled: /) },
    });
  });

  it("answers 400 naming the field on bad input", async () => {
    expect(await call("POST", "/faults/refuse", { seconds: "soon" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^seconds: /) },
    });
    expect(await call("POST", "/faults/acks", { mode: "delay" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^ms: required/) },
    });
    expect(await call("POST", "/contacts", { number: "+62 812", onWhatsApp: true })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^number: /) },
    });
    expect(await call("POST", "/faults/stream-error", { kind: "boom" })).toMatchObject({ status: 400 });
    expect(await call("POST", "/faults/send-error", { code: 463 })).toMatchObject({
      status: 200,
      body: { sendError: { code: 463, remaining: null } },
    });
    expect(await call("POST", "/faults/send-error", { code: null })).toMatchObject({
      body: { sendError: null },
    });
    expect(
      await call("POST", "/contacts", { number: "6281299990099", onWhatsApp: true, cold: "yes" }),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^cold: /) },
    });
    expect(await call("POST", "/faults/send-error", { code: 500, number: "62 812" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^number: /) },
    });
    expect(
      await call("POST", "/contacts", { number: "6281299990099", onWhatsApp: true, cold: true }),
    ).toMatchObject({
      status: 200,
      body: { number: "6281299990099", onWhatsApp: true, cold: true },
    });
    expect(await call("POST", "/faults/send-error", { code: 500, number: "6281299990099" })).toMatchObject({
      body: { sendError: { code: 500, remaining: null, number: "6281299990099" } },
    });
    await call("POST", "/faults/send-error", { code: null });
  });

  /** A raw request, so a test can set Host and Origin as a hostile page or a rebound name would. */
  function raw(method: string, path: string, headers: Record<string, string>, body?: string) {
    const url = new URL(path, harness.sim.controlUrl);
    return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
      (resolve, reject) => {
        const outgoing = httpRequest(url, { method, headers }, (incoming) => {
          let text = "";
          incoming.setEncoding("utf8");
          incoming.on("data", (chunk: string) => {
            text += chunk;
          });
          incoming.on("end", () =>
            resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text }),
          );
        });
        outgoing.on("error", reject);
        outgoing.end(body);
      },
    );
  }

  it("refuses drive-by pages and rebound names before any route runs, and changes nothing", async () => {
    const number = "6281299990077";
    const body = JSON.stringify({ number, onWhatsApp: true });
    const host = new URL(harness.sim.controlUrl).host;
    const form = await raw("POST", "/contacts", { host, "content-type": "text/plain" }, body);
    expect(form).toMatchObject({ status: 415, text: expect.stringContaining("content-type") });
    const crossSite = await raw(
      "POST",
      "/contacts",
      { host, origin: "http://evil.example", "content-type": "application/json" },
      body,
    );
    expect(crossSite).toMatchObject({ status: 403, text: expect.stringContaining("Origin") });
    const rebound = await raw(
      "POST",
      "/contacts",
      { host: `rebind.evil.example:${url().port}`, "content-type": "application/json" },
      body,
    );
    expect(rebound).toMatchObject({ status: 403, text: expect.stringContaining("Host") });
    expect((await raw("GET", "/state", { host: "evil.example" })).status).toBe(403);
    expect(JSON.stringify(harness.sim.state().contacts)).not.toContain(number);
  });

  it("lets a loopback page (the panel) call it with JSON after a preflight", async () => {
    const host = new URL(harness.sim.controlUrl).host;
    const preflight = await raw("OPTIONS", "/phone/scan", {
      host,
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(preflight.headers["access-control-allow-headers"]).toBe("content-type");
    const state = await raw("GET", "/state", { host, origin: "http://127.0.0.1:3000" });
    expect(state.status).toBe(200);
    expect(state.headers["access-control-allow-origin"]).toBe("http://127.0.0.1:3000");
  });

  const url = () => new URL(harness.sim.controlUrl);
});
