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
});
