/**
 * Issue 16, acceptance 2: a rolling restart of both nodes, one after the other, during a burst split
 * across their REST (a balancer sends to the nodes that are up; a node is drained before its SIGTERM):
 * no send refused, 0 lost, 0 doubled.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Cluster } from "../../src/cluster.js";
import { contactsReceived, outboxSettled, sendSplit } from "../../src/cluster-burst.js";
import { startLinkedCluster } from "../../src/cluster-link.js";
import { printTally } from "../../src/tally.js";

const TOTAL = 400;

let cluster: Cluster;
let ownerId: string;
let followerId: string;

beforeAll(async () => {
  const linked = await startLinkedCluster(["node-a", "node-b"]);
  cluster = linked.cluster;
  ownerId = linked.ownerId;
  followerId = linked.followerIds[0] ?? "";
}, 180_000);
afterAll(() => cluster?.close());

/** Restart one node as a deploy does, and wait until it is back and agrees who owns the session. */
async function deploy(id: string): Promise<void> {
  await cluster.restart(id);
  await cluster.waitForOwner(id, (view) => view.mode === "cluster" && view.ownerNodeId !== null, 30_000);
}

it("restarting the owner, then the other node, during a burst: no send refused, 0 lost, 0 doubled", async () => {
  let rolling: Promise<void> | undefined;
  const restarted: string[] = [];
  const started = Date.now();
  const burst = await sendSplit(cluster, {
    scenario: "rolling",
    total: TOTAL,
    onAccepted: (accepted) => {
      if (accepted !== TOTAL / 4) return;
      rolling = (async () => {
        for (const id of [ownerId, followerId]) {
          await deploy(id);
          restarted.push(id);
        }
      })();
    },
    keepSendingUntil: () => rolling,
  });
  await rolling;
  expect(restarted).toEqual([ownerId, followerId]);
  expect(burst.refused).toEqual([]);

  // someone owns the session again and it is connected
  await cluster.waitForOwner(ownerId, (view) => view.ownerNodeId !== null, 30_000);
  await contactsReceived(cluster, burst.acceptedIds.length, 120_000);
  await outboxSettled(cluster, 60_000);
  const result = await cluster.tally(burst.acceptedIds);
  printTally("cluster rolling restart", result);
  console.log(
    `[cluster] rolling restart: accepted by node ${JSON.stringify(burst.acceptedBy)}, ` +
      `${burst.redirected} redirected; ${Date.now() - started} ms`,
  );
  expect(result).toMatchObject({ lost: 0, shownTwice: 0, copiesByContent: 0, unexpected: 0 });
  expect(result.delivered).toBe(burst.acceptedIds.length);
  // the nodes never ran two sockets of the session at once
  expect(cluster.conflicts().conflicts).toEqual([]);
}, 300_000);
