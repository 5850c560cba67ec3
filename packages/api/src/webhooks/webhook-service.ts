/**
 * Webhooks: every session and message event is written to a delivery log per active endpoint, then
 * POSTed signed (see webhook-signature.ts) and retried with exponential backoff until it succeeds or
 * runs out of attempts. Durable: a restart picks up pending deliveries from the database.
 *
 * Once cluster-wide: a node writes deliveries only for the events it published itself (EventBus
 * onPublished; every event has exactly one publisher), and a node claims a due delivery with a
 * conditional update before it POSTs, so two nodes running deliverDue never send the same one.
 */
import { TRPCError } from "@trpc/server";
import type { Logger } from "pino";
import { randomSecret } from "../auth/secrets.js";
import type { ChangeFeed, EventBus, Prisma, PrismaClient, TrackedEvent } from "../kabar.js";
import { EVENT_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from "./webhook-signature.js";
import { checkWebhookUrl, postWebhook } from "./webhook-target.js";

export const WEBHOOK_EVENTS = ["session.state", "message.status", "message.received", "alert"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

const endpointSelect = {
  id: true,
  url: true,
  events: true,
  isActive: true,
  createdAt: true,
} satisfies Prisma.WebhookEndpointSelect;
const deliverySelect = {
  id: true,
  endpointId: true,
  event: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
  responseCode: true,
  createdAt: true,
  deliveredAt: true,
} satisfies Prisma.WebhookDeliverySelect;

export interface WebhookOptions {
  logger: Logger;
  maxAttempts?: number;
  /** First retry after this; doubles each time, capped at an hour. */
  baseDelayMs?: number;
  timeoutMs?: number;
  now?: () => Date;
  /** WEBHOOKS_ALLOW_PRIVATE: receivers on loopback and private networks (on-premise); off by default. */
  allowPrivateAddresses?: boolean;
  /** Endpoint changes announced to, and heard from, the other nodes of a cluster. */
  changes?: ChangeFeed;
}

/** A claimed delivery is left alone this long past its POST's timeout (a node that died mid-POST). */
const CLAIM_MARGIN_MS = 30_000;

export class WebhookService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly enqueuing = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  /**
   * The active endpoints, read once and kept: every event (five per message sent) asks for them, and
   * only create() and delete() below change them, each dropping the copy (on every node: they
   * announce "webhooks"). Reading them per event was
   * a query per event on the database the outbox's sends wait for (BENCHMARKS.md, figure 8).
   */
  private endpoints: Promise<{ id: string; events: string }[]> | null = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly options: WebhookOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    options.changes?.on("webhooks", () => {
      this.endpoints = null;
    });
  }

  async create(input: { url: string; events?: WebhookEventType[] }) {
    await checkWebhookUrl(input.url, this.options.allowPrivateAddresses ?? false);
    const secret = `whsec_${randomSecret(24)}`;
    const events = input.events && input.events.length > 0 ? input.events.join(",") : "*";
    const endpoint = await this.db.webhookEndpoint.create({
      data: { url: input.url, secret, events },
      select: endpointSelect,
    });
    this.endpoints = null;
    this.options.changes?.announce("webhooks");
    // The secret is in this answer only, like an API token.
    return { ...present(endpoint), secret };
  }

  async list() {
    const endpoints = await this.db.webhookEndpoint.findMany({
      orderBy: { createdAt: "asc" },
      select: endpointSelect,
    });
    return endpoints.map(present);
  }

  async delete(id: string) {
    const { count } = await this.db.webhookEndpoint.deleteMany({ where: { id } });
    this.endpoints = null;
    this.options.changes?.announce("webhooks");
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: `No webhook with id "${id}".` });
    return { id, deleted: true as const };
  }

  async deliveries(input: { endpointId?: string | undefined; limit: number }) {
    const rows = await this.db.webhookDelivery.findMany({
      where: input.endpointId ? { endpointId: input.endpointId } : {},
      orderBy: { id: "desc" },
      take: input.limit,
      select: deliverySelect,
    });
    return rows.map((row) => ({
      ...row,
      nextAttemptAt: row.nextAttemptAt.toISOString(),
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
  }

  /** Writes one pending delivery per active endpoint that wants this event. */
  private activeEndpoints(): Promise<{ id: string; events: string }[]> {
    if (this.endpoints === null) {
      const reading = this.db.webhookEndpoint.findMany({
        where: { isActive: true },
        select: { id: true, events: true },
      });
      // a failed read is not kept: the next event reads again
      reading.catch(() => {
        if (this.endpoints === reading) this.endpoints = null;
      });
      this.endpoints = reading;
    }
    return this.endpoints;
  }

  async enqueue(tracked: TrackedEvent): Promise<number> {
    const type = tracked.event.type;
    const endpoints = await this.activeEndpoints();
    const targets = endpoints.filter(
      (endpoint) => endpoint.events === "*" || endpoint.events.split(",").includes(type),
    );
    if (targets.length === 0) return 0;
    const data = webhookData(tracked.event);
    const payload = JSON.stringify({ id: tracked.id, type, data, createdAt: this.now().toISOString() });
    await this.db.webhookDelivery.createMany({
      data: targets.map((endpoint) => ({
        endpointId: endpoint.id,
        event: type,
        payload,
        nextAttemptAt: this.now(),
      })),
    });
    return targets.length;
  }

  /** Sends every delivery that is due and that this node claimed; returns how many were attempted. One run at a time. */
  deliverDue(): Promise<number> {
    this.running ??= this.runDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runDue(): Promise<number> {
    const due = await this.db.webhookDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: this.now() } },
      orderBy: { id: "asc" },
      take: 20,
      select: {
        id: true,
        event: true,
        payload: true,
        attempts: true,
        nextAttemptAt: true,
        endpoint: { select: { url: true, secret: true } },
      },
    });
    let attempted = 0;
    for (const delivery of due) {
      if (!(await this.claim(delivery))) continue;
      await this.attempt(delivery);
      attempted += 1;
    }
    return attempted;
  }

  /** True when this node took the delivery: still as read, so no other node claimed it meanwhile. */
  private async claim(delivery: { id: number; attempts: number; nextAttemptAt: Date }): Promise<boolean> {
    const heldUntil = this.now().getTime() + (this.options.timeoutMs ?? 10_000) + CLAIM_MARGIN_MS;
    const { count } = await this.db.webhookDelivery.updateMany({
      where: {
        id: delivery.id,
        status: "pending",
        attempts: delivery.attempts,
        nextAttemptAt: delivery.nextAttemptAt,
      },
      data: { nextAttemptAt: new Date(heldUntil) },
    });
    return count === 1;
  }

  private async attempt(delivery: {
    id: number;
    event: string;
    payload: string;
    attempts: number;
    endpoint: { url: string; secret: string };
  }): Promise<void> {
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    let responseCode: number | null = null;
    let error: string | null = null;
    try {
      responseCode = await postWebhook({
        url: delivery.endpoint.url,
        headers: {
          "content-type": "application/json",
          [EVENT_HEADER]: delivery.event,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(delivery.endpoint.secret, timestamp, delivery.payload),
        },
        body: delivery.payload,
        timeoutMs: this.options.timeoutMs ?? 10_000,
        allowPrivate: this.options.allowPrivateAddresses ?? false,
      });
      // A redirect is not followed (it could point anywhere): it counts as a failed delivery.
      if (responseCode >= 300 && responseCode < 400)
        error = `answered ${responseCode} (redirects are not followed)`;
      else if (responseCode < 200 || responseCode >= 300) error = `answered ${responseCode}`;
    } catch (caught) {
      // postWebhook's messages name the failure only: never the URL (it may hold a secret) or a body.
      error = caught instanceof Error ? caught.message : "failed";
    }
    const attempts = delivery.attempts + 1;
    const isDone = error === null;
    const isExhausted = !isDone && attempts >= (this.options.maxAttempts ?? 8);
    const delayMs = Math.min((this.options.baseDelayMs ?? 2_000) * 2 ** (attempts - 1), 3_600_000);
    await this.db.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attempts,
        responseCode,
        lastError: error,
        status: isDone ? "delivered" : isExhausted ? "failed" : "pending",
        deliveredAt: isDone ? this.now() : null,
        nextAttemptAt: new Date(this.now().getTime() + (isDone ? 0 : delayMs)),
      },
    });
    if (error)
      this.options.logger.warn({ deliveryId: delivery.id, attempts, error }, "webhook delivery failed");
  }

  /**
   * Follows the events this node publishes and sends due deliveries every second; the returned stop
   * waits for work in flight.
   */
  start(events: Pick<EventBus, "onPublished">): () => Promise<void> {
    const off = events.onPublished((event) => {
      const work = this.enqueue(event)
        .then((count) => (count > 0 ? this.deliverDue() : 0))
        .catch((error: unknown) => this.options.logger.error({ err: error }, "webhook enqueue failed"));
      this.enqueuing.add(work);
      void work.finally(() => this.enqueuing.delete(work));
    });
    this.timer = setInterval(() => {
      this.deliverDue().catch((error: unknown) =>
        this.options.logger.error({ err: error }, "webhook delivery run failed"),
      );
    }, 1_000);
    this.timer.unref();
    return async () => {
      off();
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      await Promise.all([...this.enqueuing]);
      await this.running;
    };
  }
}

function present(endpoint: Prisma.WebhookEndpointGetPayload<{ select: typeof endpointSelect }>) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events === "*" ? [...WEBHOOK_EVENTS] : endpoint.events.split(","),
    isActive: endpoint.isActive,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

function webhookData(event: TrackedEvent["event"]): unknown {
  switch (event.type) {
    case "session.state":
      return event.status;
    case "alert":
      return event.alert;
    default:
      return event.message;
  }
}
