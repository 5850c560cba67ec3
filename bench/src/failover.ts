/**
 * Failover time (issue 16): two nodes on one PostgreSQL, the session linked; kill -9 the owner, send one
 * message to the survivor's REST at once, and time kill → the server's ack of that message (sent by the
 * new owner). The killed node is started again as a follower between rounds; median of `rounds`.
 */
import { recipient } from "@kabar/system-tests";
import { startLinkedCluster } from "@kabar/system-tests/cluster";
import { median } from "./stats.js";

export interface FailoverResult {
  roundsMs: number[];
  medianMs: number;
  leaseMs: number;
}

const LEASE_MS = 10_000;

export async function benchFailover(rounds: number, log: (line: string) => void): Promise<FailoverResult> {
  const linked = await startLinkedCluster(["node-a", "node-b"]);
  const { cluster } = linked;
  // every server ack by WhatsApp id, with when it came: the ack can beat the read of the id
  const ackedAt = new Map<string, number>();
  cluster.simulator.on("ack", ({ id, error }) => {
    if (error === undefined) ackedAt.set(id, performance.now());
  });
  const roundsMs: number[] = [];
  let ownerId = linked.ownerId;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const survivorId = [...cluster.nodes.keys()].find((id) => id !== ownerId) ?? "";
      const killedAt = performance.now();
      await cluster.kill(ownerId);
      const answer = await cluster.send(survivorId, { to: recipient(round), message: `failover ${round}` });
      if (answer.status !== 202) throw new Error(`the survivor refused the send: ${answer.text}`);
      const { id } = answer.body as { id: string };
      const row = await cluster.db.outboxMessage.findUniqueOrThrow({
        where: { id },
        select: { waMessageId: true },
      });
      const waMessageId = row.waMessageId;
      if (!ackedAt.has(waMessageId))
        await cluster.simulator.waitFor(
          "ack",
          (ack) => ack.id === waMessageId && ack.error === undefined,
          60_000,
        );
      const tookMs = Math.round((ackedAt.get(waMessageId) ?? performance.now()) - killedAt);
      roundsMs.push(tookMs);
      log(
        `failover round ${round + 1}: ${ownerId} killed → first send acked by ${survivorId} in ${tookMs} ms`,
      );
      await cluster.start(ownerId);
      await cluster.waitForOwner(ownerId, (view) => view.ownerNodeId === survivorId, 30_000);
      ownerId = survivorId;
    }
  } finally {
    await cluster.close();
  }
  return { roundsMs, medianMs: median(roundsMs), leaseMs: LEASE_MS };
}

export function failoverRows(result: FailoverResult): [string, string, string][] {
  return [
    [
      "10 failover: owner killed → first send acked",
      `median ${result.medianMs} ms`,
      `${result.medianMs <= 15_000 ? "≤15000 met" : "≤15000 MISSED"}; rounds ${result.roundsMs.join(", ")} ms; 2 nodes, CLUSTER_LEASE_MS ${result.leaseMs}, kill -9`,
    ],
  ];
}
