/**
 * Webhooks are not a scanner of Kabar's own network: non-public receivers are refused at creation and
 * at every connection, redirects are not followed, user:pass@ is refused, and a failure is recorded
 * without the receiver's answer or the URL.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebhookService } from "../../src/webhooks/webhook-service.js";
import { isPublicAddress } from "../../src/webhooks/webhook-target.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

async function startReceiver(answer: (res: http.ServerResponse) => void) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.cleanup());

function service(allowPrivateAddresses: boolean) {
  return new WebhookService(api.db, { logger: pino({ level: "silent" }), allowPrivateAddresses });
}

/** A stored endpoint and one pending delivery, as if its name had resolved to a public address at creation. */
async function pendingDeliveryTo(url: string) {
  const endpoint = await api.db.webhookEndpoint.create({ data: { url, secret: "whsec_test", events: "*" } });
  await api.db.webhookDelivery.create({
    data: { endpointId: endpoint.id, event: "session.state", payload: "{}", nextAttemptAt: new Date(0) },
  });
  return endpoint.id;
}

async function lastDelivery() {
  return api.db.webhookDelivery.findFirstOrThrow({ orderBy: { id: "desc" } });
}

describe("webhook receivers", () => {
  it("knows public from non-public addresses", () => {
    const refused = ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"];
    const refusedV6 = ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::"];
    expect([...refused, ...refusedV6, "0.0.0.0"].filter(isPublicAddress)).toEqual([]);
    expect(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"].every(isPublicAddress)).toBe(true);
  });

  it("are refused at creation when loopback, private, link-local or with user:pass@, naming url", async () => {
    for (const url of [
      "http://127.0.0.1:3100/faults/drop",
      "http://localhost:3000/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.5/hook",
      "http://[::1]:8080/hook",
      "http://0x7f000001/hook",
    ]) {
      await expect(api.admin().webhooks.create({ url }), url).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining("non-public address"),
      });
    }
    await expect(
      api.admin().webhooks.create({ url: "https://user:s3cret@hooks.example.com/in" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("user:password@") });
    expect(await api.db.webhookEndpoint.count()).toBe(0);
  });

  it("are checked again at every connection: a name that now resolves to loopback is not called", async () => {
    const receiver = await startReceiver((res) => res.writeHead(200).end());
    try {
      await pendingDeliveryTo(`http://localhost:${receiver.port}/hook`);
      await pendingDeliveryTo(`http://127.0.0.1:${receiver.port}/hook`);
      expect(await service(false).deliverDue()).toBe(2);
      expect(receiver.hits()).toBe(0);
      const rows = await api.db.webhookDelivery.findMany();
      expect(rows.map((row) => row.lastError)).toEqual([
        "refused: the receiver's address is not public",
        "refused: the receiver's address is not public",
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("do not have redirects followed, and their answers are never stored", async () => {
    const target = await startReceiver((res) => res.writeHead(200).end());
    const redirecting = await startReceiver((res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/internal` }).end("moved"),
    );
    const leaking = await startReceiver((res) => res.writeHead(500).end("db password is hunter2"));
    try {
      await pendingDeliveryTo(`http://127.0.0.1:${redirecting.port}/hook`);
      await service(true).deliverDue();
      expect(target.hits()).toBe(0);
      expect(await lastDelivery()).toMatchObject({
        responseCode: 302,
        lastError: "answered 302 (redirects are not followed)",
      });
      await pendingDeliveryTo(`http://127.0.0.1:${leaking.port}/hook`);
      await service(true).deliverDue();
      const failed = await lastDelivery();
      expect(failed.lastError).toBe("answered 500");
      expect(JSON.stringify(await api.admin().webhooks.deliveries({ limit: 10 }))).not.toContain("hunter2");
    } finally {
      await Promise.all([target.close(), redirecting.close(), leaking.close()]);
    }
  });
});
