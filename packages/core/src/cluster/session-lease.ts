/**
 * The lease that makes one node of several the owner of the WhatsApp session (PostgreSQL only). One row of
 * SessionLease, key "whatsapp", held through a dedicated connection (application_name
 * `kabar-<node>-lease`). Every time is the database's clock, so the nodes' clocks never have to agree.
 *
 * - A follower tries to take the row every poll: only when it is absent or `expiresAt < now()`; each take
 *   adds 1 to `token`.
 * - The owner renews every lease/5 with `WHERE holder = me AND token = mine`.
 * - The owner fences itself AT ONCE (onLost) when a renewal finds 0 rows, when no renewal succeeded for
 *   (lease − 3 s), or when the lease connection errors or ends. Others may take the row only after
 *   `expiresAt`, so the fenced node has at least 3 s to close its socket before anyone opens one.
 * - A node that just lost the lease waits one lease before competing again, so another node takes it.
 * - release() (clean shutdown) sets expiresAt = now(): the next poll of another node takes it at once.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { SESSION_LEASE_KEY } from "@kabar/db";

export const DEFAULT_LEASE_MS = 10_000;
/** The owner fences itself this long before its lease could expire. */
const FENCE_MARGIN_MS = 3_000;

export interface LeaseHolder {
  holder: string;
  token: number;
  acquiredAt: Date;
  expiresAt: Date;
}

export interface SessionLeaseOptions {
  databaseUrl: string;
  nodeId: string;
  leaseMs: number;
  logger: Logger;
  /** Called once this node holds the lease (token = the fencing token). */
  onAcquired(token: number): void;
  /** Called at once when this node can no longer be sure it holds the lease. */
  onLost(why: string): void;
  /** The pg module (loaded lazily by the caller: SQLite never loads it). */
  pg: typeof pg;
}

export interface SessionLease {
  /** Starts renewing or competing; resolves after the first attempt (the lease taken, or seen held). */
  start(): Promise<void>;
  /** The last holder seen (ours while we own it), null when nobody held it yet. */
  current(): LeaseHolder | null;
  isHeld(): boolean;
  token(): number | null;
  /** Gives the lease up at once for another node (clean shutdown) and stops competing. */
  release(): Promise<void>;
}

const ACQUIRE = `INSERT INTO "SessionLease" ("sessionId", "holder", "token", "acquiredAt", "renewedAt", "expiresAt")
VALUES ($1, $2, 1, now(), now(), now() + $3 * interval '1 millisecond')
ON CONFLICT ("sessionId") DO UPDATE SET "holder" = EXCLUDED."holder", "token" = "SessionLease"."token" + 1,
  "acquiredAt" = now(), "renewedAt" = now(), "expiresAt" = EXCLUDED."expiresAt"
WHERE "SessionLease"."expiresAt" < now()
RETURNING "holder", "token", "acquiredAt", "expiresAt"`;

const RENEW = `UPDATE "SessionLease" SET "renewedAt" = now(), "expiresAt" = now() + $4 * interval '1 millisecond'
WHERE "sessionId" = $1 AND "holder" = $2 AND "token" = $3 RETURNING "holder", "token", "acquiredAt", "expiresAt"`;

const READ = `SELECT "holder", "token", "acquiredAt", "expiresAt" FROM "SessionLease" WHERE "sessionId" = $1`;

const RELEASE = `UPDATE "SessionLease" SET "expiresAt" = now() WHERE "sessionId" = $1 AND "holder" = $2 AND "token" = $3`;

