/**
 * Issue 16 item 3 against the real wa-multi-session + Baileys and the simulator, PostgreSQL from Debian's
 * package: two nodes, one owner of the WhatsApp session by lease. Each node is its own process.
 */
import { type PostgresServer, startPostgres } from "@kabar/db/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SendResult, SessionStatus } from "../../src/contract.js";
import { expectShownOnce, receivedByContacts } from "../outbox-simulated.js";
import { type ClusterNodeChild, type ClusterWorld, startClusterWorld } from "./cluster-harness.js";

const CONTACT = "6281234567890";
let server: PostgresServer;
let world: ClusterWorld | null = null;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());
afterEach(async () => {
  await world?.close();
  world = null;
});

/**
 * A started cluster whose node A owns the session and node B follows it; the session is created and
 * connected through B (the follower forwards "connect" to the owner), and A shows the QR and links.
 */
async function linkedPair(settings?: Record<string, unknown>) {
  world = await startClusterWorld(await server.createDatabase());
  const a = await world.start("node-a", settings);
  await a.roleReaches(true);
  const b = await world.start("node-b", settings);
  expect(await b.call("cluster")).toMatchObject({ mode: "cluster", isOwner: false });
  await b.call("createSession", { name: "Panitia Lari", sessionId: "panitia_lari" });
  await b.call("connect");
  const { qr } = await a.statusReaches((status) => status.state === "waiting_qr" && status.qr !== null);
  await world.simulator.phone.scan(qr?.value ?? "");
  await a.statusReaches((status) => status.state === "connected");
  return { world, a, b };
}

const connected = (status: SessionStatus) => status.state === "connected";
/** A QR in what the node showed from the `from`-th status on (a follower shows the owner's QR while linking). */
const showsQr = (node: ClusterNodeChild, from: number) =>
  node.statuses.slice(from).some((seen) => seen.status.qr !== null);

describe("several nodes on PostgreSQL: one owner of the WhatsApp session", () => {
  it("B follows and shows A's status; a send through B reaches the contact; after kill -9 of A, B owns within 15 s without a QR and every message arrives once", async () => {
    const { world, a, b } = await linkedPair({ minGapMs: 150, maxGapMs: 150 });
    expect(await b.call("cluster")).toMatchObject({ mode: "cluster", isOwner: false, ownerNodeId: "node-a" });
    await b.statusReaches(connected);

    await b.call<SendResult>("send", { to: CONTACT, message: "Halo dari node B" });
    const [first] = await world.simulator.waitForMessages(CONTACT, 1);
    expect(first?.text).toBe("Halo dari node B");

    // a burst through both nodes; A dies while it is still sending
    for (let index = 0; index < 30; index += 1) {
      const node = index % 2 === 0 ? a : b;
      await node.call("send", { to: CONTACT, message: `Nomor BIB ${index + 1}` });
    }
    await world.simulator.waitForMessages(CONTACT, 6);
    const beforeKill = b.statuses.length;
    const killedAt = Date.now();
    await a.kill();
    const beforeTakeover = receivedByContacts(world.simulator).length;

    const ownedAt = await b.roleReaches(true, 20_000);
    const reconnected = b.statuses.length;
    await b.statusReaches(connected);
    await until(() =>
      b.statuses.slice(reconnected - 1).some((seen) => seen.isOwner && connected(seen.status)),
    );
    console.info(`owner killed → node B owns the session after ${ownedAt - killedAt} ms`);
    expect(ownedAt - killedAt).toBeLessThan(15_000);
    expect(showsQr(b, beforeKill)).toBe(false);
    // the rest of the burst went out through B's socket
    expect(beforeTakeover).toBeLessThan(31);

    await world.simulator.waitForMessages(CONTACT, 31, 60_000);
    const sent = await b.call<{ id: string; text: string; status: string }[]>("messages");
    expect(sent).toHaveLength(31);
    await until(async () =>
      (await b.call<{ status: string }[]>("messages")).every(
        (m) => m.status !== "queued" && m.status !== "sending",
      ),
    );
    expect(expectShownOnce(sent, receivedByContacts(world.simulator))).toBe(0);
    expect(
      receivedByContacts(world.simulator)
        .map((message) => message.text)
        .sort(),
    ).toEqual(sent.map((message) => message.text).sort());
  }, 120_000);

  it("the owner's lease connection is cut: it closes its socket before B opens one (no conflict), then a clean stop of B hands the session back at once", async () => {
    const { world, a, b } = await linkedPair();
    const seen: { kind: "login" | "disconnect" | "replaced"; connectionId: number }[] = [];
    world.simulator.on("login", ({ connectionId }) => seen.push({ kind: "login", connectionId }));
    world.simulator.on("disconnect", ({ connectionId }) => seen.push({ kind: "disconnect", connectionId }));
    world.simulator.on("replaced", ({ connectionId }) => seen.push({ kind: "replaced", connectionId }));
    const aConnection = world.simulator
      .state()
      .connections.filter((c) => c.phase === "ready")
      .at(-1)?.id;
    expect(aConnection).toBeDefined();

    const aRoles = a.roles.length;
    const beforeCut = b.statuses.length;
    expect(await server.terminateBackends("kabar-node-a-lease")).toBe(1);
    await a.roleReaches(false, 5_000, aRoles);
    await b.roleReaches(true, 20_000);
    await until(() => b.statuses.some((seen) => seen.isOwner && connected(seen.status)));
    const aGone = seen.findIndex(
      (event) => event.kind === "disconnect" && event.connectionId === aConnection,
    );
    const bLogin = seen.findIndex((event) => event.kind === "login");
    expect(aGone).toBeGreaterThanOrEqual(0);
    expect(bLogin).toBeGreaterThan(aGone);
    expect(showsQr(b, beforeCut)).toBe(false);

    // rolling restart: B stops cleanly and releases the lease, A takes it at its next poll
    const stoppedAt = Date.now();
    const aStatuses = a.statuses.length;
    const aRolesBefore = a.roles.length;
    await b.close();
    const aOwnsAt = await a.roleReaches(true, 10_000, aRolesBefore);
    expect(aOwnsAt - stoppedAt).toBeLessThan(3_000);
    await until(() => a.statuses.slice(aStatuses).some((seen) => seen.isOwner && connected(seen.status)));
    expect(a.statuses.slice(aStatuses).some((seen) => seen.status.qr !== null)).toBe(false);
    await a.call("send", { to: CONTACT, message: "Kembali di node A" });
    await world.simulator.waitForMessages(CONTACT, 1);
    expect(seen.filter((event) => event.kind === "replaced")).toEqual([]);
  }, 120_000);
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
