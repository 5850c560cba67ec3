import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebhookService } from "../../src/webhooks/webhook-service.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../../src/webhooks/webhook-signature.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers each POST with the next status in `answers` (then 200). */
async function startReceiver(answers: number[]) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end();
      waiters.shift()?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let api: TestApi;
beforeEach(async () => {
  // Receivers here listen on loopback: allowed only with the on-premise switch (see webhook-target.test.ts).
  api = await createTestApi({ env: { WEBHOOKS_ALLOW_PRIVATE: "true" } });
});
afterEach(() => api.cleanup());

describe("webhooks", () => {
  it("sends the next event to an endpoint created or deleted after events began (endpoints are kept in memory)", async () => {
    const service = new WebhookService(api.db, {
      logger: pino({ level: "silent" }),
      allowPrivateAddresses: true,
    });
    const status = api.kabar.sessions.status();
    const event = (id: string) => ({ id, event: { type: "session.state" as const, status } });
    expect(await service.enqueue(event("e-1"))).toBe(0);
    const endpoint = await service.create({ url: "http://127.0.0.1:9/hook", events: ["session.state"] });
    expect(await service.enqueue(event("e-2"))).toBe(1);
    await service.delete(endpoint.id);
    expect(await service.enqueue(event("e-3"))).toBe(0);
  });

  it("delivers message.received and alert events to an endpoint that asked for them, with their data", async () => {
    const receiver = await startReceiver([]);
    const service = new WebhookService(api.db, {
      logger: pino({ level: "silent" }),
      allowPrivateAddresses: true,
    });
    await api.admin().webhooks.create({ url: receiver.url, events: ["message.received", "alert"] });
    const alert = {
      kind: "logged_out" as const,
      phase: "raised" as const,
      reason: "logged out",
      at: "2026-12-02T05:00:00.000Z",
    };
    const message = {
      id: "in1",
      waMessageId: "3EB0CC",
      from: "6281234567890",
      fromLid: null,
      type: "text" as const,
      text: "BERHENTI",
      caption: null,
      mimeType: null,
      receivedAt: "2026-12-02T05:00:00.000Z",
      isOffline: false,
      readAt: null,
      createdAt: "2026-12-02T05:00:01.000Z",
    };
    expect(await service.enqueue({ id: "e-1", event: { type: "alert", alert } })).toBe(1);
    expect(await service.enqueue({ id: "e-2", event: { type: "message.received", message } })).toBe(1);
    const status = api.kabar.sessions.status();
    expect(await service.enqueue({ id: "e-3", event: { type: "session.state", status } })).toBe(0);
    expect(await service.deliverDue()).toBe(2);
    const bodies = receiver.received.map(
      (entry) => JSON.parse(entry.body) as { type: string; data: unknown },
    );
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "alert", data: alert }),
        expect.objectContaining({ type: "message.received", data: message }),
      ]),
    );
    await receiver.close();
  });

  it("signs each delivery with HMAC-SHA256, retries with backoff, and logs every attempt", async () => {
    const receiver = await startReceiver([500]);
    let clock = new Date("2026-11-25T12:00:00Z");
    const service = new WebhookService(api.db, {
      logger: pino({ level: "silent" }),
      allowPrivateAddresses: true,
      baseDelayMs: 1000,
      now: () => clock,
    });
    const endpoint = await api.admin().webhooks.create({ url: receiver.url, events: ["session.state"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await api.admin().webhooks.list())).not.toContain(endpoint.secret);

    await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
    const status = api.kabar.sessions.status();
    expect(await service.enqueue({ id: "e-1", event: { type: "session.state", status } })).toBe(1);
    const message = {
      id: "m",
      to: "62812",
      status: "queued" as const,
      detail: null,
      at: clock.toISOString(),
    };
    expect(await service.enqueue({ id: "e-2", event: { type: "message.status", message } })).toBe(0);

    expect(await service.deliverDue()).toBe(1);
    expect(await service.deliverDue()).toBe(0); // not due again before the backoff
    clock = new Date(clock.getTime() + 1000);
    expect(await service.deliverDue()).toBe(1);

    const [first, second] = receiver.received;
    expect(second?.body).toBe(first?.body);
    const timestamp = String(second?.headers[TIMESTAMP_HEADER]);
    const signature = String(second?.headers[SIGNATURE_HEADER]);
    expect(verifyWebhook(endpoint.secret, timestamp, second?.body ?? "", signature)).toBe(true);
    expect(verifyWebhook("whsec_wrong", timestamp, second?.body ?? "", signature)).toBe(false);
    expect(JSON.parse(second?.body ?? "{}")).toMatchObject({
      id: "e-1",
      type: "session.state",
      data: { state: "disconnected" },
    });

    const log = await api.admin().webhooks.deliveries({});
    expect(log).toEqual([
      expect.objectContaining({ status: "delivered", attempts: 2, responseCode: 200, lastError: null }),
    ]);
    await receiver.close();
  });

  it("gives up after the last attempt and marks the delivery failed", async () => {
    const receiver = await startReceiver([500, 502]);
    let clock = new Date("2026-11-25T12:00:00Z");
    const service = new WebhookService(api.db, {
      logger: pino({ level: "silent" }),
      allowPrivateAddresses: true,
      maxAttempts: 2,
      baseDelayMs: 10,
      now: () => clock,
    });
    await api.admin().webhooks.create({ url: receiver.url });
    await service.enqueue({
      id: "e-1",
      event: { type: "session.state", status: api.kabar.sessions.status() },
    });
    await service.deliverDue();
    clock = new Date(clock.getTime() + 10);
    await service.deliverDue();
    expect(await api.admin().webhooks.deliveries({})).toEqual([
      expect.objectContaining({
        status: "failed",
        attempts: 2,
        responseCode: 502,
        lastError: "answered 502",
      }),
    ]);
    await receiver.close();
  });

  it("a running server POSTs session events as they happen", async () => {
    const receiver = await startReceiver([]);
    await api.listen();
    const { id } = await api.admin().webhooks.create({ url: receiver.url });
    await api.admin().session.create({ name: "Panitia", sessionId: "panitia" });
    const arrived = receiver.next();
    await api.app(undefined, "admin").session.connect();
    await arrived;
    expect(JSON.parse(receiver.received[0]?.body ?? "{}")).toMatchObject({
      type: "session.state",
      data: { state: "waiting_qr" },
    });
    await expect(api.admin().webhooks.delete({ id })).resolves.toEqual({ id, deleted: true });
    await expect(api.app().webhooks.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await receiver.close();
  });
});
