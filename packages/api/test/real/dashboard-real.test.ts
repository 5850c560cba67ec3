/**
 * GET /api/dashboard and dashboard.stats over the real core on a real database: the numbers come
 * from the rows stored, in the organisation's time zone, whatever was listed last. (The counting
 * rules, day boundaries and the median are core's dashboard tests; sends through the real library
 * are the panel's e2e test.)
 */
import { randomUUID } from "node:crypto";
import { dayKeyIn } from "@kabar/core";
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kabar } from "../../src/kabar.js";
import { simulatedKabar } from "../../src/testing/start-test-server.js";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

let simulator: WhatsAppSimulator;
let api: TestApi<Kabar>;
let baseUrl: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  api = await createTestApi<Kabar>({ kabar: simulatedKabar(simulator) });
  baseUrl = await api.listen();
}, 60_000);

afterAll(async () => {
  await api?.cleanup();
  await simulator?.close();
});

async function store(row: {
  status: string;
  sentAt?: Date;
  deliveredAt?: Date;
  failedAt?: Date;
  nextAttemptAt?: Date;
}): Promise<void> {
  const id = randomUUID();
  await api.db.outboxMessage.create({
    data: {
      id,
      waMessageId: `3EB0${id.slice(0, 8).toUpperCase()}`,
      sessionId: "main",
      to: "6281234567890",
      ...row,
    },
  });
}

it("a read token gets the stored counts for today in the organisation's time zone; anonymous gets 401", async () => {
  const now = Date.now();
  const sentAt = new Date(now - 1_000);
  await store({ status: "delivered", sentAt, deliveredAt: new Date(sentAt.getTime() + 4_000) });
  await store({ status: "sent", sentAt });
  await store({ status: "failed", failedAt: sentAt });
  await store({ status: "queued", nextAttemptAt: new Date(now + 3_600_000) });
  await store({ status: "held" });
  await api.admin().settings.update({ timeZone: "America/Sao_Paulo" });

  const { token } = await api.deps.auth.createToken("status-page", "read");
  const answer = await request(baseUrl, "GET", "/api/dashboard", { token });
  expect(answer.status).toBe(200);
  const stats = answer.body as Awaited<ReturnType<Kabar["dashboard"]["stats"]>>;
  expect(stats.timeZone).toBe("America/Sao_Paulo");
  expect(stats.days).toHaveLength(14);
  expect(stats.days.at(-1)).toEqual({
    day: dayKeyIn(now, "America/Sao_Paulo"),
    sent: 2,
    delivered: 1,
    read: 0,
    failed: 1,
  });
  expect(stats.deliveryRate).toBe(0.5);
  expect(stats.medianDeliveryMs).toBe(4_000);
  expect(stats.outbox).toEqual({ queued: 0, waiting: 1, held: 1, sending: 0, depth: 2 });
  expect(stats.runningBroadcast).toBeNull();

  expect(await api.app().dashboard.stats()).toEqual(stats);
  expect((await request(baseUrl, "GET", "/api/dashboard")).status).toBe(401);
});
