/**
 * Issue 16, acceptance 3: split brain. The owner's database connections are cut (pg_terminate_backend on
 * every backend named kabar-<owner>) while its process lives → it stops sending (its socket to WhatsApp
 * closes) within the lease time, and exactly one socket of the session is connected to the simulator at
 * any moment: the simulator reports no conflict (no login that replaced a still-logged-in one).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Cluster } from "../../src/cluster.js";
import { contactsReceived, outboxSettled, sendSplit } from "../../src/cluster-burst.js";
import { startLinkedCluster } from "../../src/cluster-link.js";
import { printTally } from "../../src/tally.js";

/** CLUSTER_LEASE_MS's default: the test runs the product as shipped. */
const LEASE_MS = 10_000;
const TOTAL = 300;

let cluster: Cluster;
let ownerId: string;

beforeAll(async () => {
  const linked = await startLinkedCluster(["node-a", "node-b"]);
  cluster = linked.cluster;
  ownerId = linked.ownerId;
}, 180_000);
afterAll(() => cluster?.close());

it("the owner cut off from PostgreSQL closes its socket within the lease; never two sockets at once; nothing lost or doubled", async () => {
  const { simulator } = cluster;
  const ready = simulator.state().connections.filter((connection) => connection.phase === "ready");
  expect(ready).toHaveLength(1);
  const ownersSocket = ready[0]?.id;
  const socketClosed = simulator.waitFor(
    "disconnect",
    ({ connectionId }) => connectionId === ownersSocket,
    60_000,
  );
  let cutAt = 0;
  let cutting: Promise<number> | undefined;
  const burst = await sendSplit(cluster, {
    scenario: "split-brain",
    total: TOTAL,
    onAccepted: (accepted) => {
      if (accepted !== TOTAL / 3) return;
      cutAt = Date.now();
      cutting = cluster.cutDatabase(ownerId);
    },
    keepSendingUntil: () => socketClosed,
  });
  expect(await cutting).toBeGreaterThan(0);
  await socketClosed;
  const stoppedAfterMs = Date.now() - cutAt;
  expect(stoppedAfterMs).toBeLessThanOrEqual(LEASE_MS);
  // the owner's process lived through it
  expect(cluster.node(ownerId).server.child.exitCode).toBeNull();

  // a node (the other, or the same one once its lease was free again) owns and sends again
  await contactsReceived(cluster, burst.acceptedIds.length, 120_000);
  await outboxSettled(cluster, 60_000);
  const result = await cluster.tally(burst.acceptedIds);
  printTally("cluster split brain", result);
  const { conflicts, maxConcurrentLogins } = cluster.conflicts();
  console.log(
    `[cluster] split brain: the cut owner's socket closed ${stoppedAfterMs} ms after the cut; ` +
      `conflicts ${conflicts.length}, most logins at once ${JSON.stringify(maxConcurrentLogins)}`,
  );
  expect(burst.refused).toEqual([]);
  expect(result).toMatchObject({ lost: 0, shownTwice: 0, copiesByContent: 0, unexpected: 0 });
  expect(conflicts).toEqual([]);
  expect(Object.values(maxConcurrentLogins).every((count) => count === 1)).toBe(true);
}, 300_000);
