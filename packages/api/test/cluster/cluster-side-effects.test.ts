/**
 * Two API "nodes" on one PostgreSQL: a webhook fires once, not once per node, and a token revoked on
 * one node is refused by the other at once (its verified-token cache dropped by kabar_changed).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { silentLogger, type TestNode } from "@kabar/core/cluster-testing";
import { twoNodesPerTest } from "@kabar/core/cluster-testing/vitest";
import { describe, expect, it } from "vitest";
import { AuthService } from "../../src/auth/auth-service.js";
import type { CoreEvent } from "../../src/kabar.js";
import { WebhookService } from "../../src/webhooks/webhook-service.js";

const { twoNodes, afterTest } = twoNodesPerTest();

const heard = (node: TestNode, topic: "tokens" | "webhooks") =>
  new Promise<void>((resolve) => {
    const off = node.bus.changes.on(topic, () => {
      off();
      resolve();
    });
  });

/** Counts POSTs by the event id in their body. */
async function startReceiver() {
  const ids: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      ids.push((JSON.parse(body) as { id: string }).id);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  afterTest(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, ids };
}

const statusEvent = (id: string): CoreEvent => ({
  type: "message.status",
  message: { id, to: "628123", status: "sent", detail: null, at: new Date(0).toISOString() },
});

describe("two API nodes on one PostgreSQL", { timeout: 30_000 }, () => {
  it("fires a webhook once per event, whichever node published it, with both nodes delivering", async () => {
    const [a, b] = await twoNodes();
    const receiver = await startReceiver();
    const options = (node: TestNode) => ({
      logger: silentLogger,
      allowPrivateAddresses: true,
      changes: node.bus.changes,
    });
    const webhooksA = new WebhookService(a.db, options(a));
    const webhooksB = new WebhookService(b.db, options(b));
    // B reads (and keeps) the endpoint list while it is empty; A's create must drop that copy
    expect(await webhooksB.enqueue({ id: "0", event: statusEvent("before") })).toBe(0);
    const toldB = heard(b, "webhooks");
    await webhooksA.create({ url: receiver.url, events: ["message.status"] });
    await toldB;
    const stopA = webhooksA.start(a.bus);
    const stopB = webhooksB.start(b.bus);
    a.bus.publish(statusEvent("m1"));
    b.bus.publish(statusEvent("m2"));
    a.bus.publish(statusEvent("m3"));
    await Promise.all([a.bus.settled(), b.bus.settled()]);
    await Promise.all([stopA(), stopB()]);
    // both nodes look for due deliveries at the same moment: each is claimed by one of them
    await Promise.all([webhooksA.deliverDue(), webhooksB.deliverDue(), webhooksA.deliverDue()]);
    const deliveries = await a.db.webhookDelivery.findMany({ select: { status: true } });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(["delivered", "delivered", "delivered"]);
    expect(receiver.ids).toHaveLength(3);
    expect(new Set(receiver.ids).size).toBe(3);
  });

  it("two nodes running the same due delivery at once POST it once", async () => {
    const [a, b] = await twoNodes();
    const receiver = await startReceiver();
    const webhooksA = new WebhookService(a.db, { logger: silentLogger, allowPrivateAddresses: true });
    const webhooksB = new WebhookService(b.db, { logger: silentLogger, allowPrivateAddresses: true });
    await webhooksA.create({ url: receiver.url });
    expect(await webhooksA.enqueue({ id: "7", event: statusEvent("m1") })).toBe(1);
    const attempted = await Promise.all([webhooksA.deliverDue(), webhooksB.deliverDue()]);
    expect(attempted.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(receiver.ids).toEqual(["7"]);
  });

  it("a token revoked on node A is refused by node B right after, though B had verified it", async () => {
    const [a, b] = await twoNodes();
    const authA = new AuthService(a.db, { sessionDays: 1, changes: a.bus.changes });
    const authB = new AuthService(b.db, { sessionDays: 1, changes: b.bus.changes });
    const created = await authA.createToken("ci", "send");
    const bearer = { cookie: null, bearer: created.token };
    expect((await authB.authenticate(bearer))?.kind).toBe("token");
    const toldB = heard(b, "tokens");
    await authA.revokeToken(created.id);
    await toldB;
    expect(await authB.authenticate(bearer)).toBeNull();
  });
});
