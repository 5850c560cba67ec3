/**
 * The lease on a real PostgreSQL (Debian's package, one server for this file, a database per test):
 * who may take it, the fencing token, renewal, release and fencing when the lease connection breaks.
 */
import { type PostgresServer, startPostgres } from "@kabar/db/testing";
import { migrateDatabase } from "@kabar/db";
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSessionLease, type SessionLease } from "./session-lease.js";

let server: PostgresServer;
const leases: SessionLease[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());
afterEach(async () => {
  for (const lease of leases.splice(0)) await lease.release();
});

interface Watched {
  lease: SessionLease;
  acquired: number[];
  lost: string[];
}

function watch(databaseUrl: string, nodeId: string, leaseMs = 5_000): Watched {
  const watched: Watched = { lease: null as unknown as SessionLease, acquired: [], lost: [] };
  watched.lease = createSessionLease({
    databaseUrl,
    nodeId,
    leaseMs,
    logger: pino({ level: "silent" }),
    pg,
    onAcquired: (token) => watched.acquired.push(token),
    onLost: (why) => watched.lost.push(why),
  });
  leases.push(watched.lease);
  watched.lease.start();
  return watched;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

async function freshDatabase(): Promise<string> {
  const url = await server.createDatabase();
  await migrateDatabase(url);
  return url;
}

/** A fresh database whose lease node "a" took. */
async function ownedByA(_options: { follower: false }): Promise<{ url: string; a: Watched }>;
/** …and node "b", which has seen it held by "a". */
async function ownedByA(): Promise<{ url: string; a: Watched; b: Watched }>;
async function ownedByA(options?: { follower: false }) {
  const url = await freshDatabase();
  const a = watch(url, "a");
  await until(() => a.acquired.length === 1);
  if (options) return { url, a };
  const b = watch(url, "b");
  await until(() => b.lease.current()?.holder === "a");
  return { url, a, b };
}

describe("the WhatsApp session lease", () => {
  it("one node of two takes it; the other sees who holds it and never takes it while it is renewed", async () => {
    const { a, b } = await ownedByA();
    // past the end of the lease a took: only renewals keep it, so b taking it would show here
    const firstExpiry = a.lease.current()?.expiresAt.getTime() ?? 0;
    await until(() => Date.now() > firstExpiry + 1_000);
    expect(b.acquired).toEqual([]);
    expect(a.lost).toEqual([]);
    expect(a.lease.token()).toBe(1);
    expect(b.lease.current()?.expiresAt.getTime()).toBeGreaterThan(Date.now());
  }, 30_000);

  it("release hands it over at once with the token grown by one", async () => {
    const { a, b } = await ownedByA();
    await a.lease.release();
    const waited = await until(() => b.acquired.length === 1, 3_000);
    expect(waited).toBeLessThan(2_000);
    expect(b.acquired).toEqual([2]);
    expect(a.lost).toEqual([]);
  }, 30_000);

  it("a broken lease connection fences at once; another node takes it only after it expired", async () => {
    const { a, b } = await ownedByA();
    const expiresAt = b.lease.current()?.expiresAt.getTime() ?? 0;
    expect(await server.terminateBackends("kabar-a-lease")).toBe(1);
    const fencedAfter = await until(() => a.lost.length === 1, 2_000);
    expect(fencedAfter).toBeLessThan(1_000);
    expect(a.lease.isHeld()).toBe(false);
    await until(() => b.acquired.length === 1, 10_000);
    // the database's clock and ours are the same machine's here
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(b.acquired).toEqual([2]);
    // a just fenced: it waits a lease before competing again, so it does not take it back
    expect(a.acquired).toEqual([1]);
  }, 30_000);

  it("renewals that hang (a row lock) fence the owner after lease − 3 s, before the lease ends", async () => {
    const { url, a } = await ownedByA({ follower: false });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query(`SELECT * FROM "SessionLease" FOR UPDATE`);
    const expiresAt = a.lease.current()?.expiresAt.getTime() ?? 0;
    await until(() => a.lost.length === 1, 6_000);
    expect(Date.now()).toBeLessThan(expiresAt);
    expect(a.lost[0]).toContain("no renewal succeeded");
    await blocker.query("ROLLBACK");
    await blocker.end();
  }, 30_000);

  it("a renewal that finds the row taken by another holder fences", async () => {
    const { url, a } = await ownedByA({ follower: false });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE "SessionLease" SET "holder" = 'intruder', "token" = "token" + 1`);
    await client.end();
    await until(() => a.lost.length === 1, 3_000);
    expect(a.lost[0]).toContain("another node holds the lease");
  }, 30_000);
});