export function createSessionLease(options: SessionLeaseOptions): SessionLease {
  const { nodeId, leaseMs, logger } = options;
  const pollMs = Math.min(1_000, Math.max(50, Math.floor(leaseMs / 5)));
  const renewMs = Math.max(50, Math.floor(leaseMs / 5));
  const fenceAfterMs = Math.max(renewMs, leaseMs - FENCE_MARGIN_MS);
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let held: LeaseHolder | null = null;
  let seen: LeaseHolder | null = null;
  let lastRenewedAt = 0;
  let lastRenewTry = 0;
  let competeAfter = 0;
  let timer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let busy = false;
  let stopped = false;

  function connection(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const fresh = new options.pg.Client({
        connectionString: options.databaseUrl,
        application_name: `kabar-${nodeId}-lease`,
        // The table's timestamps are UTC without a zone (as Prisma writes them).
        options: "-c TimeZone=UTC",
      });
      const broken = (why: string) => {
        if (client !== fresh) return;
        client = null;
        fresh.end().catch(() => undefined);
        if (held) lose(`the lease connection ${why}`);
      };
      fresh.on("error", (error) => broken(`failed: ${error.message}`));
      fresh.on("end", () => broken("ended"));
      await fresh.connect();
      client = fresh;
      return fresh;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  function lose(why: string): void {
    if (!held) return;
    logger.warn({ nodeId, token: held.token, why }, "lost the WhatsApp session lease: fencing this node");
    held = null;
    competeAfter = Date.now() + leaseMs;
    options.onLost(why);
  }

  function toHolder(row: { holder: string; token: number; acquiredAt: Date; expiresAt: Date }): LeaseHolder {
    return {
      holder: row.holder,
      token: Number(row.token),
      acquiredAt: row.acquiredAt,
      expiresAt: row.expiresAt,
    };
  }

  async function tick(): Promise<void> {
    if (busy || stopped) return;
    busy = true;
    try {
      const db = await connection();
      if (held) {
        if (performance.now() - lastRenewTry < renewMs - 10) return;
        lastRenewTry = performance.now();
        const renewed = await db.query(RENEW, [SESSION_LEASE_KEY, nodeId, held.token, leaseMs]);
        // stopped or lost while the query ran: that answer is no longer ours to act on
        if (!held || stopped) return;
        if (renewed.rowCount === 0) return lose("another node holds the lease");
        held = toHolder(renewed.rows[0]);
        seen = held;
        lastRenewedAt = performance.now();
        return;
      }
      if (Date.now() < competeAfter) {
        const read = await db.query(READ, [SESSION_LEASE_KEY]);
        seen = read.rows[0] ? toHolder(read.rows[0]) : null;
        return;
      }
      const taken = await db.query(ACQUIRE, [SESSION_LEASE_KEY, nodeId, leaseMs]);
      if (stopped) return;
      if (taken.rowCount === 1) {
        held = toHolder(taken.rows[0]);
        seen = held;
        lastRenewedAt = performance.now();
        lastRenewTry = lastRenewedAt;
        logger.info(
          { nodeId, token: held.token },
          "took the WhatsApp session lease: this node owns the session",
        );
        options.onAcquired(held.token);
        return;
      }
      const read = await db.query(READ, [SESSION_LEASE_KEY]);
      seen = read.rows[0] ? toHolder(read.rows[0]) : null;
    } catch (error) {
      // a broken connection is handled by its "error"/"end"; a refused query only waits for the next tick
      logger.warn({ err: error, nodeId }, "the lease query failed");
    } finally {
      busy = false;
    }
  }

  return {
    start() {
      timer = setInterval(() => void tick(), Math.min(pollMs, renewMs));
      timer.unref();
      watchdog = setInterval(
        () => {
          if (held && performance.now() - lastRenewedAt > fenceAfterMs) {
            lose(`no renewal succeeded for ${Math.round(fenceAfterMs)} ms`);
          }
        },
        Math.min(250, renewMs),
      );
      watchdog.unref();
      return tick();
    },
    current: () => seen,
    isHeld: () => held !== null,
    token: () => held?.token ?? null,
    async release() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (watchdog) clearInterval(watchdog);
      const mine = held;
      held = null;
      const db = client;
      client = null;
      if (!db) return;
      try {
        if (mine) {
          await db.query(RELEASE, [SESSION_LEASE_KEY, nodeId, mine.token]);
          logger.info({ nodeId, token: mine.token }, "released the WhatsApp session lease");
        }
      } catch (error) {
        logger.warn({ err: error, nodeId }, "could not release the lease; it expires by itself");
      } finally {
        await db.end().catch(() => undefined);
      }
    },
  };
}
